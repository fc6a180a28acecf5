import { isNtlmToken } from '../../lib/core/ntlm';

const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
const NTLM_OID = '060a2b06010401823702020a';
const KRB5_OID = '06092a864886f712010202';

describe('isNtlmToken', () => {
  it('recognises a bare NTLMSSP message', () => {
    expect(isNtlmToken(Buffer.from('NTLMSSP\0\x01\0\0\0', 'latin1').toString('base64'))).toBe(true);
  });

  it('recognises an NTLMSSP message wrapped in SPNEGO', () => {
    expect(isNtlmToken(b64('6082000a' + NTLM_OID + Buffer.from('NTLMSSP\0').toString('hex')))).toBe(true);
  });

  it('recognises a SPNEGO offer that lists NTLM and not Kerberos', () => {
    expect(isNtlmToken(b64('a01830' + NTLM_OID))).toBe(true);
  });

  it('accepts a SPNEGO offer that lists Kerberos first and NTLM too', () => {
    expect(isNtlmToken(b64('a02030' + KRB5_OID + NTLM_OID))).toBe(false);
  });

  it('accepts a Kerberos token', () => {
    expect(isNtlmToken(b64('60820100' + KRB5_OID + '0100'))).toBe(false);
  });
});
