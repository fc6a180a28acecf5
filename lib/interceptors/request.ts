import type { InternalAxiosRequestConfig } from 'axios';
import type { PluginContext } from '../core/context';
import { callerAuthorizes, callerAuthorizesProxy } from '../core/caller-auth';
import { own } from '../core/config';
import { requestUrl } from '../core/request-url';
import { abortable } from '../core/timers';
import { Negotiation, type TokenSource } from '../core/negotiation';
import { callerRoute, pinProxy, proxyFor } from '../core/env-proxy';
import { ORIGIN, type Party, PROXY } from '../core/party';
import { planProxy, planRequest, sendsUpFront, type RequestPlan } from '../core/plan';
import { takeOffCredentials } from '../core/session';
import { Exchange, RequestState, setState, stateOf } from '../core/state';
import { routeThroughTunnel } from '../core/tunnel-agent';
import { debug } from '../util/debug';
import { resolveRequestOptions, type KerberosRequestOptions } from '../options';

/**
 * The request interceptor: for a host in `hosts` (or one that asked for Negotiate before),
 * mints a token and sends it up front; likewise `Proxy-Authorization` for a proxy in
 * `proxies` (on the request, or on the CONNECT of an https: target's tunnel). Leaves the
 * request alone when the caller set `Authorization` (or `auth`), when `kerberos: false`, and
 * for any other host. Runs for the caller's request and again for every re-send and redirect
 * hop the response interceptor sends.
 */
export function createRequestInterceptor(ctx: PluginContext) {
  return async function kerberosRequest(config: InternalAxiosRequestConfig): Promise<InternalAxiosRequestConfig> {
    const requestOptions = resolveRequestOptions(own(config, 'kerberos'));
    if (requestOptions === false) return config;
    await beforeSend(ctx, config, requestOptions);
    return config;
  };
}

/**
 * The one point where a request, a re-send or a redirect hop gets its credentials before it
 * goes out. A re-send already carries the tokens the response interceptor minted for it; a
 * redirect hop and a new request get a fresh token if their host may receive one up front.
 * From the first send that carries a token of ours on, the plugin follows the exchange's
 * redirects itself, hop by hop.
 */
async function beforeSend(
  ctx: PluginContext,
  config: InternalAxiosRequestConfig,
  requestOptions: KerberosRequestOptions,
): Promise<void> {
  const url = requestUrl(config);
  let state = stateOf(config);
  const sending = state?.claim();
  if (state === undefined || sending === undefined) state = newExchange(config, state, url);
  if (url?.protocol === 'https:') state.exchange.secure = true;
  if (sending !== 'resend') {
    try {
      await signForOrigin(ctx, config, state, requestOptions, url);
      // The proxy leg, decided for this URL (callerRoute): an https: target may go through the
      // plugin's own CONNECT tunnel (tunnel-agent.ts), which authenticates to the proxy itself;
      // its redirects are ours to follow, so that each hop gets its own route (axios would send
      // a hop to plain http straight to the origin: `proxy: false`). A plain-http target gets a
      // Proxy-Authorization header.
      callerRoute(config, state.exchange);
      if (routeThroughTunnel(ctx, config, requestOptions, url)) state.exchange.followsRedirects = true;
      else await signForProxy(ctx, config, state, requestOptions, url);
    } catch (error) {
      ctx.sessions.release(state); // a first handshake that never went out: the others go on
      throw error;
    }
  }
  if (state.authenticated) state.exchange.followsRedirects = true;
  takeRedirects(config, state);
}

/**
 * A new exchange for a config of the caller's. If it carries a spent token of ours (or the
 * cookie of a session it went out on), it is someone else's retry of a request we settled
 * (axios-retry, a re-used `response.config`): those are removed, and the request is treated
 * as new.
 */
function newExchange(
  config: InternalAxiosRequestConfig,
  previous: RequestState | undefined,
  url: URL | undefined,
): RequestState {
  if (previous !== undefined) takeOffCredentials(config.headers, previous);
  return setState(config, new RequestState(new Exchange(config, previous?.exchange, url)));
}

