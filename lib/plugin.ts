import type { AxiosInstance, AxiosStatic } from 'axios';
import type { PluginContext } from './core/context';
import { ExpiringOriginSet } from './core/origin-memory';
import { Sessions } from './core/session';
import { type CnameResolver, SpnResolver } from './core/spn-resolver';
import { TokenPool } from './core/token-pool';
import { KerberosAuthError } from './errors/kerberos-auth-error';
import { kerberosProvider } from './gss/kerberos-provider';
import { limitGss } from './gss/limits';
import type { GssProvider } from './gss/provider';
import { createRequestInterceptor } from './interceptors/request';
import { createResponseInterceptors } from './interceptors/response';
import { type KerberosAuthOptions, type ResolvedOptions, resolveOptions } from './options';

/** What `install()` returns: the interceptor ids, and `eject()` to remove both again. */
export interface KerberosAuthHandle {
  /** The id axios gave the request interceptor (`instance.interceptors.request`). */
  readonly requestInterceptorId: number;
  /** The id axios gave the response interceptor (`instance.interceptors.response`). */
  readonly responseInterceptorId: number;
  /** Removes both interceptors from the instance and forgets its sessions. Safe to call more than once. */
  eject(): void;
}

/** A configured plugin; install it on as many axios instances as you like, once each. */
export interface KerberosAuthPlugin {
  /** Registers the request and response interceptors on `instance` (or the default `axios`). */
  install(instance: AxiosInstance | AxiosStatic): KerberosAuthHandle;
}

// A property on the instance, not a WeakSet here: a second copy of this package (ESM and
// CommonJS side by side) must see the mark too.
const INSTALLED = Symbol.for('axios-kerberos.installed');

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

/** The plugin with an explicit GSS provider: the seam unit tests use. @internal */
export function createPlugin(
  options: ResolvedOptions,
  provider: GssProvider,
  platform: NodeJS.Platform = process.platform,
  resolveCname?: CnameResolver,
): KerberosAuthPlugin {
  const gss = limitGss(provider, { timeout: options.timeout, maxConcurrent: options.maxConcurrentGss });
  return {
    install(instance) {
      const marked = instance as unknown as Record<symbol, unknown>;
      if (marked[INSTALLED] === true) {
        throw new KerberosAuthError(
          'ERR_KERBEROS_OPTIONS',
          'axios-kerberos is already installed on this axios instance.',
          { fix: 'call eject() on the first handle before installing again' },
        );
      }
      const pool = options.prefetch ? new TokenPool(gss) : undefined;
      const spns = new SpnResolver(options, platform, resolveCname);
      const sessions = new Sessions(options.timeout, options.session);
      const ctx: PluginContext = {
        options,
        gss,
        instance,
        memory: new ExpiringOriginSet(),
        pool,
        platform,
        spns,
        sessions,
      };
      const response = createResponseInterceptors(ctx);
      const requestInterceptorId = instance.interceptors.request.use(createRequestInterceptor(ctx));
      const responseInterceptorId = instance.interceptors.response.use(response.onFulfilled, response.onRejected);
      Object.defineProperty(instance, INSTALLED, { value: true, configurable: true, enumerable: false });
      let ejected = false;
      return {
        requestInterceptorId,
        responseInterceptorId,
        eject() {
          if (ejected) return;
          ejected = true;
          instance.interceptors.request.eject(requestInterceptorId);
          instance.interceptors.response.eject(responseInterceptorId);
          sessions.clear();
          delete marked[INSTALLED];
        },
      };
    },
  };
}
