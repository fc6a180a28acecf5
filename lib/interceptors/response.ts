import { isAxiosError, type AxiosResponse } from 'axios';
import { answerChallenge } from '../core/challenge-handler';
import type { PluginContext } from '../core/context';
import { negotiationOf, responseUrl } from '../core/config';
import { verifyMutual } from '../core/mutual';
import { isKerberosAuthError } from '../errors/kerberos-auth-error';

/**
 * The response interceptors. A 401 with a Negotiate challenge is answered whether axios
 * rejected it (the default) or the caller's `validateStatus` let it through; any other
 * response to a request that carried our token has its mutual authentication checked.
 */
export function createResponseInterceptors(ctx: PluginContext) {
  async function onFulfilled(response: AxiosResponse): Promise<AxiosResponse> {
    if (response.status === 401) return (await handle401(response)) ?? response;
    await settle(response);
    return response;
  }

  async function onRejected(error: unknown): Promise<AxiosResponse> {
    if (isAxiosError(error) && error.response?.status === 401) {
      const answered = await handle401(error.response);
      if (answered !== undefined) return answered;
    }
    throw error;
  }

  async function handle401(response: AxiosResponse): Promise<AxiosResponse | undefined> {
    try {
      return await answerChallenge(ctx, response);
    } catch (error) {
      const url = responseUrl(ctx, response);
      if (url !== undefined) ctx.memory.delete(url.origin);
      if (isKerberosAuthError(error)) error.withContext(response.config, response);
      throw error;
    }
  }

  /** Mutual authentication for a final (non-401) response, and the origin memory. */
  async function settle(response: AxiosResponse): Promise<void> {
    const negotiation = negotiationOf(response.config);
    if (negotiation === undefined) return;
    const url = responseUrl(ctx, response);
    // The token went elsewhere in a redirect chain: this response is from a host that did
    // not authenticate, like any response from a host outside `hosts`.
    if (url === undefined || url.origin !== negotiation.plan.url.origin) {
      negotiation.finish();
      return;
    }
    await verifyMutual(negotiation, response);
    if (ctx.options.preemptive) ctx.memory.add(url.origin);
  }

  return { onFulfilled, onRejected };
}
