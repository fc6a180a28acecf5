import type { InternalAxiosRequestConfig } from 'axios';
import { getProxyForUrl } from 'proxy-from-env';
import { requestUrl } from './request-url';
import { proxyUrlOf } from './party';
import type { Exchange } from './state';

/**
 * The forward proxy a request goes through, decided as axios's Node adapter decides it:
 * `proxy: false` means none; a `proxy` object wins; otherwise the environment
 * (`http_proxy`, `https_proxy`, `all_proxy` and `no_proxy`, either case), read with the
 * same `proxy-from-env` package axios uses (lib/adapters/http.js, `setProxy`). A proxy URL
 * that does not parse is ignored, as axios would fail on it before connecting.
 */
export function proxyFor(config: InternalAxiosRequestConfig, target = requestUrl(config)): URL | undefined {
  if (config.proxy === false) return undefined;
  if (config.proxy !== undefined) return proxyUrlOf(config);
  if (target === undefined) return undefined;
  const fromEnv = getProxyForUrl(target.href);
  if (fromEnv === '') return undefined;
  try {
    const url = new URL(fromEnv);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes an environment proxy into the request's `proxy` config, so that the proxy the
 * plugin authenticated to is the one axios connects to. newer axios versions apply their own
 * extra `no_proxy` rules (CIDR ranges, loopback aliases) on top of `proxy-from-env`; pinning
 * keeps a Proxy-Authorization token from going straight to an origin those rules would
 * exempt. Credentials in the URL (`http://user:pass@proxy`) stay with axios's Basic support.
 * @returns true when the proxy was pinned (the caller set no `proxy` of its own).
 */
export function pinProxy(config: InternalAxiosRequestConfig, proxy: URL): boolean {
  if (config.proxy !== undefined) return false;
  const auth =
    proxy.username === ''
      ? undefined
      : { username: decodeURIComponent(proxy.username), password: decodeURIComponent(proxy.password) };
  config.proxy = {
    protocol: proxy.protocol.replace(/:$/, ''),
    host: proxy.hostname.replace(/^\[|\]$/g, ''),
    port: Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 80)),
    ...(auth === undefined ? {} : { auth }),
  };
  return true;
}

/**
 * Puts the caller's own `proxy` and `httpsAgent` back on a config the plugin routed before:
 * a redirect hop (or another interceptor's retry) copies the previous send's config, with an
 * environment proxy pinned for the previous URL, or the plugin's tunnel and `proxy: false`.
 * Routed again from the caller's settings, a hop to https goes through a tunnel, a hop to
 * plain http through the proxy axios would choose for it, as if the caller had sent it.
 */
export function callerRoute(config: InternalAxiosRequestConfig, exchange: Exchange): void {
  if (config.proxy !== exchange.proxy) config.proxy = exchange.proxy;
  if (config.httpsAgent !== exchange.httpsAgent) config.httpsAgent = exchange.httpsAgent;
}
