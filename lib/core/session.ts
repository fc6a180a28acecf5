import {
  type AxiosHeaders,
  type AxiosInstance,
  type AxiosRequestConfig,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { CookieJar } from 'tough-cookie';
import { debug } from '../debug';
import { abortable } from './abort';
import { isReplayable, STARTED_KEY } from './config';

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
 */

/** The config key that says how a request went out (a string key: axios's `mergeConfig` copies those). */
const SESSION_KEY = 'axiosKerberosSession';
/** Marks the re-send of a request that met an expired session, so it happens once. */
const RETRY_KEY = 'axiosKerberosSessionRetry';
/** How long an origin whose authenticated responses set no cookie is not waited for. */
const NO_SESSION_TTL_MS = 10 * 60_000;
/** Sessions on the caller's jar that end in a 401 this many times in a row are given up. */
const MAX_MISSES = 2;
const MAX_ORIGINS = 256;
/** Cookie headers cached per origin (one per path). */
const MAX_PATHS = 64;

/** What a request carries: on a session (ours or the caller's jar), or leading the first handshake. */
interface SessionMark {
  readonly origin: string;
  readonly via: 'store' | 'jar' | 'leader';
  /** The caller's own `Cookie` header, restored when ours is taken off again. */
  readonly callerCookie: string | undefined;
  /** The first handshake this request leads (via 'leader'). */
  readonly leader?: Leader;
  /** Which of the origin's sessions the request went out on (via 'store'). */
  readonly generation?: number;
}

/** A first handshake under way; `release()` lets the requests waiting for it go on. */
interface Leader {
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
  leader: Leader | undefined;
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
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Request hook, before a token is minted. True when the request goes out on a session:
   * then it gets no token (and so has no server token to verify). `own` says whether our
   * store is on for it (`session`), `wouldMint` whether it is about to get a token up front
   * (only such a request leads or waits for the first handshake).
   */
  async use(config: InternalAxiosRequestConfig, url: URL, own: boolean, wouldMint: boolean): Promise<boolean> {
    const callerJar = readableJar(config);
    if (!own && callerJar === undefined) return false;
    const previous = markOf(config);
    // Another interceptor's retry of a config that went out on a session: start afresh.
    if (previous !== undefined) unmark(config, previous);
    const origin = url.origin;
    let state = this.#origins.get(origin);
    if (state?.leader !== undefined && wouldMint) {
      await this.#waitFor(state.leader.promise, config);
      state = this.#origins.get(origin);
    }
    if (callerJar !== undefined) {
      // The caller's jar sends its cookies itself (at the socket); we only leave the token off.
      if (state !== undefined && state.setsCookies && state.givenUpUntil <= this.now() && hasCookie(callerJar, url)) {
        mark(config, { origin, via: 'jar', callerCookie: undefined });
        debug('request to %s: on the session in the caller’s cookie jar, no token', origin);
        return true;
      }
    } else {
      const cookie = state === undefined ? '' : this.#cookieHeader(state, url);
      if (state !== undefined && cookie !== '') {
        const headers = config.headers;
        const callerCookie = headerValue(headers.get('Cookie'));
        headers.set('Cookie', joinCookies(callerCookie, cookie));
        mark(config, { origin, via: 'store', callerCookie, generation: state.generation });
        this.#guardRedirects(config, state);
        debug('request to %s: on its session, no token', origin);
        return true;
      }
    }
    const now = this.now();
    if (
      wouldMint &&
      state?.leader === undefined &&
      (state?.noSessionUntil ?? 0) <= now &&
      (state?.givenUpUntil ?? 0) <= now
    ) {
      this.#lead(config, origin, state ?? this.#state(origin));
    }
    return false;
  }

  /**
   * Response hook for a 401 from the origin, before it is answered with a token. A request
   * that went out on a session finds it expired or revoked. The first such request drops our
   * cookies, takes our `Cookie` header off its re-send and leads the renewal (it is answered
   * with a token); the others, already on the wire with the dead cookie, wait for the new
   * session and resolve `true`: re-send on it, with no token. For the caller's jar, the miss is
   * counted (its stale cookie still goes out, which servers ignore next to a token).
   */
  async challenged(config: InternalAxiosRequestConfig): Promise<boolean> {
    const sent = markOf(config);
    if (sent === undefined || sent.via === 'leader') return false;
    unmark(config, sent);
    const state = this.#origins.get(sent.origin);
    if (state === undefined) return false;
    if (sent.via === 'jar') {
      if (++state.misses >= MAX_MISSES) {
        state.misses = 0;
        state.givenUpUntil = this.now() + NO_SESSION_TTL_MS;
        debug(
          '401 from %s on the caller’s cookie jar %d times in a row: tokens up front again',
          sent.origin,
          MAX_MISSES,
        );
      }
      return false;
    }
    const retried = (config as unknown as Record<string, unknown>)[RETRY_KEY] === true;
    if (!retried && isReplayable(config.data)) {
      if (state.leader !== undefined) await this.#waitFor(state.leader.promise, config);
      if (state.generation !== sent.generation && state.jar !== undefined) {
        debug('401 from %s on an expired session: re-sent on the renewed one', sent.origin);
        return true;
      }
    }
    if (state.generation === sent.generation) {
      state.jar = undefined;
      state.header.clear();
    }
    if (state.leader === undefined) this.#lead(config, sent.origin, state);
    debug('401 from %s on its session: session dropped, answering with a token', sent.origin);
    return false;
  }

  /**
   * Sends a request that met an expired session again, on the renewed session (the request
   * interceptor attaches its cookie). Once per request: a 401 on this re-send is answered with
   * a token. The body already went through `transformRequest` (axios issue #5765), and
   * `timeout` covers the whole exchange, as for the plugin's other re-sends.
   */
  resendOnSession(instance: AxiosInstance, config: InternalAxiosRequestConfig): Promise<AxiosResponse> {
    const started = (config as unknown as Record<string, unknown>)[STARTED_KEY];
    let timeout = config.timeout;
    if (typeof started === 'number' && typeof timeout === 'number' && timeout > 0) {
      timeout = Math.max(1, timeout - (Date.now() - started));
    }
    const next: AxiosRequestConfig = {
      ...config,
      // Plain headers, as in resend.ts: axios 1.7 cannot merge another copy's AxiosHeaders.
      headers: headersOf(config)?.toJSON() ?? config.headers,
      transformRequest: [(data: unknown) => data],
      timeout,
    };
    (next as unknown as Record<string, unknown>)[RETRY_KEY] = true;
    return instance.request(next);
  }

  /**
   * Response hook for a final response of the origin. `authenticated`: the request carried
   * our token and the response's authentication held (a verified server token, or TLS).
   * Cookies are only taken from such a response, or over TLS from one to a request that
   * went out on our session; never from a plain-http response nothing vouches for.
   */
  settle(response: AxiosResponse, url: URL, authenticated: boolean, own: boolean, errorStatus: boolean): void {
    const sent = markOf(response.config);
    const state = this.#origins.get(url.origin);
    if (sent !== undefined && sent.via !== 'leader' && state !== undefined && sent.origin === url.origin) {
      if (!errorStatus) state.misses = 0;
      authenticated ||= sent.via === 'store' && url.protocol === 'https:';
    }
    if (authenticated && !errorStatus) this.#keep(response, url, own && readableJar(response.config) === undefined);
    if (sent?.via === 'leader') {
      // The first handshake ended in a success without a session: later requests do not wait
      // for one. (An error status says nothing about sessions; the next request leads again.)
      const after = this.#origins.get(sent.origin);
      if (!errorStatus && after !== undefined && !after.setsCookies) {
        after.noSessionUntil = this.now() + NO_SESSION_TTL_MS;
      }
      this.release(response.config);
    }
  }

  /**
   * Whether the final response of this request has anything to tell the sessions: it went out
   * on a session or led a first handshake, or it may set a session (ours is on, or the caller
   * has a jar). Cheap, so that requests without sessions pay nothing more.
   */
  concerns(config: InternalAxiosRequestConfig, own: boolean): boolean {
    return markOf(config) !== undefined || own || readableJar(config) !== undefined;
  }

  /** Makes the request the leader of its origin's handshake: others wait for its session. */
  #lead(config: InternalAxiosRequestConfig, origin: string, owner: OriginSession): void {
    let resolve!: () => void;
    const leader: Leader = {
      promise: new Promise<void>((done) => (resolve = done)),
      release: () => {
        if (owner.leader === leader) owner.leader = undefined;
        resolve();
      },
    };
    owner.leader = leader;
    mark(config, { origin, via: 'leader', callerCookie: undefined, leader });
  }

  /** True when the request leads the first handshake with its origin. */
  leads(config: InternalAxiosRequestConfig): boolean {
    return markOf(config)?.via === 'leader';
  }

  /** Ends the first handshake a request led (any outcome), so the requests waiting go on. */
  release(config: InternalAxiosRequestConfig | undefined): void {
    // Only the handshake this request led: a later one (after this one ended) has its own leader.
    markOf(config)?.leader?.release();
  }

  /** Forgets every session (eject()). */
  clear(): void {
    for (const state of this.#origins.values()) state.leader?.release();
    this.#origins.clear();
  }

  #keep(response: AxiosResponse, url: URL, intoStore: boolean): void {
    const setCookie = setCookieHeaders(response.headers['set-cookie']);
    const state = this.#state(url.origin);
    if (setCookie.length === 0) {
      // Sessions did not take: no cookie, and none kept from before. Requests to this
      // origin no longer wait for one (for a while).
      if (!state.setsCookies) state.noSessionUntil = this.now() + NO_SESSION_TTL_MS;
      return;
    }
    state.setsCookies = true;
    state.noSessionUntil = 0;
    if (!intoStore) return;
    // A cookie with a Domain attribute for another domain is refused by tough-cookie (RFC 6265
    // section 5.3 step 6); one jar per origin keeps cookies from crossing ports and schemes.
    state.jar ??= new CookieJar();
    for (const value of setCookie) state.jar.setCookieSync(value, url.href, { ignoreError: true });
    state.header.clear();
    state.generation++;
    debug('%s set %d cookie(s) on an authenticated response: kept for its session', url.origin, setCookie.length);
  }

  /**
   * Keeps the session's cookies to their origin and path across redirects (Node's http adapter,
   * follow-redirects): on each hop our cookies are recomputed for the new URL, and dropped for
   * another origin. follow-redirects keeps a `Cookie` header on same-host and subdomain hops,
   * and axios 1.7.9 (the low end of the peer range) adds no check of its own. The fetch
   * adapter drops `Cookie` on cross-origin redirects itself (undici's HTTP-redirect fetch).
   */
  #guardRedirects(config: InternalAxiosRequestConfig, state: OriginSession): void {
    const previous = config.beforeRedirect;
    const guard: RedirectHook = (options, response, request) => {
      const sent = markOf(config);
      const headers = (options as RedirectOptions).headers;
      if (sent?.via === 'store' && headers !== undefined) {
        for (const name of Object.keys(headers)) if (name.toLowerCase() === 'cookie') delete headers[name];
        const target = parseUrl((options as RedirectOptions).href);
        const ours = target !== undefined && target.origin === sent.origin ? this.#cookieHeader(state, target) : '';
        const value = joinCookies(sent.callerCookie, ours);
        if (value !== '') headers.Cookie = value;
      }
      previous?.(options, response, request);
    };
    config.beforeRedirect = guard;
  }

  #cookieHeader(state: OriginSession, url: URL): string {
    if (state.jar === undefined) return '';
    const now = this.now();
    const cached = state.header.get(url.pathname);
    if (cached !== undefined && cached.until > now) return cached.value;
    const cookies = state.jar.getCookiesSync(url.href);
    const value = cookies.map((cookie) => cookie.cookieString()).join('; ');
    let until = Infinity;
    for (const cookie of cookies) until = Math.min(until, cookie.expiryTime() ?? Infinity);
    if (state.header.size >= MAX_PATHS) state.header.clear();
    state.header.set(url.pathname, { value, until });
    return value;
  }

  #state(origin: string): OriginSession {
    let state = this.#origins.get(origin);
    if (state === undefined) {
      state = new OriginSession();
      this.#origins.set(origin, state);
      if (this.#origins.size > MAX_ORIGINS) {
        const [oldest, dropped] = this.#origins.entries().next().value as [string, OriginSession];
        dropped.leader?.release();
        this.#origins.delete(oldest);
      }
    }
    return state;
  }

  async #waitFor(leader: Promise<void>, config: InternalAxiosRequestConfig): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const bounded = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.waitMs);
      timer.unref();
    });
    try {
      await abortable(Promise.race([leader, bounded]), config);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** How the request went out, if on a session or leading one. */
function markOf(config: InternalAxiosRequestConfig | undefined): SessionMark | undefined {
  return (config as Record<string, unknown> | undefined)?.[SESSION_KEY] as SessionMark | undefined;
}

function mark(config: InternalAxiosRequestConfig, value: SessionMark): void {
  (config as unknown as Record<string, unknown>)[SESSION_KEY] = value;
}

/** Takes our `Cookie` header off again (the caller's own one stays) and forgets the mark. */
function unmark(config: InternalAxiosRequestConfig, sent: SessionMark): void {
  (config as unknown as Record<string, unknown>)[SESSION_KEY] = undefined;
  if (sent.via !== 'store') return;
  const headers = headersOf(config);
  if (sent.callerCookie === undefined) headers?.delete('Cookie');
  else headers?.set('Cookie', sent.callerCookie);
}

/** True when the request carries cookies of a session (ours or the caller's jar): errors hide them. */
export function sentOnSession(config: InternalAxiosRequestConfig | undefined): 'store' | 'jar' | undefined {
  const sent = markOf(config);
  return sent === undefined || sent.via === 'leader' ? undefined : sent.via;
}

/** The caller's own cookie jar (axios-cookiejar-support's `jar`), if we can read it synchronously. */
function readableJar(config: InternalAxiosRequestConfig): ReadableJar | undefined {
  const jar = (config as { jar?: unknown }).jar;
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

type RedirectHook = NonNullable<InternalAxiosRequestConfig['beforeRedirect']>;
type RedirectOptions = Parameters<RedirectHook>[0] & { href?: string; headers?: Record<string, unknown> };

function joinCookies(callerCookie: string | undefined, ours: string): string {
  if (callerCookie === undefined) return ours;
  return ours === '' ? callerCookie : `${callerCookie}; ${ours}`;
}

function parseUrl(href: string | undefined): URL | undefined {
  try {
    return href === undefined ? undefined : new URL(href);
  } catch {
    return undefined;
  }
}

function headerValue(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function setCookieHeaders(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

type AxiosHeaderBag = InstanceType<typeof AxiosHeaders>;

/**
 * The config's headers when they are an AxiosHeaders, of this copy of axios or another: an
 * instance made by axios's ES module build (or a second installed copy) carries headers of a
 * class this CommonJS code never sees, so `instanceof` would miss them.
 */
export function headersOf(config: InternalAxiosRequestConfig): AxiosHeaderBag | undefined {
  const headers = config.headers as Partial<AxiosHeaderBag> | undefined;
  return typeof headers?.has === 'function' && typeof headers.set === 'function' && typeof headers.delete === 'function'
    ? (headers as AxiosHeaderBag)
    : undefined;
}
