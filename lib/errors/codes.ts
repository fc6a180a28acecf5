/**
 * Every stable error code this library produces. Codes never change meaning once released;
 * `docs/errors.md` has one row per code (a test keeps the two in step).
 */
export const ERROR_CODES = [
  'ERR_KERBEROS_OPTIONS',
  'ERR_KERBEROS_NO_CREDENTIALS',
  'ERR_KERBEROS_EXPIRED',
  'ERR_KERBEROS_UNKNOWN_SPN',
  'ERR_KERBEROS_KDC_UNREACHABLE',
  'ERR_KERBEROS_CLOCK_SKEW',
  'ERR_KERBEROS_WRONG_REALM',
  'ERR_KERBEROS_ACCOUNT_REVOKED',
  'ERR_KERBEROS_KDC_POLICY',
  'ERR_KERBEROS_PASSWORD_EXPIRED',
  'ERR_KERBEROS_PREAUTH_FAILED',
  'ERR_KERBEROS_REJECTED',
  'ERR_KERBEROS_MUTUAL_AUTH',
  'ERR_KERBEROS_TOKEN_TOO_LARGE',
  'ERR_KERBEROS_TIMEOUT',
  'ERR_KERBEROS_BODY_NOT_REPLAYABLE',
  'ERR_KERBEROS_UNTRUSTED_HOST',
  'ERR_KERBEROS_NTLM_REFUSED',
  'ERR_KERBEROS_BAD_CHALLENGE',
  'ERR_KERBEROS_PROXY_AUTH_REQUIRED',
  'ERR_KERBEROS_NATIVE_UNAVAILABLE',
  'ERR_KERBEROS_GSS',
] as const;

/** A stable string identifying what went wrong; see `docs/errors.md`. */
export type KerberosErrorCode = (typeof ERROR_CODES)[number];
