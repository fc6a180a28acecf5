import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { CookieJar } from 'tough-cookie';
import { debug } from '../util/debug';
import { abortable, withTimeout } from './timers';
import { resolveRequestOptions } from '../options';
import { type AnyAxiosHeaders, own } from './config';
import { isReplayable } from './replayable-body';
import { responseUrl } from './request-url';
import type { Negotiation } from './negotiation';
import { ORIGIN, PROXY } from './party';
import type { Exchange, RequestState } from './state';

/**
 * Kerberos once per session. Many Kerberos-protected servers (Hadoop's AuthenticationFilter,
 * mod_auth_gssapi with `GssapiUseSessions`, Spring, Tomcat) set a session cookie after the
 * first SPNEGO handshake and accept it instead of a token until it expires. This module
 * decides, per origin, when a request can go out on such a session instead of a new token:
 *
 * - with `session: true` and no cookie jar of the caller's, from its own in-memory store:
 *   cookies that an allowed host set on a response whose authentication held (a verified
 *   server token, or TLS), kept per origin with RFC 6265 rules by tough-cookie;
 * - with the caller's own jar (axios-cookiejar-support puts it on `config.jar`), from that
 *   jar, once this origin has set cookies on an authenticated response; learned per origin:
 *   a 401 on a session answers with a token, and two in a row make the origin pre-emptive
 *   again for a while.
 *
 * While the first handshake with an origin is under way, other requests to it wait for its
 * session (bounded), so a burst of requests costs one token, not one each.
 *
 * The hooks, in the order a request meets them: `use()` in the request interceptor (every
 * first send and redirect hop), `challenged()` when the origin answers 401, `verified()` once a
 * response's authentication is checked (every hop), `release()` when the exchange is over.
 * What a send carried lives on its `RequestState.session`, the handshake an exchange leads on
 * its `Exchange.sessionLeader`.
 */

/** How long an origin whose authenticated responses set no cookie is not waited for. */
const NO_SESSION_TTL_MS = 10 * 60_000;
/** Sessions on the caller's jar that end in a 401 this many times in a row are given up. */
const MAX_MISSES = 2;
const MAX_ORIGINS = 256;
/** Cookie headers cached per origin (one per path). */
const MAX_PATHS = 64;

/** What a send carried instead of a token: the origin's session, ours or the caller's jar's. */
export interface SessionSend {
  readonly origin: string;
  readonly via: 'store' | 'jar';
  /** The caller's own `Cookie` header, put back when ours is taken off again ('store'). */
  readonly callerCookie: string | undefined;
  /** Which of the origin's sessions the send went out on ('store'). */
  readonly generation: number;
}

/** A first handshake with an origin under way; `release()` lets the requests waiting for it go on. */
export interface SessionLeader {
  readonly origin: string;
  readonly promise: Promise<void>;
  release(): void;
}

/** The part of tough-cookie's CookieJar the caller's jar must offer for us to read it. */
interface ReadableJar {
  getCookieStringSync(url: string): string;
}

class OriginSession {
  /** Our own cookies for this origin (`session: true`); one jar per origin, so none crosses to another. */
  jar: CookieJar | undefined;
  /**
   * The jar's Cookie header per path, until the first of its cookies expires: asking
   * tough-cookie on every request (public-suffix and path matching, sorting) was most of
   * the plugin's own cost on the session path. Emptied whenever the jar changes.
   */
  readonly header = new Map<string, { value: string; until: number }>();
  /** The first handshake under way (or the one renewing an expired session): others wait for it. */
  leader: SessionLeader | undefined;
  /** Counts the sessions kept for this origin; a request on an older one met an expired session. */
  generation = 0;
  /** An authenticated response of this origin set a cookie. */
  setsCookies = false;
  /** Sessions of the caller's jar that ended in a 401, in a row. */
  misses = 0;
  /** Until then, requests to this origin do not wait for a session (it set none). */
  noSessionUntil = 0;
  /** Until then, the caller's jar is not trusted to hold a session here (its sessions kept failing). */
  givenUpUntil = 0;
}

