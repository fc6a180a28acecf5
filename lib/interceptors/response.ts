import { isAxiosError, type AxiosError, type AxiosResponse } from 'axios';
import { answerChallenge } from '../core/challenge-handler';
import type { PluginContext } from '../core/context';
import { negotiationOf, responseUrl } from '../core/config';
import { verifyMutual } from '../core/mutual';
import type { Negotiation } from '../core/negotiation';
import { ORIGIN, type Party, PROXY } from '../core/party';
import { isKerberosAuthError } from '../errors/kerberos-auth-error';
import { readNegotiate } from '../http/negotiate-challenge';
import { redactAxiosError } from '../core/redact';
import { resolveRequestOptions } from '../options';

/**
 * The response interceptors. A 401 (or a proxy's 407) with a Negotiate challenge is answered
 * whether axios rejected it (the default) or the caller's `validateStatus` let it through;
 * any other response to a request that carried our token has its mutual authentication
 * checked.
 */
export function createResponseInterceptors(ctx: PluginContext) {
  async function onFulfilled(response: AxiosResponse): Promise<AxiosResponse> {
    const party = partyFor(response.status);
    try {
      if (party !== undefined) return (await handleChallenge(response, party)) ?? response;
      await settle(response, false);
      return response;
    } finally {
      ctx.sessions.release(response.config); // session hook: a first handshake that ended
    }
  }

  async function onRejected(error: unknown): Promise<AxiosResponse> {
    if (!isAxiosError(error)) throw error;
    try {
      return await rejected(error);
    } finally {
      ctx.sessions.release(error.config); // session hook: a first handshake that ended
    }
  }

  async function rejected(error: AxiosError): Promise<AxiosResponse> {
    const party = partyFor(error.response?.status);
    if (party !== undefined) {
      const answered = await handleChallenge(error.response as AxiosResponse, party);
      if (answered !== undefined) return answered;
    } else if (error.response !== undefined) {
      await settle(error.response, true);
    }
    redactAxiosError(error);
    throw error;
  }

  async function handleChallenge(response: AxiosResponse, party: Party): Promise<AxiosResponse | undefined> {
    // Session hook (lib/core/session.ts): a 401 to a request sent on a session ends that
    // session; requests that met it after another request renewed it go again on the new one.
    if (party === ORIGIN && (await ctx.sessions.challenged(response.config))) {
      return ctx.sessions.resendOnSession(ctx.instance, response.config);
    }
    try {
      return await answerChallenge(ctx, response, party);
    } catch (error) {
      if (party === ORIGIN) {
        const url = responseUrl(response);
        if (url !== undefined) ctx.memory.delete(url.origin);
      }
      // A mutual-authentication failure withholds its response; the 401 before it is not it.
      if (isKerberosAuthError(error)) {
        error.withContext(response.config, error.code === 'ERR_KERBEROS_MUTUAL_AUTH' ? undefined : response);
      } else if (isAxiosError(error)) {
        redactAxiosError(error); // a re-send that failed (a timeout) while carrying a token
      }
      throw error;
    }
  }

  /**
   * Mutual authentication for a final (non-challenge) response, for the proxy and the origin,
   * and the origin memory. On an error status (a 500, a 403) a server token must verify too,
   * or the caller would read a forged body, but a missing one is accepted: servers often
   * leave it off error pages, and the caller gets an error either way.
   */
  async function settle(response: AxiosResponse, errorStatus: boolean): Promise<void> {
    let verified: { negotiation: Negotiation; url: URL } | undefined;
    for (const party of [PROXY, ORIGIN]) {
      const negotiation = negotiationOf(response.config, party);
      // Settled already in an inner pass (our re-send, or another interceptor's retry that
      // went through this chain): the response comes back through the outer pass unchanged.
      if (negotiation === undefined || negotiation.finished) continue;
      const url = party === ORIGIN ? responseUrl(response) : negotiation.plan.url;
      // The token went elsewhere in a redirect chain: this response is from a host that did
      // not authenticate, like any response from a host outside `hosts`.
      const unauthenticated = url === undefined || !negotiation.isFor(url);
      const tokenless = errorStatus && readNegotiate(response.headers[party.challengeHeader]).kind === 'absent';
      if (unauthenticated || tokenless) {
        negotiation.finish();
        continue;
      }
      try {
        await verifyMutual(negotiation, response, party);
      } catch (error) {
        if (party === ORIGIN) ctx.memory.delete(url.origin);
        throw error;
      }
      // Only origins outside a `hosts` list are pre-empted from memory (listed ones always are).
      const remember = party === ORIGIN && !errorStatus && ctx.options.preemptive && ctx.options.hosts === undefined;
      if (remember) ctx.memory.add(url.origin);
      if (party === ORIGIN) verified = { negotiation, url };
    }
    // ── Session hook (lib/core/session.ts): keep the cookies of an authenticated response,
    // and learn whether a request sent on a session was served. ──
    const requestOptions = resolveRequestOptions((response.config as { kerberos?: unknown }).kerberos);
    if (requestOptions === false || requestOptions.session === false) return;
    const own = requestOptions.session ?? ctx.options.session;
    if (!ctx.sessions.concerns(response.config, own)) return;
    const url = verified?.url ?? responseUrl(response);
    if (url === undefined) return;
    // The server proved itself: TLS did, or its token completed our context (mutual
    // 'disabled' asks for no token and checks nothing).
    const authenticated =
      verified !== undefined &&
      (url.protocol === 'https:' || (verified.negotiation.mutual !== 'disabled' && verified.negotiation.complete));
    ctx.sessions.settle(response, url, authenticated, own, errorStatus);
  }

  return { onFulfilled, onRejected };
}

function partyFor(status: number | undefined): Party | undefined {
  return status === 401 ? ORIGIN : status === 407 ? PROXY : undefined;
}
