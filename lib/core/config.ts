import { AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import type { PluginContext } from './context';
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

/** The URL axios will request, resolved exactly as axios does (baseURL, allowAbsoluteUrls, params). */
export function requestUrl(ctx: PluginContext, config: InternalAxiosRequestConfig): URL | undefined {
  try {
    const url = new URL(ctx.instance.getUri(config));
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined; // a relative URL with no baseURL: axios itself will reject it
  }
}

/**
 * The URL that produced this response: after redirects, Node's adapter (follow-redirects)
 * records it as `responseUrl` on the response object.
 */
export function responseUrl(ctx: PluginContext, response: AxiosResponse): URL | undefined {
  const request = response.request as { res?: { responseUrl?: unknown } } | undefined;
  const final = request?.res?.responseUrl;
  if (typeof final === 'string') {
    try {
      return new URL(final);
    } catch {
      // fall through to the configured URL
    }
  }
  return requestUrl(ctx, response.config);
}

/** The caller authenticates this request itself: an Authorization header, or axios's `auth`. */
export function callerAuthorizes(config: InternalAxiosRequestConfig): boolean {
  return config.auth !== undefined || AxiosHeaders.from(config.headers).has('Authorization');
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
