import type { KerberosErrorCode } from './codes';
import { KerberosAuthError } from './kerberos-auth-error';

interface Rule {
  code: KerberosErrorCode;
  /** Matched against the GSS message of the native binding (MIT krb5, Heimdal, SSPI wording). */
  pattern: RegExp;
  /** Tells the user what to do. `{spn}` is replaced by the service principal name. */
  fix: string;
}

// Order matters: the first match wins, and the native message often contains several
// phrases ("Unspecified GSS failure. Minor code may provide more information: Ticket expired").
const RULES: readonly Rule[] = [
  {
    code: 'ERR_KERBEROS_EXPIRED',
    pattern: /ticket expired|credentials? (?:have |has )?expired|KRB5KRB_AP_ERR_TKT_EXPIRED|SEC_E_CONTEXT_EXPIRED/i,
    fix: 'your Kerberos ticket has expired: run `kinit` again (or renew it with `kinit -R`)',
  },
  {
    code: 'ERR_KERBEROS_NO_CREDENTIALS',
    pattern:
      /no kerberos credentials available|no credentials (?:were supplied|cache found)|credentials cache (?:file '[^']*' )?not found|matching credential not found|can't find client principal|SEC_E_NO_CREDENTIALS/i,
    fix: 'there is no usable Kerberos ticket: run `kinit` (check `klist` and KRB5CCNAME), or set KRB5_CLIENT_KTNAME to a client keytab for a service account',
  },
  {
    // The KDC has no cross-realm key towards the service's realm: "Server krbtgt/OTHER@MINE
    // not found in Kerberos database". Before UNKNOWN_SPN, which the same wording would match.
    code: 'ERR_KERBEROS_WRONG_REALM',
    pattern: /server krbtgt\/\S+ not found in kerberos database/i,
    fix: 'your realm has no trust path to the realm krb5.conf maps {spn} to: check [domain_realm] in krb5.conf (KRB5_CONFIG), or ask for a cross-realm trust',
  },
  {
    code: 'ERR_KERBEROS_UNKNOWN_SPN',
    pattern: /server (?:\S+ )?not found in kerberos database|KDC_ERR_S_PRINCIPAL_UNKNOWN|SEC_E_TARGET_UNKNOWN/i,
    fix: 'the KDC does not know the service principal {spn}: check the URL host is the name the service is registered under (not an alias or IP), or set the `spn` option to the registered name',
  },
  {
    code: 'ERR_KERBEROS_CLOCK_SKEW',
    pattern: /clock skew too great|KRB5KRB_AP_ERR_SKEW|SEC_E_TIME_SKEW/i,
    fix: "this machine's clock differs too much from the KDC's: synchronise it (NTP, chrony, w32time)",
  },
  {
    code: 'ERR_KERBEROS_KDC_UNREACHABLE',
    pattern: /cannot contact any kdc|unable to reach any kdc|SEC_E_NO_AUTHENTICATING_AUTHORITY/i,
    fix: 'no KDC answered: check the network path to the KDC and the `kdc` lines of the realm in krb5.conf (KRB5_CONFIG)',
  },
  {
    code: 'ERR_KERBEROS_WRONG_REALM',
    pattern:
      /cannot find kdc for (?:requested )?realm|no route to (?:the )?realm|configuration file does not specify default realm|cannot determine realm|realm not local to kdc|KDC_ERR_WRONG_REALM|TGT has been revoked/i,
    fix: 'the realm of {spn} cannot be reached from your ticket: check [domain_realm] and [realms] in krb5.conf (KRB5_CONFIG) and cross-realm trust',
  },
];

/**
 * Turns an error from the native binding (a plain `Error` carrying a GSS message) into a
 * `KerberosAuthError` whose code and message say what is wrong and how to fix it. The GSS
 * error stays available as `cause`. Tokens never reach this function's output: the
 * native messages do not contain them, and nothing else is copied in.
 */
export function classifyGssError(error: unknown, spn: string, host: string | undefined): KerberosAuthError {
  if (error instanceof KerberosAuthError) return error;
  const native = error instanceof Error ? error.message : String(error);
  const rule = RULES.find((candidate) => candidate.pattern.test(native));
  const code = rule?.code ?? 'ERR_KERBEROS_GSS';
  const fix = (rule?.fix ?? 'see the GSS message above and docs/errors.md').replaceAll('{spn}', spn);
  const where = host === undefined ? `SPN ${spn}` : `${host} (SPN ${spn})`;
  return new KerberosAuthError(code, `Kerberos authentication to ${where} failed: ${native}. Fix: ${fix}.`, {
    cause: error,
    spn,
    host,
  });
}