export class Sessions {
  readonly #origins = new Map<string, OriginSession>();

  constructor(
    /** How long a request waits for another request's first handshake with the same origin. */
    private readonly waitMs: number,
    /** The `session` option: our store, unless a request says otherwise. */
    private readonly enabled: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Request hook, before a token is minted (a first send or a redirect hop). True when the
   * request goes out on a session: then it gets no token (and so has no server token to
   * verify). `requested` is the request's own `session` option, `wouldMint` whether it is
   * about to get a token up front (only such a request leads or waits for the first handshake).
   * `false` at once, without a promise to wait for, when no session can be involved (the
   * common case: sessions off and no cookie jar).
   */
  use(
    config: InternalAxiosRequestConfig,
    state: RequestState,
    url: URL,
    requested: boolean | undefined,
    wouldMint: boolean,
  ): Promise<boolean> | false {
    const callerJar = readableJar(config);
    if (!(requested ?? this.enabled) && callerJar === undefined) return false;
    return this.#use(config, state, url, callerJar, wouldMint);
  }

  async #use(
    config: InternalAxiosRequestConfig,
    state: RequestState,
    url: URL,
    callerJar: ReadableJar | undefined,
    wouldMint: boolean,
  ): Promise<boolean> {
    const origin = url.origin;
    let session = this.#origins.get(origin);
    const leader = session?.leader;
    if (leader !== undefined && leader !== state.exchange.sessionLeader && wouldMint) {
      await this.#waitFor(leader.promise, config);
      session = this.#origins.get(origin);
    }
    if (callerJar !== undefined) {
      // The caller's jar sends its cookies itself (at the socket); we only leave the token off.
      if (session?.setsCookies === true && session.givenUpUntil <= this.now() && hasCookie(callerJar, url)) {
        state.session = { origin, via: 'jar', callerCookie: undefined, generation: session.generation };
        debug('request to %s: on the session in the caller’s cookie jar, no token', origin);
        return true;
      }
    } else {
      const cookie = session === undefined ? '' : this.#cookieHeader(session, url);
      if (session !== undefined && cookie !== '') {
        const headers = config.headers;
        const callerCookie = headerValue(headers.get('Cookie'));
        headers.set('Cookie', callerCookie === undefined ? cookie : `${callerCookie}; ${cookie}`);
        state.session = { origin, via: 'store', callerCookie, generation: session.generation };
        debug('request to %s: on its session, no token', origin);
        return true;
      }
    }
    const now = this.now();
    if (
      wouldMint &&
      session?.leader === undefined &&
      state.exchange.sessionLeader === undefined &&
      (session?.noSessionUntil ?? 0) <= now &&
      (session?.givenUpUntil ?? 0) <= now
    ) {
      this.#lead(state.exchange, origin, session ?? this.#session(origin));
    }
    return false;
  }

  /** True when the request leads the first handshake with `url`'s origin: it mints no spare token. */
  leads(state: RequestState, url: URL): boolean {
    return state.exchange.sessionLeader?.origin === url.origin;
  }

  /**
   * Response hook for a 401 with a Negotiate challenge from the origin, before it is answered
   * with a token. A request that went out on a session finds it expired or revoked. The first
   * such request drops our cookies, takes our `Cookie` header off (the re-send copies the
   * config) and leads the renewal; the others, already on the wire with the dead cookie, wait
   * for the new session and resolve `true`: go again on it, with no token (once per exchange).
   * For the caller's jar, the miss is counted (its stale cookie still goes out, which servers
   * ignore next to a token).
   */
  async challenged(config: InternalAxiosRequestConfig, state: RequestState): Promise<boolean> {
    const sent = state.session;
    if (sent === undefined) return false;
    takeOffSession(config.headers, sent);
    state.session = undefined;
    const session = this.#origins.get(sent.origin);
    if (session === undefined) return false;
    if (sent.via === 'jar') {
      if (++session.misses >= MAX_MISSES) {
        session.misses = 0;
        session.givenUpUntil = this.now() + NO_SESSION_TTL_MS;
        debug(
          '401 from %s on the caller’s cookie jar %d times in a row: tokens up front again',
          sent.origin,
          MAX_MISSES,
        );
      }
      return false;
    }
    const exchange = state.exchange;
    if (!exchange.renewedSession && isReplayable(config.data)) {
      if (session.leader !== undefined) await this.#waitFor(session.leader.promise, config);
      if (session.generation !== sent.generation && session.jar !== undefined) {
        exchange.renewedSession = true;
        debug('401 from %s on an expired session: sent again on the renewed one', sent.origin);
        return true;
      }
    }
    if (session.generation === sent.generation) {
      session.jar = undefined;
      session.header.clear();
    }
    if (session.leader === undefined && exchange.sessionLeader === undefined)
      this.#lead(exchange, sent.origin, session);
    debug('401 from %s on its session: session dropped, answering with a token', sent.origin);
    return false;
  }

