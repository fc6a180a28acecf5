import { isKerberosAuthError, KerberosAuthError, type KerberosAuthErrorDetails } from './kerberos-auth-error';

/**
 * The server's final Negotiate token was missing (under `mutual: 'required'`) or did not
 * verify: the response may not come from the server the ticket was for, so its data is
 * withheld. Code `ERR_KERBEROS_MUTUAL_AUTH`.
 */
export class MutualAuthenticationError extends KerberosAuthError {
  override name = 'MutualAuthenticationError' as const;

  constructor(message: string, details: KerberosAuthErrorDetails = {}) {
    super('ERR_KERBEROS_MUTUAL_AUTH', message, details);
  }

  /** Also true for the same error from another copy of this package (see KerberosAuthError). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isKerberosAuthError(value) && value.code === 'ERR_KERBEROS_MUTUAL_AUTH';
  }
}
