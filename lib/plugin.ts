import { kerberosProvider } from './gss/kerberos-provider';
import type { KerberosAuthPlugin } from './handles';
import { createPlugin } from './interceptors/install';
import { type KerberosAuthOptions, resolveOptions } from './options';

/**
 * Kerberos (HTTP Negotiate, RFC 4559) for an axios instance. Options are validated now;
 * an invalid one throws a `KerberosAuthError` with code ERR_KERBEROS_OPTIONS.
 *
 * @example
 * const api = axios.create({ baseURL: 'https://api.corp.example.com' });
 * kerberosAuth({ hosts: ['api.corp.example.com'] }).install(api);
 */
export function kerberosAuth(options: KerberosAuthOptions = {}): KerberosAuthPlugin {
  return createPlugin(resolveOptions(options), kerberosProvider());
}
