import { AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import type { PluginContext } from './context';
import { type Negotiation, STATE_KEY } from './negotiation';

/** The config key holding the time the exchange started, for the whole-exchange timeout. */
export const STARTED_KEY = 'axiosKerberosStartedAt';

type Config = InternalAxiosRequestConfig & Record<string, unknown>;

export function negotiationOf(config: InternalAxiosRequestConfig | undefined): Negotiation | undefined {
  return (config as Config | undefined)?.[STATE_KEY] as Negotiation | undefined;
}

export function setNegotiation(config: InternalAxiosRequestConfig, negotiation: Negotiation): void {
  (config as Config)[STATE_KEY] = negotiation;
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
