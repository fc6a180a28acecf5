import { AxiosError, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { KerberosAuthError } from '../errors/kerberos-auth-error';
import { debug } from '../util/debug';
import type { KerberosRequestOptions } from '../options';
import type { PluginContext } from './context';
import { headersFor, own } from './config';
import { isReplayable } from './replayable-body';
import { requestUrl, responseUrl } from './request-url';
import { abortable } from './timers';
import { Negotiation } from './negotiation';
import { ORIGIN, type Party, PROXY } from './party';
import { takeOffCredentials } from './session';
import { redactConfig } from './redact';
import { type Exchange, RequestState, setState } from './state';

// The requests the response interceptor sends after a response: the same hop again with a
// token (a 401 or 407 answered) or on a renewed session, or the next hop of a redirect. All
// go through the same instance, so the caller's other interceptors, `signal` and adapter
// apply as before. Their headers are of the class of the axios copy that sent the config
// (headersFor).

/**
 * Sends the hop that was challenged again, with `token` for `party`.
 * - It is the URL that answered 401: for a request axios redirected itself (no token of ours
 *   went out yet), the last URL of its chain, with the method and body that reached it. The
 *   hops before are never sent again: one of them may have been a POST that succeeded.
 * - The body already went through `transformRequest`; an identity transform stops axios
 *   from serialising it a second time (the axios-retry approach, axios issue #5765).
 * - The other party's token is single use too: the re-send gets a fresh one.
 */
export async function resend(
  ctx: PluginContext,
  response: AxiosResponse,
  previous: RequestState,
  party: Party,
  negotiation: Negotiation,
  token: string,
): Promise<AxiosResponse> {
  const config = response.config;
  const exchange = previous.exchange;
  // Proxy and origin each bound their own rounds; this bounds the two taking turns.
  if (exchange.resends >= 2 * ctx.options.maxRounds) {
    throw negotiation.rejected(
      `still unauthenticated after ${exchange.resends} re-sends (maxRounds for proxy and origin)`,
    );
  }
  const next = nextConfig(config, exchange);
  redirectedBy(response, next, exchange);
  const state = setState(next, new RequestState(exchange, 'resend'));
  // The origin's session cookie stays on a re-send for the proxy (a 401 on it was the end of
  // that session, and session.ts took the cookie off before).
  state.session = previous.session;
  const other = party === ORIGIN ? PROXY : ORIGIN;
  const spent = previous.negotiation(other);
  if (spent !== undefined) {
    spent.finish();
    const renewed = await abortable(Negotiation.start(ctx.gss, spent.plan, ctx.pool), config);
    renewed.negotiation.rounds = spent.rounds;
    attach(next, state, other, renewed.negotiation, renewed.token);
  }
  attach(next, state, party, negotiation, token);
  exchange.resends++;
  exchange.followsRedirects = true;
  discardBody(response);
  return ctx.instance.request(next);
}

/**
 * Sends the hop that met an expired session again, without a token: another request renewed
 * the session while this one was on the wire with the dead cookie (session.ts decides, once
 * per exchange). The request interceptor puts the new session's cookie on it, as on a hop;
 * a proxy token it carried is spent, and the proxy gets a fresh one there too.
 */
export function resendOnSession(
  ctx: PluginContext,
  response: AxiosResponse,
  previous: RequestState,
): Promise<AxiosResponse> {
  const config = response.config;
  const exchange = previous.exchange;
  const next = nextConfig(config, exchange);
  if (previous.proxy !== undefined) next.headers.delete(PROXY.authorizationHeader);
  setState(next, new RequestState(exchange, 'hop'));
  discardBody(response);
  return ctx.instance.request(next);
}

function attach(
  next: InternalAxiosRequestConfig,
  state: RequestState,
  party: Party,
  negotiation: Negotiation,
  token: string,
): void {
  next.headers.set(party.authorizationHeader, `Negotiate ${token}`);
  negotiation.rounds++;
  state.setNegotiation(party, negotiation);
}

/**
 * When axios followed redirects before the 401 (Node's http adapter records the last URL and
 * request), the re-send goes to that last hop only, as axios sent it: its URL, its method
 * (a 303 or a 301/302 after a POST made it a GET, without the body) and the headers it may
 * still carry there.
 */
function redirectedBy(response: AxiosResponse, next: InternalAxiosRequestConfig, exchange: Exchange): void {
  const from = requestUrl(response.config);
  const to = responseUrl(response);
  if (from === undefined || to === undefined || from.href === to.href) return;
  const request = response.request as { method?: unknown; res?: { redirects?: unknown } } | undefined;
  const method = typeof request?.method === 'string' ? request.method : String(response.config.method ?? 'get');
  const hops = Array.isArray(request?.res?.redirects) ? request.res.redirects.length : 1;
  exchange.redirects += hops;
  toHop(next, response.config, from, to, method, exchange);
}

/**
 * Follows a redirect of an exchange the plugin follows itself, the way fetch and
 * follow-redirects do: a 303 turns any method but GET and HEAD into a GET without a body,
 * and so does a 301 or 302 a POST; a 307 or 308 keeps method and body (which must then be
 * replayable). Returns undefined when the response is not a redirect to follow: the caller
 * then gets it as it is. Throws when the caller's `maxRedirects` is used up.
 */
export async function followRedirect(
  ctx: PluginContext,
  response: AxiosResponse,
  state: RequestState,
): Promise<AxiosResponse | undefined> {
  const location = response.headers.location as unknown;
  if (!isRedirect(response.status) || typeof location !== 'string' || location === '') return undefined;
  const config = response.config;
  const exchange = state.exchange;
  const from = responseUrl(response);
  const to = from === undefined ? undefined : locationUrl(location, from);
  // A Location that is no URL, or leads to another scheme: the caller gets the 3xx as it is.
  if (from === undefined || to === undefined) return undefined;
  if (exchange.redirects >= exchange.maxRedirects) {
    if (exchange.maxRedirects === 0) return undefined; // the caller asked for the 3xx itself
    throw new AxiosError(
      'Maximum number of redirects exceeded',
      'ERR_FR_TOO_MANY_REDIRECTS',
      config,
      response.request,
      response,
    );
  }
  const method = String(config.method ?? 'get').toUpperCase();
  const toGet =
    (response.status === 303 && method !== 'GET' && method !== 'HEAD') ||
    ((response.status === 301 || response.status === 302) && method === 'POST');
  if (!toGet && !isReplayable(config.data)) throw bodyNotReplayable(to, response.status, config);
  const next = nextConfig(config, exchange);
  // Our tokens and session cookies were for the hop before: tokens are spent, and the next
  // hop gets what its own URL may receive from the request interceptor.
  takeOffCredentials(next.headers, state);
  toHop(next, config, from, to, toGet ? 'GET' : method, exchange);
  // The caller's hook is shown the request that was redirected: our spent token and session
  // cookie are redacted first, as in every config that reaches the caller.
  redactConfig(config);
  callBeforeRedirect(exchange, next, response, from, method);
  if (debug.enabled) debug('%d from %s: following to %s', response.status, from.origin, to.origin);
  exchange.redirects++;
  exchange.resends = 0;
  exchange.followsRedirects = true;
  setState(next, new RequestState(exchange, 'hop'));
  discardBody(response);
  return ctx.instance.request(next);
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A status `followRedirect` may follow (given a usable `Location`). */
export function isRedirect(status: number): boolean {
  return REDIRECTS.has(status);
}

function locationUrl(location: string, base: URL): URL | undefined {
  try {
    const url = new URL(location, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Points `next` at the hop `to`, sent with `method`. Leaving for another host (that is not
 * a subdomain) or from https to http drops the caller's `Cookie`, `Proxy-Authorization`
 * and `sensitiveHeaders` (what follow-redirects and axios do); per-request `kerberos`
 * options stay with the caller's own origin, but for the proxy's `proxyMutual`.
 */
function toHop(
  next: InternalAxiosRequestConfig,
  config: InternalAxiosRequestConfig,
  from: URL,
  to: URL,
  method: string,
  exchange: Exchange,
): void {
  const headers = next.headers;
  if (method.toUpperCase() !== String(config.method ?? 'get').toUpperCase()) {
    next.data = undefined;
    for (const name of Object.keys(headers.toJSON())) if (/^content-/i.test(name)) headers.delete(name);
  }
  headers.delete('Host');
  const downgrade = from.protocol === 'https:' && to.protocol !== 'https:';
  if (downgrade || (to.host !== from.host && !to.hostname.endsWith(`.${from.hostname}`))) {
    const sensitive = Object.hasOwn(config, 'sensitiveHeaders')
      ? (Reflect.get(config, 'sensitiveHeaders') as unknown)
      : [];
    for (const name of [
      'Authorization',
      'Proxy-Authorization',
      'Cookie',
      ...(Array.isArray(sensitive) ? (sensitive as unknown[]) : []),
    ]) {
      if (typeof name === 'string') headers.delete(name);
    }
  }
  next.url = to.href;
  next.baseURL = undefined;
  next.params = undefined;
  next.method = method.toLowerCase();
  if (exchange.url?.origin !== to.origin) next.kerberos = proxyLegOf(config);
}

/**
 * The per-request options a hop to another origin keeps: `proxyMutual`, which is for the
 * proxy every hop goes through, not for the origin the caller named.
 */
function proxyLegOf(config: InternalAxiosRequestConfig): KerberosRequestOptions | undefined {
  const options = own(config, 'kerberos');
  const proxyMutual = options === false ? undefined : options?.proxyMutual;
  return proxyMutual === undefined ? undefined : { proxyMutual };
}

/**
 * The caller's `beforeRedirect`, called as Node's http adapter calls it (follow-redirects'
 * options, the response's status and headers, the request before): it may change the headers
 * of the next hop. The fetch adapter never called it; with the plugin it is called there too.
 */
function callBeforeRedirect(
  exchange: Exchange,
  next: InternalAxiosRequestConfig,
  response: AxiosResponse,
  from: URL,
  method: string,
): void {
  const hook = exchange.beforeRedirect;
  if (hook === undefined) return;
  const to = new URL(next.url as string);
  const options: Record<string, unknown> = {
    href: to.href,
    protocol: to.protocol,
    hostname: to.hostname,
    host: to.host,
    port: to.port,
    path: `${to.pathname}${to.search}`,
    method: String(next.method).toUpperCase(),
    headers: next.headers.toJSON(),
  };
  hook(
    options,
    { headers: response.headers as Record<string, string>, statusCode: response.status },
    { url: from.href, method, headers: response.config.headers.toJSON() as Record<string, string> },
  );
  if (typeof options.headers === 'object' && options.headers !== null) {
    next.headers = headersFor(next, options.headers);
  }
}

/**
 * A copy of `config` for the next request of its exchange: headers of the sending axios copy's
 * class (headersFor), the body as it went (the identity transform, see `resend`), and what is
 * left of the caller's `timeout`.
 */
function nextConfig(config: InternalAxiosRequestConfig, exchange: Exchange): InternalAxiosRequestConfig {
  return { ...config, headers: headersFor(config), transformRequest: [identity], timeout: timeLeft(exchange, config) };
}

/**
 * What is left of the caller's `timeout` for the next request: it covers the whole exchange.
 * Checked before anything is attached, so a request that cannot go out leaves no live token
 * on the config the caller's error carries.
 */
function timeLeft(exchange: Exchange, config: InternalAxiosRequestConfig): number | undefined {
  if (exchange.timeout === 0) return config.timeout;
  const left = exchange.timeout - (Date.now() - exchange.startedAt);
  // axios's timer is not a deadline: a 1 ms budget still lets a fast reply through.
  if (left <= 0) throw timedOut(config, exchange.timeout);
  return left;
}

/** The error axios itself gives when `timeout` runs out, for a request with no time left. */
function timedOut(config: InternalAxiosRequestConfig, timeout: number): AxiosError {
  const message = config.timeoutErrorMessage ?? `timeout of ${timeout}ms exceeded`;
  const code = config.transitional?.clarifyTimeoutError === true ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED;
  return new AxiosError(message, code, config);
}

/**
 * A 401 or a redirect we answer ourselves is not the caller's to read. With
 * `responseType: 'stream'` its body is still on the socket: destroyed, it frees the
 * connection at once (a keep-alive agent with `maxSockets: 1` would otherwise hold the next
 * request forever); a fetch body stream is cancelled.
 */
function discardBody(response: AxiosResponse): void {
  const data: unknown = response.data;
  if (data === null || typeof data !== 'object') return;
  if (typeof (data as { destroy?: unknown }).destroy === 'function') {
    (data as { destroy(): void }).destroy();
  } else if (typeof ReadableStream !== 'undefined' && data instanceof ReadableStream) {
    data.cancel().catch(() => undefined);
  }
}

function identity(data: unknown): unknown {
  return data;
}

function bodyNotReplayable(to: URL, status: number, config: InternalAxiosRequestConfig): KerberosAuthError {
  return new KerberosAuthError(
    'ERR_KERBEROS_BODY_NOT_REPLAYABLE',
    `A ${status} redirect to ${to.host} asks for the request body again, but it is a stream that cannot be sent ` +
      'twice.',
    {
      host: to.hostname,
      config,
      fix: 'send a Buffer or a string instead of a stream, or send the request to the URL it redirects to',
    },
  );
}
