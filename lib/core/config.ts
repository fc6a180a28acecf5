import { AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import type { Negotiation } from './negotiation';
import { ORIGIN, type Party } from './party';

/** The config key holding the time the exchange started, for the whole-exchange timeout. */
export const STARTED_KEY = 'axiosKerberosStartedAt';

type Config = InternalAxiosRequestConfig & Record<string, unknown>;

/**
 * The negotiation a request carries for `party`, from the request interceptor to the
 * response interceptor and across re-sends. It is a class instance, which axios's
 * `mergeConfig` passes on by reference (it deep-copies plain objects only).
 */
export function negotiationOf(
  config: InternalAxiosRequestConfig | undefined,
  party: Party = ORIGIN,
): Negotiation | undefined {
  return (config as Config | undefined)?.[party.stateKey] as Negotiation | undefined;
}

export function setNegotiation(
  config: InternalAxiosRequestConfig,
  negotiation: Negotiation | undefined,
  party: Party = ORIGIN,
): void {
  (config as Config)[party.stateKey] = negotiation;
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
export function fullPath(baseURL: unknown, url: unknown, allowAbsoluteUrls: boolean | undefined): string {
  const requested = url === undefined || url === null ? '' : String(url);
  const base = baseURL === undefined || baseURL === null ? '' : String(baseURL);
  if (base !== '' && (!ABSOLUTE.test(requested) || allowAbsoluteUrls === false)) {
    return requested === '' ? base : `${base.replace(/\/+$/, '')}/${requested.replace(/^\/+/, '')}`;
  }
  return requested;
}

/**
 * The URL that produced this response: after redirects, Node's adapter (follow-redirects)
 * records it as `responseUrl` on the response object.
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
  const headers = config.headers instanceof AxiosHeaders ? config.headers : AxiosHeaders.from(config.headers);
  return headers.has('Authorization');
}

/** The caller authenticates to the proxy itself: axios's `proxy.auth`, or its own header. */
export function callerAuthorizesProxy(config: InternalAxiosRequestConfig): boolean {
  if (config.proxy !== undefined && config.proxy !== false && config.proxy.auth !== undefined) return true;
  const headers = config.headers instanceof AxiosHeaders ? config.headers : AxiosHeaders.from(config.headers);
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
