import { KerberosAuthError } from './kerberos-auth-error';

/** The ERR_KERBEROS_OPTIONS error for option `name`, with what was wrong and what is expected. */
export function optionError(name: string, detail: string): KerberosAuthError {
  return new KerberosAuthError('ERR_KERBEROS_OPTIONS', `Invalid option \`${name}\`: ${detail}.`);
}
