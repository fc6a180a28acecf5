import type { InternalAxiosRequestConfig } from 'axios';
import { own } from './config';
import { requestUrl } from './request-url';
import type { Negotiation } from './negotiation';
import type { Party } from './party';
import type { SessionLeader, SessionSend } from './session';

/** axios's `beforeRedirect` hook, as the caller set it. */
type RedirectHook = NonNullable<InternalAxiosRequestConfig['beforeRedirect']>;

/** What follow-redirects (axios's http adapter) allows when `maxRedirects` is unset. */
export const DEFAULT_MAX_REDIRECTS = 21;

/**
 * One caller request, from its first send until the caller gets a response or an error:
 * what stays the same across our re-sends (a 401 answered) and the redirect hops we follow.
 */
export class Exchange {
  /** `Date.now()` at the first send: the caller's `timeout` covers the whole exchange. */
  readonly startedAt = Date.now();
  /** Re-sends of the current hop after a 401 or 407, both parties together. */
  resends = 0;
  /** Redirect hops followed so far (by us, or by axios before we took over). */
  redirects = 0;
  /**
   * True once the plugin follows this exchange's redirects itself: from the first send that
   * carries a token of ours on. The configs we send then say `maxRedirects: 0`.
   */
  followsRedirects = false;
  /** The caller's `maxRedirects` (axios's default when unset). */
  readonly maxRedirects: number;
  /** The caller's `beforeRedirect`, called for every hop the plugin follows. */
  readonly beforeRedirect: RedirectHook | undefined;
  /** A hop of this exchange went over https: a later plain-http hop gets no token. */
  secure = false;
  /**
   * The first handshake with an origin that this exchange leads (session.ts): other requests
   * to that origin wait for the session it brings, instead of minting tokens of their own.
   */
  sessionLeader: SessionLeader | undefined;
  /** This exchange went again on a session another request renewed (session.ts): once only. */
  renewedSession = false;

  /** The caller's `timeout` in milliseconds, 0 for none. */
  readonly timeout: number;
  /** The caller's own URL: per-request `kerberos` options apply to its origin only. */
  readonly url: URL | undefined;
  /**
   * The caller's `proxy` and `httpsAgent`. The plugin's CONNECT tunnel (tunnel-agent.ts)
   * replaces both on a config it routes, and an environment proxy is pinned into `proxy`:
   * every hop is routed again from the caller's own settings, for its own URL.
   */
  readonly proxy: InternalAxiosRequestConfig['proxy'];
  readonly httpsAgent: unknown;

  /**
   * An exchange for a config of the caller's, read before the plugin changes anything on it.
   * A config the plugin sent before (a retry by another interceptor) carries our
   * `maxRedirects: 0`, what was left of the timeout and our routing: the caller's own values
   * come from the exchange it belonged to. `url` is the config's, when the caller parsed it already.
   */
  constructor(config: InternalAxiosRequestConfig, previous?: Exchange, url = requestUrl(config)) {
    this.url = url;
    const maxRedirects = own(config, 'maxRedirects');
    const timeout = own(config, 'timeout');
    this.maxRedirects =
      previous?.maxRedirects ??
      (typeof maxRedirects === 'number' && maxRedirects >= 0 ? maxRedirects : DEFAULT_MAX_REDIRECTS);
    this.beforeRedirect = previous === undefined ? own(config, 'beforeRedirect') : previous.beforeRedirect;
    this.timeout = previous?.timeout ?? (typeof timeout === 'number' && timeout > 0 ? timeout : 0);
    this.proxy = previous === undefined ? own(config, 'proxy') : previous.proxy;
    this.httpsAgent = previous === undefined ? own(config, 'httpsAgent') : previous.httpsAgent;
  }
}

/**
 * How a config we built ourselves is to be sent; `undefined` for a config of the caller's.
 * A 'resend' carries the tokens the response interceptor attached; a 'hop' gets its
 * credentials from the request interceptor as a new request does (a redirect hop, or the same
 * hop again on a session another request renewed).
 */
type Sending = 'resend' | 'hop' | undefined;

/**
 * What one send of a config carries: the exchange it belongs to, the negotiation whose token
 * it carries for the origin and for the proxy, or the origin's session it went out on instead.
 */
export class RequestState {
  origin: Negotiation | undefined;
  proxy: Negotiation | undefined;
  /** The origin's session this send went out on instead of a token (session.ts). */
  session: SessionSend | undefined;
  #sending: Sending;

  constructor(
    readonly exchange: Exchange,
    sending?: Sending,
  ) {
    this.#sending = sending;
  }

  negotiation(party: Party): Negotiation | undefined {
    return party.kind === 'origin' ? this.origin : this.proxy;
  }

  setNegotiation(party: Party, negotiation: Negotiation | undefined): void {
    if (party.kind === 'origin') this.origin = negotiation;
    else this.proxy = negotiation;
  }

  /**
   * True when this send carries a credential the plugin put on it: a token for either party,
   * or cookies of the origin's session from our store. The plugin then follows its redirects
   * itself, so each hop gets only what its own URL may receive.
   */
  get authenticated(): boolean {
    return this.origin !== undefined || this.proxy !== undefined || this.session?.via === 'store';
  }

  /**
   * How we meant this config to be sent, once: the request interceptor takes it when the
   * config comes through. Any later pass of the same config is someone else's retry
   * (axios-retry, a caller re-using `response.config`) and starts a new exchange.
   */
  claim(): Sending {
    const sending = this.#sending;
    this.#sending = undefined;
    return sending;
  }
}

// A string key: axios's `mergeConfig` copies string keys and passes class instances on by
// reference (it deep-copies plain objects only), so the state survives `instance.request()`.
const KEY = 'axiosKerberos';

/** The per-request state of a config, if the plugin gave it one. The only accessor. */
export function stateOf(config: InternalAxiosRequestConfig | undefined): RequestState | undefined {
  if (config === undefined || !Object.hasOwn(config, KEY)) return undefined;
  const value: unknown = Reflect.get(config, KEY);
  return value instanceof RequestState ? value : undefined;
}

export function setState(config: InternalAxiosRequestConfig, state: RequestState): RequestState {
  Reflect.set(config, KEY, state);
  return state;
}
