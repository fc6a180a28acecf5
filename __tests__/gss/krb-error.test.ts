import { explainServerError, krbErrorCode, krbErrorName } from '../../lib/gss/krb-error';

// Apache mod_auth_gssapi's answer to a token that arrived outside the clock-skew window, as
// recorded against the test realm: a SPNEGO reply (negState reject) whose responseToken is a
// KRB-ERROR with error-code 37 (KRB_AP_ERR_SKEW).
const SKEW_SPNEGO =
  'oXAwbqADCgEComcEZWBjBgkqhkiG9xIBAgIDAH5UMFKgAwIBBaEDAgEepBEYDzIwMjYxMjA2MTY0NzQ2WqUFAgMK3ZymAwIBJakJGwdBSy5URVNUqhwwGqADAgEBoRMwERsESFRUUBsJbG9jYWxob3N0';
// The same KRB-ERROR as a raw krb5 token (the SPNEGO reply's responseToken).
const SKEW_RAW = Buffer.from(SKEW_SPNEGO, 'base64').subarray(13).toString('base64');

describe('reading a KRB-ERROR from a server token', () => {
  it('finds the error code inside a SPNEGO reply and in a raw krb5 token', () => {
    expect(krbErrorCode(SKEW_SPNEGO)).toBe(37);
    expect(krbErrorCode(SKEW_RAW)).toBe(37);
    expect(krbErrorName(SKEW_SPNEGO)).toBe('KRB5KRB_AP_ERR_SKEW: Clock skew too great');
  });

  it('finds nothing in a token without one, or in a truncated one', () => {
    expect(krbErrorCode(Buffer.from('a1073005a0030a0100', 'hex').toString('base64'))).toBeUndefined();
    const truncated = Buffer.from(SKEW_SPNEGO, 'base64').subarray(0, 60).toString('base64');
    expect(krbErrorCode(truncated)).toBeUndefined();
    expect(krbErrorCode('')).toBeUndefined();
  });

  it('explains an opaque GSS error by the KRB-ERROR, keeping the GSS error as cause', () => {
    const opaque = new Error(' An unsupported mechanism was requested: unknown mech-code 0 for mech unknown');
    const explained = explainServerError(opaque, SKEW_SPNEGO) as Error;
    expect(explained.message).toMatch(/^the server answered with KRB5KRB_AP_ERR_SKEW: Clock skew too great \(GSS said/);
    expect(explained.cause).toBe(opaque);
    expect(explainServerError(opaque, 'b2s=')).toBe(opaque);
  });
});
