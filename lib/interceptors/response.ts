import { isAxiosError, type AxiosResponse } from 'axios';
import { answerChallenge } from '../core/challenge-handler';
import type { PluginContext } from '../core/context';
import { negotiationOf, responseUrl } from '../core/config';
import { verifyMutual } from '../core/mutual';
import { ORIGIN, type Party, PROXY } from '../core/party';
import { isKerberosAuthError } from '../errors/kerberos-auth-error';
import { readNegotiate } from '../http/negotiate-challenge';
import { redactAxiosError } from '../core/redact';
import { tokenTooLarge } from '../core/token-size';

/**
 * The response interceptors. A 401 (or a proxy's 407) with a Negotiate challenge is answered
 * whether axios rejected it (the default) or the caller's `validateStatus` let it through;
 * any other response to a request that carried our token has its mutual authentication
 * checked.
 */
export function createResponseInterceptors(ctx: PluginContext) {
  async function onFulfilled(response: AxiosResponse): Promise<AxiosResponse> {
    const party = partyFor(response.status);
    if (party !== undefined) return (await handleChallenge(response, party)) ?? response;
    await settle(response, false);
    return response;
  }

  async function onRejected(error: unknown): Promise<AxiosResponse> {
    if (!isAxiosError(error)) throw error;
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
    const tooLarge = tokenTooLarge(response);
    if (tooLarge !== undefined) throw tooLarge;
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
    }
  }

  return { onFulfilled, onRejected };
}

function partyFor(status: number | undefined): Party | undefined {
  return status === 401 ? ORIGIN : status === 407 ? PROXY : undefined;
}
