import type { AxiosResponse } from 'axios';
import { KerberosAuthError } from '../errors/kerberos-auth-error';
import { debug } from '../debug';
import { readNegotiate } from '../http/negotiate-challenge';
import { resolveRequestOptions } from '../options';
import type { PluginContext } from './context';
import { isReplayable, negotiationOf, responseUrl } from './config';
import { Negotiation } from './negotiation';
import { planRequest } from './plan';
import { resend } from './resend';

/**
 * Answers a 401 response. Returns the response of the re-sent request, or `undefined` when
 * the 401 is not ours to answer (no Negotiate offered, host not allowed, plugin off for the
 * request): the caller then gets the 401 exactly as it came.
 */
export async function answerChallenge(ctx: PluginContext, response: AxiosResponse): Promise<AxiosResponse | undefined> {
  const offer = readNegotiate(response.headers['www-authenticate']);
  if (offer.kind === 'absent') return undefined;
  const url = responseUrl(ctx, response);
  if (url === undefined) return undefined;
  const previous = negotiationOf(response.config);
  debug('401 from %s: Negotiate %s, round %d', url.origin, offer.kind, previous?.rounds ?? 0);
  // Our token went to this origin: the server is continuing or refusing our handshake.
  if (previous !== undefined && previous.plan.url.origin === url.origin) {
    if (offer.kind === 'invalid') throw badChallenge(previous.host, previous.spn, offer.reason, response);
    if (offer.kind === 'offer') throw previous.rejected('the server answered our token with a new challenge');
    if (previous.rounds >= ctx.options.maxRounds) {
      throw previous.rejected(`still unauthenticated after ${previous.rounds} rounds (maxRounds)`);
    }
    return resend(ctx, response, previous, await previous.continueWith(offer.token));
  }
  const requestOptions = resolveRequestOptions((response.config as { kerberos?: unknown }).kerberos);
  if (requestOptions === false) return undefined;
  const plan = planRequest(ctx.options, requestOptions, url, ctx.memory, ctx.platform);
  if (!plan.allowed) {
    debug('not answering %s: not in hosts', url.origin);
    return undefined;
  }
  if (offer.kind === 'invalid') throw badChallenge(plan.host, plan.spn, offer.reason, response);
  // A token with no handshake of ours under way cannot be stepped in a new context; the
  // server gets a fresh start, and `maxRounds` still bounds the exchange.
  const rounds = previous?.rounds ?? 0;
  if (rounds >= ctx.options.maxRounds) return undefined;
  if (!isReplayable(response.config.data)) throw notReplayable(plan.host, plan.spn, response);
  const { negotiation, token } = await Negotiation.start(ctx.gss, plan);
  negotiation.rounds = rounds;
  return resend(ctx, response, negotiation, token);
}

function badChallenge(host: string, spn: string, reason: string, response: AxiosResponse): KerberosAuthError {
  return new KerberosAuthError(
    'ERR_KERBEROS_BAD_CHALLENGE',
    `${host} sent an unusable WWW-Authenticate header (SPN ${spn}): ${reason}. Fix: this is a server-side ` +
      'problem (or something between you and the server is rewriting headers); check the server and proxies.',
    { spn, host, config: response.config, response },
  );
}

function notReplayable(host: string, spn: string, response: AxiosResponse): KerberosAuthError {
  return new KerberosAuthError(
    'ERR_KERBEROS_BODY_NOT_REPLAYABLE',
    `${host} asked for Kerberos authentication (401), but the request body is a stream that cannot be sent ` +
      `twice. Fix: list ${host} in the \`hosts\` option so the token goes with the first request and no 401 ` +
      'comes, or send a Buffer or string instead of a stream.',
    { spn, host, config: response.config, response },
  );
}