  /**
   * Response hook, once a response's authentication is checked: every redirect hop and the
   * final response. `negotiation`: the origin's, when `verify()` checked its server token on
   * this response. Cookies are only taken from a response whose server proved itself (its
   * token completed our context, or TLS), or over TLS from one to a send on our session; never
   * from a plain-http response nothing vouches for. A response from the origin whose first
   * handshake this exchange leads ends that handshake.
   */
  verified(response: AxiosResponse, state: RequestState, negotiation: Negotiation | undefined): void {
    const requestOptions = resolveRequestOptions(own(response.config, 'kerberos'));
    if (requestOptions === false || requestOptions.session === false) return;
    const ours = requestOptions.session ?? this.enabled;
    // Cheap, so that requests without sessions pay nothing more.
    const concerned =
      ours ||
      state.session !== undefined ||
      state.exchange.sessionLeader !== undefined ||
      readableJar(response.config) !== undefined;
    const url = concerned ? (negotiation?.plan.url ?? responseUrl(response)) : undefined;
    if (url === undefined) return;
    // 'disabled' asks for no server token and checks nothing.
    let authenticated =
      negotiation !== undefined &&
      (url.protocol === 'https:' || (negotiation.mutual !== 'disabled' && negotiation.complete));
    const success = response.status < 400;
    const sent = state.session;
    const session = this.#origins.get(url.origin);
    if (sent !== undefined && session !== undefined && sent.origin === url.origin) {
      if (success) session.misses = 0;
      authenticated ||= sent.via === 'store' && url.protocol === 'https:';
    }
    if (authenticated && success) {
      this.#keep(response, url, ours && readableJar(response.config) === undefined);
    }
    const leader = state.exchange.sessionLeader;
    if (leader?.origin !== url.origin) return;
    // The first handshake ended in a success without a session: later requests do not wait
    // for one. (An error status says nothing about sessions; the next request leads again.)
    const after = this.#origins.get(url.origin);
    if (response.status < 300 && after !== undefined && !after.setsCookies) {
      after.noSessionUntil = this.now() + NO_SESSION_TTL_MS;
    }
    this.release(state);
  }

  /** Ends the first handshake an exchange led (any outcome), so the requests waiting go on. */
  release(state: RequestState | undefined): void {
    const exchange = state?.exchange;
    const leader = exchange?.sessionLeader;
    if (exchange === undefined || leader === undefined) return;
    exchange.sessionLeader = undefined;
    leader.release();
  }

  /** Forgets every session (eject()). */
  clear(): void {
    for (const session of this.#origins.values()) session.leader?.release();
    this.#origins.clear();
  }

  /** Makes the exchange the leader of its origin's handshake: others wait for its session. */
  #lead(exchange: Exchange, origin: string, owner: OriginSession): void {
    let resolve!: () => void;
    const leader: SessionLeader = {
      origin,
      promise: new Promise<void>((done) => (resolve = done)),
      release: () => {
        if (owner.leader === leader) owner.leader = undefined;
        resolve();
      },
    };
    owner.leader = leader;
    exchange.sessionLeader = leader;
  }

