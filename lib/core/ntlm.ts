import { KerberosAuthError } from '../errors/kerberos-auth-error';
import type { RequestPlan } from './plan';

// An NTLMSSP message starts with "NTLMSSP\0" (`TlRMTVNTUA` in base64), bare or wrapped in
// SPNEGO. NTLM's SPNEGO mechanism OID is 1.3.6.1.4.1.311.2.2.10; Kerberos's is 1.2.840.113554.1.2.2.
const NTLM_SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');
const NTLM_OID = Buffer.from('060a2b06010401823702020a', 'hex');
const KRB5_OID = Buffer.from('06092a864886f712010202', 'hex');

/**
 * True when a token would authenticate with NTLM rather than Kerberos: an NTLMSSP message,
 * or a SPNEGO offer that lists NTLM and not Kerberos.
 */
export function isNtlmToken(token: string): boolean {
  if (token.startsWith('TlRMTVNTUA')) return true;
  const bytes = Buffer.from(token, 'base64');
  if (bytes.includes(NTLM_SIGNATURE)) return true;
  return bytes.includes(NTLM_OID) && !bytes.includes(KRB5_OID);
}

/** SPNEGO may fall back to NTLM on some systems; an NTLM token is never sent. */
export function refuseNtlm(token: string, plan: RequestPlan): string {
  if (!plan.allowNtlm && isNtlmToken(token)) {
    throw new KerberosAuthError(
      'ERR_KERBEROS_NTLM_REFUSED',
      `GSS offered an NTLM token instead of Kerberos for ${plan.host} (SPN ${plan.spn}); it was not sent.`,
      {
        spn: plan.spn,
        host: plan.host,
        fix: 'get a Kerberos ticket (`kinit`) and make sure the SPN exists, so SPNEGO does not fall back to NTLM',
      },
    );
  }
  return token;
}
