import { AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';

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
