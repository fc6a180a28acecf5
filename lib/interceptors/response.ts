import { isAxiosError, type AxiosResponse } from 'axios';
import { answerChallenge } from '../core/challenge-handler';
import type { PluginContext } from '../core/context';
import { negotiationOf, responseUrl } from '../core/config';
import { verifyMutual } from '../core/mutual';
import { ORIGIN, type Party, PROXY } from '../core/party';
import { isKerberosAuthError } from '../errors/kerberos-auth-error';
import { readNegotiate } from '../http/negotiate-challenge';
import { redactAxiosError } from '../core/redact';

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
    await settle(response);
    return response;
  }

  async function onRejected(error: unknown): Promise<AxiosResponse> {
    if (!isAxiosError(error)) throw error;
    const party = partyFor(error.response?.status);
    if (party !== undefined) {
      const answered = await handleChallenge(error.response as AxiosResponse, party);
      if (answered !== undefined) return answered;
    } else if (error.response !== undefined) {
      await checkErrorResponse(error.response);
    }
    redactAxiosError(error);
    throw error;
  }

  /**
   * An error status (a 500, a 403) from the server our token went to: a server token on it
   * must verify like on a success, or the caller would read a forged body. A missing one is
   * not required here: servers often leave it off error pages, and the caller gets an error
   * either way.
   */
  async function checkErrorResponse(response: AxiosResponse): Promise<void> {
    for (const party of [ORIGIN, PROXY]) {
      const negotiation = negotiationOf(response.config, party);
      if (negotiation === undefined || negotiation.finished) continue;
      if (readNegotiate(response.headers[party.challengeHeader]).kind === 'absent') negotiation.finish();
      else await verifyMutual(negotiation, response, party);
    }
  }

  async function handleChallenge(response: AxiosResponse, party: Party): Promise<AxiosResponse | undefined> {
    try {
      return await answerChallenge(ctx, response, party);
    } catch (error) {
      if (party === ORIGIN) {
        const url = responseUrl(ctx, response);
        if (url !== undefined) ctx.memory.delete(url.origin);
      }
      // A mutual-authentication failure withholds its response; the 401 before it is not it.
      if (isKerberosAuthError(error))
        error.withContext(response.config, error.code === 'ERR_KERBEROS_MUTUAL_AUTH' ? undefined : response);
      throw error;
    }
  }

  /** Mutual authentication for a final (non-challenge) response, and the origin memory. */
  async function settle(response: AxiosResponse): Promise<void> {
    // A response already settled in an inner pass (our re-send, or another interceptor's
    // retry that went through this chain) comes back through the outer pass unchanged.
    const proxy = negotiationOf(response.config, PROXY);
    if (proxy !== undefined && !proxy.finished) await verifyMutual(proxy, response, PROXY);
    const negotiation = negotiationOf(response.config);
    if (negotiation === undefined || negotiation.finished) return;
    const url = responseUrl(ctx, response);
    // The token went elsewhere in a redirect chain: this response is from a host that did
    // not authenticate, like any response from a host outside `hosts`.
    if (url === undefined || !negotiation.isFor(url)) {
      negotiation.finish();
      return;
    }
    await verifyMutual(negotiation, response, ORIGIN);
    if (ctx.options.preemptive) ctx.memory.add(url.origin);
  }

  return { onFulfilled, onRejected };
}

function partyFor(status: number | undefined): Party | undefined {
  return status === 401 ? ORIGIN : status === 407 ? PROXY : undefined;
}
