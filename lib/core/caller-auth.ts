import { AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import { headersOf } from './config';

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
