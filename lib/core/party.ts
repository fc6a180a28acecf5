import type { InternalAxiosRequestConfig } from 'axios';
import { hostForUrl } from '../names/hosts';

/**
 * Who asks for Kerberos: the origin server (401, RFC 4559) or a forward proxy (407, RFC 7235
 * section 3.2). The handshake is the same; the status and the header names differ. Each
 * party has its own negotiation per request.
 */
export interface Party {
  readonly kind: 'origin' | 'proxy';
  readonly status: 401 | 407;
  /** Lower case, as axios exposes response headers. */
  readonly challengeHeader: 'www-authenticate' | 'proxy-authenticate';
  /** The challenge header as messages name it. */
  readonly challengeHeaderName: 'WWW-Authenticate' | 'Proxy-Authenticate';
  /** The option that lists who may receive a token. */
  readonly allowlist: 'hosts' | 'proxies';
  readonly authorizationHeader: 'Authorization' | 'Proxy-Authorization';
}

export const ORIGIN: Party = {
  kind: 'origin',
  status: 401,
  challengeHeader: 'www-authenticate',
  challengeHeaderName: 'WWW-Authenticate',
  allowlist: 'hosts',
  authorizationHeader: 'Authorization',
};

export const PROXY: Party = {
  kind: 'proxy',
  status: 407,
  challengeHeader: 'proxy-authenticate',
  challengeHeaderName: 'Proxy-Authenticate',
  allowlist: 'proxies',
  authorizationHeader: 'Proxy-Authorization',
};

/**
 * The forward proxy axios will use, from the `proxy` option. Proxies that axios takes from
 * the environment (`http_proxy`) are resolved inside its adapter and are not visible here.
 */
export function proxyUrlOf(config: InternalAxiosRequestConfig): URL | undefined {
  const proxy = config.proxy;
  if (proxy === undefined || proxy === false || typeof proxy.host !== 'string') return undefined;
  const protocol = (proxy.protocol ?? 'http').replace(/:$/, '');
  try {
    return new URL(`${protocol}://${hostForUrl(proxy.host)}:${proxy.port}`);
  } catch {
    return undefined;
  }
}