  #keep(response: AxiosResponse, url: URL, intoStore: boolean): void {
    const setCookie = setCookieHeaders(response.headers['set-cookie']);
    const session = this.#session(url.origin);
    if (setCookie.length === 0) {
      // Sessions did not take: no cookie, and none kept from before. Requests to this
      // origin no longer wait for one (for a while). A redirect may come before the page
      // that sets the cookie.
      if (!session.setsCookies && response.status < 300) session.noSessionUntil = this.now() + NO_SESSION_TTL_MS;
      return;
    }
    session.setsCookies = true;
    session.noSessionUntil = 0;
    if (!intoStore) return;
    // A cookie with a Domain attribute for another domain is refused by tough-cookie (RFC 6265
    // section 5.3 step 6); one jar per origin keeps cookies from crossing ports and schemes.
    session.jar ??= new CookieJar();
    for (const value of setCookie) session.jar.setCookieSync(value, url.href, { ignoreError: true });
    session.header.clear();
    session.generation++;
    debug('%s set %d cookie(s) on an authenticated response: kept for its session', url.origin, setCookie.length);
  }

  #cookieHeader(session: OriginSession, url: URL): string {
    if (session.jar === undefined) return '';
    const now = this.now();
    const cached = session.header.get(url.pathname);
    if (cached !== undefined && cached.until > now) return cached.value;
    const cookies = session.jar.getCookiesSync(url.href);
    const value = cookies.map((cookie) => cookie.cookieString()).join('; ');
    let until = Infinity;
    for (const cookie of cookies) until = Math.min(until, cookie.expiryTime() ?? Infinity);
    if (session.header.size >= MAX_PATHS) session.header.clear();
    session.header.set(url.pathname, { value, until });
    return value;
  }

  #session(origin: string): OriginSession {
    let session = this.#origins.get(origin);
    if (session === undefined) {
      session = new OriginSession();
      this.#origins.set(origin, session);
      if (this.#origins.size > MAX_ORIGINS) {
        const [oldest, dropped] = this.#origins.entries().next().value as [string, OriginSession];
        dropped.leader?.release();
        this.#origins.delete(oldest);
      }
    }
    return session;
  }

  /** Waits for a leader's session, at most `waitMs` (a leader held up by a slow KDC lets the others go on). */
  async #waitFor(leader: Promise<void>, config: InternalAxiosRequestConfig): Promise<void> {
    const bounded = withTimeout(leader, this.waitMs, () => new Error('no session yet')).catch(() => undefined);
    await abortable(bounded, config);
  }
}

/**
 * Takes the session cookie a send carried off `headers` (the send's own, or a copy of them
 * for the next request: a redirect hop, another interceptor's retry); the caller's own
 * `Cookie` stays. The next request gets the cookies of its own URL from `use()`, if any.
 */
export function takeOffSession(headers: AnyAxiosHeaders, sent: SessionSend | undefined): void {
  if (sent?.via !== 'store') return;
  if (sent.callerCookie === undefined) headers.delete('Cookie');
  else headers.set('Cookie', sent.callerCookie);
}

/** Takes every credential of ours that `state`'s send carried off `headers`: tokens and session. */
export function takeOffCredentials(headers: AnyAxiosHeaders, state: RequestState): void {
  for (const party of [ORIGIN, PROXY]) {
    if (state.negotiation(party) !== undefined) headers.delete(party.authorizationHeader);
  }
  takeOffSession(headers, state.session);
}

/** The caller's own cookie jar (axios-cookiejar-support's `jar`), if we can read it synchronously. */
function readableJar(config: InternalAxiosRequestConfig): ReadableJar | undefined {
  const jar: unknown = Object.hasOwn(config, 'jar') ? Reflect.get(config, 'jar') : undefined;
  if (jar === undefined || jar === null || typeof jar !== 'object') return undefined;
  return typeof (jar as Partial<ReadableJar>).getCookieStringSync === 'function' ? (jar as ReadableJar) : undefined;
}

function hasCookie(jar: ReadableJar, url: URL): boolean {
  try {
    return jar.getCookieStringSync(url.href) !== '';
  } catch {
    return false; // an asynchronous store: the jar cannot be read here, so the token goes out
  }
}

function headerValue(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function setCookieHeaders(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
