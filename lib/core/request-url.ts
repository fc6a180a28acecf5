import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';

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
