import axios, { type AxiosAdapter, type AxiosInstance, type CreateAxiosDefaults } from 'axios';
import type { CnameResolver } from '../core/spn-resolver';
import { kerberosProvider } from '../gss/kerberos-provider';
import type { GssProvider } from '../gss/provider';
import { resolveOptions } from '../options';
import { createPlugin } from '../interceptors/install';
import { type CliAuthOptions, pluginOptions } from './auth-options';

/** Counts HTTP requests that actually go out (axios-level re-sends included). */
export class RequestCounter {
  count = 0;
}

/**
 * An axios instance whose adapter counts each request it sends: re-sends after a 401 go
 * through the instance again, so the count is the real number of round trips. Every status
 * is a response, not an error: the commands decide what a status means.
 */
export function createHttpClient(counter: RequestCounter, defaults: CreateAxiosDefaults = {}): AxiosInstance {
  const send = axios.getAdapter(axios.defaults.adapter);
  const adapter: AxiosAdapter = (config) => {
    counter.count++;
    return send(config);
  };
  return axios.create({ validateStatus: () => true, ...defaults, adapter });
}

/** What `kerberosAuth()` takes from the system, replaceable so the commands can be tested without a realm or DNS. */
export interface PluginSeams {
  /** The GSS provider; the native `kerberos` binding by default. */
  gss?: GssProvider;
  /** The platform whose SPN form is used; `process.platform` by default. */
  platform?: NodeJS.Platform;
  /** The CNAME lookup for `--canonicalize cname`; `dns.promises.resolveCname` by default. */
  resolveCname?: CnameResolver;
}

/**
 * The same, with axios-kerberos installed for `host`: what `kerberosAuth()` does, with the
 * GSS provider, the platform and the CNAME lookup as parameters.
 */
export function createKerberosClient(
  counter: RequestCounter,
  host: string,
  options: CliAuthOptions,
  defaults: CreateAxiosDefaults = {},
  seams: PluginSeams = {},
): AxiosInstance {
  const client = createHttpClient(counter, { timeout: options.timeout, ...defaults });
  const { gss = kerberosProvider(), platform = process.platform, resolveCname } = seams;
  createPlugin(resolveOptions(pluginOptions(host, options)), gss, platform, resolveCname).install(client);
  return client;
}
