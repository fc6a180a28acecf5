import { AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';

/**
 * A config value the caller set on the config itself, never one inherited through the
 * prototype chain (a polluted `Object.prototype.kerberos` must not switch the plugin off).
 */
export function own<K extends keyof InternalAxiosRequestConfig>(
  config: InternalAxiosRequestConfig,
  key: K,
): InternalAxiosRequestConfig[K] | undefined {
  return Object.hasOwn(config, key) ? config[key] : undefined;
}

/**
 * The URL axios will request: `baseURL` and `url` combined as axios's own `buildFullPath`
 * does (with `allowAbsoluteUrls`). `params` are left out: they never change the host or the
 * SPN, and serialising them (what `instance.getUri()` also does, after a full `mergeConfig`)
 * was the largest cost of the request interceptor.
 */
export function requestUrl(config: InternalAxiosRequestConfig): URL | undefined {
  try {
    const url = new URL(fullPath(config.baseURL, config.url, config.allowAbsoluteUrls));
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined; // a relative URL with no baseURL: axios itself will reject it
  }
}

const ABSOLUTE = /^([a-z][a-z\d+\-.]*:)?\/\//i;

/** axios's buildFullPath + combineURLs (lib/core/buildFullPath.js in axios 1.x). */
export function fullPath(
  baseURL: string | URL | null | undefined,
  url: string | URL | null | undefined,
  allowAbsoluteUrls: boolean | undefined,
): string {
  const requested = url === undefined || url === null ? '' : String(url);
  const base = baseURL === undefined || baseURL === null ? '' : String(baseURL);
  if (base !== '' && (!ABSOLUTE.test(requested) || allowAbsoluteUrls === false)) {
    return requested === '' ? base : `${base.replace(/\/+$/, '')}/${requested.replace(/^\/+/, '')}`;
  }
  return requested;
}

/**
 * The URL that produced this response. A request without our token may have been
 * redirected by axios itself; Node's adapter (follow-redirects) then records the last URL
 * as `responseUrl`. Requests we send with a token never are (we follow their redirects).
 */
export function responseUrl(response: AxiosResponse): URL | undefined {
  const request = response.request as { res?: { responseUrl?: unknown } } | undefined;
  const final = request?.res?.responseUrl;
  if (typeof final === 'string') {
    try {
      return new URL(final);
    } catch {
      // fall through to the configured URL
    }
  }
  return requestUrl(response.config);
}

/** The caller authenticates this request itself: an Authorization header, or axios's `auth`. */
export function callerAuthorizes(config: InternalAxiosRequestConfig): boolean {
  if (config.auth !== undefined) return true;
  // By shape (headersOf): the headers of an instance of axios's ES module build are no instance
  // of the class this CommonJS code imports, and copying them cost about 1 µs per request.
  const headers = headersOf(config) ?? AxiosHeaders.from(config.headers);
  return headers.has('Authorization');
}

/** The caller authenticates to the proxy itself: axios's `proxy.auth`, or its own header. */
export function callerAuthorizesProxy(config: InternalAxiosRequestConfig): boolean {
  if (config.proxy !== undefined && config.proxy !== false && config.proxy.auth !== undefined) return true;
  const headers = headersOf(config) ?? AxiosHeaders.from(config.headers);
  return headers.has('Proxy-Authorization');
}

/**
 * A body that cannot be sent a second time: a Node stream (including the `form-data`
 * package) or a WHATWG ReadableStream. Buffers, strings, URLSearchParams, Blobs and
 * spec FormData can be re-sent as they are.
 */
export function isReplayable(data: unknown): boolean {
  if (data === null || typeof data !== 'object') return true;
  if (typeof (data as { pipe?: unknown }).pipe === 'function') return false;
  return !(typeof ReadableStream !== 'undefined' && data instanceof ReadableStream);
}

/**
 * The config's headers when they are an AxiosHeaders, of this copy of axios or another: an
 * instance made by axios's ES module build (beside this CommonJS code) or by a second
 * installed copy carries headers of a class this code never sees, so `instanceof` misses them.
 */
export function headersOf(config: InternalAxiosRequestConfig | undefined): AnyAxiosHeaders | undefined {
  const headers = config?.headers as Partial<AnyAxiosHeaders> | undefined;
  return typeof headers?.has === 'function' && typeof headers.set === 'function' && typeof headers.delete === 'function'
    ? (headers as AnyAxiosHeaders)
    : undefined;
}

/**
 * New headers for a request the plugin sends after `config` (a re-send, a redirect hop), of
 * the AxiosHeaders class of the axios copy that sent `config`. An instance of another copy
 * does not recognise our class when it merges a config: axios 1.16.1 then sends a header named
 * "0" holding a function's source.
 */
export function headersFor(config: InternalAxiosRequestConfig, init: unknown = config.headers): AnyAxiosHeaders {
  const Class = (headersOf(config)?.constructor ?? AxiosHeaders) as typeof AxiosHeaders;
  return new Class(init as ConstructorParameters<typeof AxiosHeaders>[0]);
}

/** An AxiosHeaders instance, of whichever copy of axios. */
export type AnyAxiosHeaders = InstanceType<typeof AxiosHeaders>;
