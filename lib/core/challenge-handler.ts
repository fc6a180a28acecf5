import type { AxiosResponse } from 'axios';
import { debug } from '../debug';
import { KerberosAuthError } from '../errors/kerberos-auth-error';
import { readNegotiate } from '../http/negotiate-challenge';
import { resolveRequestOptions } from '../options';
import type { PluginContext } from './context';
import {
  callerAuthorizes,
  callerAuthorizesProxy,
  isReplayable,
  negotiationOf,
  requestUrl,
  responseUrl,
} from './config';
import { abortable } from './abort';
import { Negotiation } from './negotiation';
import { ORIGIN, type Party, PROXY, proxyUrlOf } from './party';
import { planProxy, planRequest, type RequestPlan } from './plan';
import { resend } from './resend';

/**
 * Answers a 401 (origin) or 407 (proxy) response. Returns the response of the re-sent
 * request, or `undefined` when the challenge is not ours to answer (no Negotiate offered,
 * host or proxy not allowed, plugin off for the request): the caller then gets the
 * response exactly as it came.
 */
export async function answerChallenge(
  ctx: PluginContext,
  response: AxiosResponse,
  party: Party,
): Promise<AxiosResponse | undefined> {
  const offer = readNegotiate(response.headers[party.challengeHeader]);
  if (offer.kind === 'absent') return undefined;
  const url = party === PROXY ? proxyUrlOf(response.config) : responseUrl(response);
  if (url === undefined) return undefined;
  const previous = negotiationOf(response.config, party);
  debug('%d from %s: Negotiate %s, round %d', party.status, url.origin, offer.kind, previous?.rounds ?? 0);
  // Our token went to this resource: the server is continuing or refusing our handshake.
  if (previous !== undefined && previous.isFor(url)) {
    if (offer.kind === 'invalid') throw badChallenge(previous.plan, party, offer.reason, response);
    if (offer.kind === 'offer') throw previous.rejected('the server answered our token with a new challenge');
    if (previous.rounds >= ctx.options.maxRounds) {
      throw previous.rejected(`still unauthenticated after ${previous.rounds} rounds (maxRounds)`);
    }
    return resend(ctx, response, previous, await abortable(previous.continueWith(offer.token), response.config), party);
  }
  // The caller authenticates this request itself (its own Authorization or axios's `auth`, or
  // its own proxy credentials): its 401 or 407 is the caller's to handle, never overwritten.
  if (previous === undefined && callerAuthenticates(response, party)) return undefined;
  const plan = await planFor(ctx, response, url, party);
  if (plan === undefined || !plan.allowed) {
    debug('not answering %s: not in %s', url.origin, party.allowlist);
    return undefined;
  }
  if (offer.kind === 'invalid') throw badChallenge(plan, party, offer.reason, response);
  // A token with no handshake of ours under way cannot be stepped in a new context; the
  // server gets a fresh start, and `maxRounds` still bounds the exchange.
  const rounds = previous?.rounds ?? 0;
  if (rounds >= ctx.options.maxRounds) return undefined;
  if (!isReplayable(response.config.data)) throw notReplayable(plan, party, response);
  const { negotiation, token } = await abortable(Negotiation.start(ctx.gss, plan), response.config);
  negotiation.rounds = rounds;
  return resend(ctx, response, negotiation, token, party);
}

function callerAuthenticates(response: AxiosResponse, party: Party): boolean {
  return party === ORIGIN ? callerAuthorizes(response.config) : callerAuthorizesProxy(response.config);
}

async function planFor(
  ctx: PluginContext,
  response: AxiosResponse,
  url: URL,
  party: Party,
): Promise<RequestPlan | undefined> {
  if (party === PROXY) return planProxy(ctx.options, url, requestUrl(response.config), ctx.platform);
  const requestOptions = resolveRequestOptions((response.config as { kerberos?: unknown }).kerberos);
  if (requestOptions === false) return undefined;
  // A request's own `spn`, `delegate` and `mutual` are for the host it was sent to, not for
  // whatever host a redirect chain ended at.
  // A host outside `hosts` is not answered: no SPN work (CNAME lookup, `spn` function) for it.
  if (ctx.options.hosts?.matches(url) === false) return undefined;
  const own = requestUrl(response.config)?.origin === url.origin ? requestOptions : {};
  return planRequest(ctx.options, own, url, ctx.memory, ctx.platform, await ctx.spns.spnFor(url));
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
