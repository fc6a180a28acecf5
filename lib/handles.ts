import type { AxiosInstance, AxiosStatic } from 'axios';

// The handles that `kerberosAuth()` and `negotiate()` hand back. They live apart from
// those functions so that the internals which build them need not import the public entries.

/** What `install()` returns: the interceptor ids, and `eject()` to remove both again. */
export interface KerberosAuthHandle {
  /** The id axios gave the request interceptor (`instance.interceptors.request`). */
  readonly requestInterceptorId: number;
  /** The id axios gave the response interceptor (`instance.interceptors.response`). */
  readonly responseInterceptorId: number;
  /** Removes both interceptors from the instance and forgets its sessions. Safe to call more than once. */
  eject(): void;
}

/** A configured plugin; install it on as many axios instances as you like, once each. */
export interface KerberosAuthPlugin {
  /** Registers the request and response interceptors on `instance` (or the default `axios`). */
  install(instance: AxiosInstance | AxiosStatic): KerberosAuthHandle;
}

/** One Negotiate exchange for any HTTP client: the header to send, then the reply to verify. */
export interface NegotiateTicket {
  /** The SPN the token is for (`HTTP@host`). */
  readonly spn: string;
  /** The value of the `Authorization` header: `Negotiate <token>`. Single use. */
  readonly header: string;
  /**
   * Verifies the server's reply: pass its `WWW-Authenticate` header value(s). Resolves when
   * the server's token completes mutual authentication, and under `mutual: 'optional'` also
   * when the reply carries no Negotiate token. Throws `MutualAuthenticationError` when a token
   * does not verify, when there is none under `'required'` (the default), and on a second
   * call (a ticket is single use). A no-op under `mutual: 'disabled'`.
   */
  verify(wwwAuthenticate: string | readonly string[] | null | undefined): Promise<void>;
}
