import { KerberosAuthError } from './kerberos-auth-error';

/**
 * The ERR_KERBEROS_OPTIONS error for option `name`, with what was wrong and what is expected.
 * `fix` is for advice beyond "give what is expected" (it becomes `error.fix`).
 */
export function optionError(name: string, detail: string, fix?: string): KerberosAuthError {
  return new KerberosAuthError('ERR_KERBEROS_OPTIONS', `Invalid option \`${name}\`: ${detail}.`, { fix });
}
