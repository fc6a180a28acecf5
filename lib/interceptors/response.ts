import { isAxiosError, type AxiosError, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { abortable } from '../core/timers';
import { callerAuthorizes, callerAuthorizesProxy } from '../core/caller-auth';
import { own } from '../core/config';
import { isReplayable } from '../core/replayable-body';
import { requestUrl, responseUrl } from '../core/request-url';
import type { PluginContext } from '../core/context';
import { mutualAuthenticationFailed, serverTokenProblem } from '../core/mutual';
import { Negotiation } from '../core/negotiation';
import { followRedirect, isRedirect, resend, resendOnSession } from '../core/next-request';
import { proxyFor } from '../core/env-proxy';
import { ORIGIN, type Party, PROXY } from '../core/party';
import { planProxy, planRequest, proxyNotListed, type RequestPlan } from '../core/plan';
import { redactAxiosError, redactConfig, redactErrorResponse, redactResponse } from '../core/redact';
import { type RequestState, stateOf } from '../core/state';
import { tokenTooLarge } from '../core/token-size';
import { debug } from '../util/debug';
import { isKerberosAuthError, KerberosAuthError } from '../errors/kerberos-auth-error';
import { readNegotiate } from '../http/negotiate-challenge';
import { NO_REQUEST_OPTIONS, resolveRequestOptions } from '../options';

/**
 * The response interceptors. Every response of a request the plugin took part in goes
 * through `handleResponse`, whether axios rejected its status (the default for a 401 or a
 * 3xx it did not follow) or the caller's `validateStatus` let it through.
 */
export function createResponseInterceptors(ctx: PluginContext) {
  return {
    onFulfilled: (response: AxiosResponse): Promise<AxiosResponse> => handleResponse(ctx, response, undefined),
    onRejected: async (error: unknown): Promise<AxiosResponse> => {
      if (!isAxiosError(error)) throw error;
      if (error.response === undefined) {
        ctx.sessions.release(stateOf(error.config)); // a first handshake that got no answer
        // The plugin's CONNECT tunnel (tunnel-agent.ts) fails inside the adapter, and axios
        // wraps its error: the caller gets ours, typed, as from any other step of the plugin.
        if (isKerberosAuthError(error.cause) && error.config !== undefined) {
          redactConfig(error.config);
          throw error.cause.withContext(error.config);
        }
        redactAxiosError(error); // a timeout, an abort, a network failure
        throw error;
      }
      return handleResponse(ctx, error.response, error);
    },
  };
}

/**
 * One response, in the order the plugin looks at it: a challenge is answered; otherwise the
 * response is checked (mutual authentication), a redirect is followed, and the final
 * response is settled. `rejection` is axios's error for it, which the caller gets back
 * unless the plugin answers or follows. A re-send or a hop returns the response of the
 * request it sent: that one went through all of this already.
 */
async function handleResponse(
  ctx: PluginContext,
  response: AxiosResponse,
  rejection: AxiosError | undefined,
): Promise<AxiosResponse> {
  const state = stateOf(response.config);
  if (state !== undefined) {
    try {
      // Most responses are neither a challenge nor a redirect: they skip those steps without
      // waiting on a promise for each.
      const { status } = response;
      const challenger = status === 401 ? ORIGIN : status === 407 ? PROXY : undefined;
      const answered = challenger ? await answerChallenge(ctx, response, state, challenger) : undefined;
      if (answered !== undefined) return answered;
      await verify(ctx, response, state);
      const followed = isRedirect(status) ? await followRedirect(ctx, response, state) : undefined;
      if (followed !== undefined) return followed;
      settle(response, state);
    } catch (error) {
      throw withContext(error, response);
    } finally {
      ctx.sessions.release(state); // a first handshake this exchange led ends with it, whatever the outcome
    }
  }
  if (rejection === undefined) return response;
  redactAxiosError(rejection);
  throw rejection;
}

/**
 * A 401 (origin) or 407 (proxy) with a Negotiate challenge: returns the response of the
 * re-sent request, or `undefined` when the challenge is not ours to answer (no Negotiate
 * offered, host or proxy not allowed, the caller authenticates itself): the caller then gets
 * the response exactly as it came.
 */
async function answerChallenge(
  ctx: PluginContext,
  response: AxiosResponse,
  state: RequestState,
  party: Party,
): Promise<AxiosResponse | undefined> {
  const offer = readNegotiate(response.headers[party.challengeHeader]);
  if (offer.kind === 'absent') return undefined;
  const config = response.config;
  // For a chain axios followed, the proxy and the target are the last hop's.
  const target = responseUrl(response);
  const url = party === PROXY ? proxyFor(config, target) : target;
  if (url === undefined) return undefined;
  const previous = state.negotiation(party);
  debug('%d from %s: Negotiate %s, round %d', party.status, url.origin, offer.kind, previous?.rounds ?? 0);
  // ── Session hook (session.ts): a 401 to a send on a session ends that session; a request
  // that met it after another request renewed it goes again on the new one, with no token. ──
  if (party === ORIGIN && (await ctx.sessions.challenged(config, state))) {
    return resendOnSession(ctx, response, state);
  }
  try {
    // Our token went to exactly this URL (we follow the redirects of requests that carry
    // one): the server is continuing or refusing our handshake.
    if (previous !== undefined) {
      if (offer.kind === 'invalid') throw badChallenge(previous.plan, party, offer.reason, response);
      if (offer.kind === 'offer') throw previous.rejected('the server answered our token with a new challenge');
      if (previous.rounds >= ctx.options.maxRounds) {
        throw previous.rejected(`still unauthenticated after ${previous.rounds} rounds (maxRounds)`);
      }
      const token = await abortable(previous.continueWith(offer.token), config);
      return await resend(ctx, response, state, party, previous, token);
    }
    // The caller authenticates this request itself (its own Authorization or axios's `auth`,
    // or its own proxy credentials): its 401 or 407 is the caller's to handle.
    if (party === ORIGIN ? callerAuthorizes(config) : callerAuthorizesProxy(config)) return undefined;
    // After an https hop, a token never goes to plain http.
    if (party === ORIGIN && state.exchange.secure && url.protocol === 'http:') return undefined;
    const plan = await planFor(ctx, config, target, url, party);
    if (plan === undefined || !plan.allowed) {
      debug('not answering %s: not in %s', url.origin, party.allowlist);
      // A proxy asking for Kerberos gets a typed error naming it, never a bare 407.
      if (party === PROXY && plan !== undefined) throw proxyNotListed(url);
      return undefined;
    }
    if (offer.kind === 'invalid') throw badChallenge(plan, party, offer.reason, response);
    if (!isReplayable(config.data)) throw notReplayable(plan, party, response);
    const { negotiation, token } = await abortable(Negotiation.start(ctx.gss, plan), config);
    return await resend(ctx, response, state, party, negotiation, token);
  } catch (error) {
    if (party === ORIGIN && isKerberosAuthError(error)) ctx.memory.delete(url.origin);
    throw error;
  }
}

async function planFor(
  ctx: PluginContext,
  config: InternalAxiosRequestConfig,
  target: URL | undefined,
  url: URL,
  party: Party,
): Promise<RequestPlan | undefined> {
  const requestOptions = resolveRequestOptions(own(config, 'kerberos'));
  if (requestOptions === false) return undefined;
  if (party === PROXY) {
    const plan = planProxy(ctx.options, requestOptions, url, ctx.platform);
    // A 407 to an https: request answered a CONNECT the plugin did not send: axios's own, for
    // an unlisted proxy (the typed error follows), or the caller's own proxy agent's, where a
    // Proxy-Authorization header would go inside the tunnel, to the origin.
    return plan.allowed && target?.protocol !== 'http:' ? undefined : plan;
  }
  // A host outside `hosts` is not answered: no SPN work (CNAME lookup, `spn` function) for it.
  if (ctx.options.hosts?.matches(url) === false) return undefined;
  // A request's own `spn`, `delegate` and `mutual` are for the host it was sent to, not for
  // whatever host a chain that axios followed ended at.
  const forUrl = requestUrl(config)?.origin === url.origin ? requestOptions : NO_REQUEST_OPTIONS;
  return planRequest(ctx.options, forUrl, url, ctx.memory, ctx.platform, await ctx.spns.spnFor(url));
}

/**
 * Mutual authentication of a response to our token, for the proxy and the origin: every hop
 * of a redirect chain, and the final response. Under 'required' the server's token must be
 * there and verify; a token that is there must verify under any mode but 'disabled'. On an
 * error status (a 500, a 403) a missing token is accepted: servers often leave it off error
 * pages, and the caller gets an error either way. A redirect is no error: a 3xx that
 * answered our token without a server token could send us anywhere.
 */
async function verify(ctx: PluginContext, response: AxiosResponse, state: RequestState): Promise<void> {
  let verified: Negotiation | undefined;
  for (const party of [PROXY, ORIGIN]) {
    const negotiation = state.negotiation(party);
    if (negotiation === undefined || negotiation.finished) continue;
    const header: unknown = response.headers[party.challengeHeader];
    if (response.status >= 400 && readNegotiate(header).kind === 'absent') {
      negotiation.finish();
      continue;
    }
    const problem = await serverTokenProblem(negotiation, header);
    const url = negotiation.plan.url;
    if (problem !== undefined) {
      if (party === ORIGIN) ctx.memory.delete(url.origin);
      throw mutualAuthenticationFailed(negotiation, problem, response.status, response.config);
    }
    if (party === ORIGIN) verified = negotiation;
    // Only origins outside a `hosts` list are pre-empted from memory (listed ones always are).
    if (party === ORIGIN && response.status < 400 && ctx.options.preemptive && ctx.options.hosts === undefined) {
      ctx.memory.add(url.origin);
    }
  }
  // ── Session hook (session.ts): keep the cookies of an authenticated response, learn whether
  // a send on a session was served, end a first handshake this exchange led. ──
  ctx.sessions.verified(response, state, verified);
}

/**
 * The one point where the final response of a request the plugin took part in is settled,
 * after every hop was verified and before the caller sees it (or axios's error for it): the
 * spent tokens in `response.config.headers` are replaced by `Negotiate [redacted]`, and when
 * the plugin followed redirects, `response.request.res.responseUrl` names the last URL, as
 * follow-redirects would have. A 400 or 431 to a request whose token is large becomes
 * ERR_KERBEROS_TOKEN_TOO_LARGE (see tokenTooLarge). An error thrown here reaches the caller with the config and
 * response attached, like any failure of the checks before.
 */
function settle(response: AxiosResponse, state: RequestState): void {
  // A 400 or 431 to our large token: the server refused the header before any authentication.
  const tooLarge = tokenTooLarge(response, state);
  if (tooLarge !== undefined) throw tooLarge;
  if (state.exchange.redirects > 0) {
    const res = (response.request as { res?: { responseUrl?: unknown } } | undefined)?.res;
    const url = requestUrl(response.config);
    if (res !== undefined && res !== null && res.responseUrl === undefined && url !== undefined) {
      res.responseUrl = url.href;
    }
  }
  redactResponse(response);
}

/**
 * A failure of a response we looked at. A Kerberos error gets the config (its tokens
 * redacted) and, unless mutual authentication failed (the response is withheld), the response.
 */
function withContext(error: unknown, response: AxiosResponse): unknown {
  if (isKerberosAuthError(error)) {
    redactErrorResponse(response);
    error.withContext(response.config, error.code === 'ERR_KERBEROS_MUTUAL_AUTH' ? undefined : response);
  } else if (isAxiosError(error)) {
    redactAxiosError(error);
  }
  return error;
}

function badChallenge(plan: RequestPlan, party: Party, reason: string, response: AxiosResponse): KerberosAuthError {
  return new KerberosAuthError(
    'ERR_KERBEROS_BAD_CHALLENGE',
    `${plan.host} sent an unusable ${party.challengeHeaderName} header (SPN ${plan.spn}): ${reason}.`,
    {
      spn: plan.spn,
      host: plan.host,
      config: response.config,
      response,
      fix: 'this is a server-side problem (or something between you and the server is rewriting headers); check the server and proxies',
    },
  );
}

function notReplayable(plan: RequestPlan, party: Party, response: AxiosResponse): KerberosAuthError {
  return new KerberosAuthError(
    'ERR_KERBEROS_BODY_NOT_REPLAYABLE',
    `${plan.host} asked for Kerberos authentication (${response.status}), but the request body is a stream that ` +
      'cannot be sent twice.',
    {
      spn: plan.spn,
      host: plan.host,
      config: response.config,
      response,
      fix:
        `list ${plan.host} in the \`${party.allowlist}\` option so the token goes with the first request and no ` +
        'challenge comes, or send a Buffer or string instead of a stream',
    },
  );
}