async function signForOrigin(
  ctx: PluginContext,
  config: InternalAxiosRequestConfig,
  state: RequestState,
  requestOptions: KerberosRequestOptions,
  url: URL | undefined,
): Promise<void> {
  if (url === undefined) return;
  if (callerAuthorizes(config)) {
    // Often a surprise: a Bearer default on the instance, or `auth` left over, silently
    // turns Kerberos off for every request; say so in the log.
    if (debug.enabled) {
      const own = config.auth !== undefined ? 'axios `auth` option' : 'Authorization header';
      debug('request to %s: it carries its own %s, no Negotiate token', url.origin, own);
    }
    return;
  }
  // A redirect from https to plain http: a token there would travel in clear; none goes.
  if (state.exchange.secure && url.protocol === 'http:') return;
  // ── Session hook (session.ts): a request that can go on the origin's session gets no
  // token; one that would mint waits for a first handshake already under way. ──
  const preempts = sendsUpFront(ctx.options, requestOptions, url, ctx.memory);
  if (requestOptions.session !== false && ctx.options.hosts?.matches(url) !== false) {
    const onSession = ctx.sessions.use(config, state, url, requestOptions.session, preempts);
    if (onSession !== false && (await onSession)) return;
  }
  // Most requests to hosts that get nothing up front end here, before any SPN work (a CNAME
  // lookup, the caller's `spn` function). Per-request `spn`/`delegate` still go on, to be
  // checked against `hosts`.
  if (!preempts && requestOptions.spn === undefined && requestOptions.delegate !== true) {
    debug('request to %s: no token up front', url.origin);
    return;
  }
  const spn = await ctx.spns.spnFor(url);
  const plan = planRequest(ctx.options, requestOptions, url, ctx.memory, ctx.platform, spn);
  if (debug.enabled) {
    const how = plan.preemptive
      ? plan.adaptive
        ? 'pre-emptive (challenged before)'
        : 'pre-emptive'
      : plan.allowed
        ? 'on challenge'
        : 'not in hosts';
    debug('request to %s: %s, SPN %s', url.origin, how, plan.spn);
  }
  if (!plan.preemptive) return;
  // A request that leads the first handshake with a session server mints no spare token:
  // the next requests will go on the session.
  const pool = ctx.sessions.leads(state, url) ? undefined : ctx.pool;
  await sign(ctx, config, state, ORIGIN, plan, pool);
}

/** Mints (or takes a spare) token for `party` and puts it on the request. */
async function sign(
  ctx: PluginContext,
  config: InternalAxiosRequestConfig,
  state: RequestState,
  party: Party,
  plan: RequestPlan,
  pool: TokenSource | undefined,
): Promise<void> {
  const { negotiation, token } = await abortable(Negotiation.start(ctx.gss, plan, pool), config);
  config.headers.set(party.authorizationHeader, `Negotiate ${token}`);
  state.setNegotiation(party, negotiation);
}

async function signForProxy(
  ctx: PluginContext,
  config: InternalAxiosRequestConfig,
  state: RequestState,
  requestOptions: KerberosRequestOptions,
  url: URL | undefined,
): Promise<void> {
  if (ctx.options.proxies === undefined) return;
  // https: targets are tunnelled (routeThroughTunnel): a header here would travel inside the
  // TLS connection to the origin, never to the proxy.
  if (url?.protocol !== 'http:') return;
  const proxyUrl = proxyFor(config, url);
  // Credentials in an environment proxy URL are the caller's own (axios sends them as Basic).
  if (proxyUrl === undefined || proxyUrl.username !== '' || callerAuthorizesProxy(config)) return;
  const plan = planProxy(ctx.options, requestOptions, proxyUrl, ctx.platform);
  if (!plan.allowed) return;
  // The pinned proxy is this URL's: the plugin follows the redirects, so that axios does not
  // send every hop through it, and each hop gets the proxy of its own URL (callerRoute).
  if (pinProxy(config, proxyUrl)) state.exchange.followsRedirects = true;
  if (!plan.preemptive) return;
  await sign(ctx, config, state, PROXY, plan, ctx.pool);
}

/**
 * Who follows this send's redirects. Once the exchange is ours (a token went out), the
 * response interceptor does, hop by hop, so that every response to our token is checked and
 * no token rides a redirect that axios follows unseen:
 * - Node's http adapter: `maxRedirects: 0` makes axios use plain `http`, not follow-redirects;
 * - the fetch adapter: axios turns `maxRedirects: 0` into `redirect: 'manual'`, and Node's
 *   fetch then returns the 3xx itself, `Location` included.
 * Before that, axios follows as usual; only the fetch adapter gets `redirect: 'manual'` in any
 * case, since it never says where a followed chain ended and a 401 there could not be
 * answered at the right URL (the http adapter ignores `fetchOptions` and reports it).
 */
function takeRedirects(config: InternalAxiosRequestConfig, state: RequestState): void {
  const exchange = state.exchange;
  if (exchange.followsRedirects) {
    config.maxRedirects = 0;
    config.beforeRedirect = undefined;
  }
  if (exchange.followsRedirects || exchange.maxRedirects > 0) {
    config.fetchOptions = { ...(own(config, 'fetchOptions') ?? {}), redirect: 'manual' };
  }
}
