import type { PluginContext } from '../core/context';
import { ExpiringOriginSet } from '../core/origin-memory';
import { Sessions } from '../core/session';
import { type CnameResolver, SpnResolver } from '../core/spn-resolver';
import { TokenPool } from '../core/token-pool';
import { KerberosAuthError } from '../errors/kerberos-auth-error';
import { limitGss } from '../gss/limits';
import type { GssProvider } from '../gss/provider';
import type { KerberosAuthPlugin } from '../handles';
import type { ResolvedOptions } from '../options';
import { createRequestInterceptor } from './request';
import { createResponseInterceptors } from './response';

// A property on the instance, not a WeakSet here: a second copy of this package (ESM and
// CommonJS side by side) must see the mark too.
const INSTALLED = Symbol.for('axios-kerberos.installed');

/**
 * The plugin for validated options and a GSS provider: what `kerberosAuth()` builds, and the
 * seam the CLI (its own platform and CNAME lookup) and the unit tests (a fake provider) use.
 */
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
