import { AxiosError, AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import type { PluginContext } from './context';
import { STARTED_KEY, negotiationOf, requestUrl, setNegotiation } from './config';
import { abortable } from './abort';
import { Negotiation } from './negotiation';
import { ORIGIN, type Party, PROXY } from './party';
import { guardRedirects } from './redirects';

/** Counts re-sends of one request across both parties. */
const RESENDS_KEY = 'axiosKerberosResends';

/**
 * Sends the request again through the same instance with a Negotiate token for `party`, so
 * the caller's other interceptors, `signal` and adapter apply as before.
 * - The body already went through `transformRequest`; an identity transform stops axios
 *   from serialising it a second time (the axios-retry approach, axios issue #5765).
 * - `timeout` covers the whole exchange: the re-send gets what is left of it.
 * - The other party's token is single use too: the re-send gets a fresh one.
 * - When the challenge came from another origin than the request's (a redirect chain),
 *   the token waits for the redirect hop to that origin instead of going out first.
 */
export async function resend(
  ctx: PluginContext,
  response: AxiosResponse,
  negotiation: Negotiation,
  token: string,
  party: Party,
): Promise<AxiosResponse> {
  const config = response.config;
  const resends = Number((config as unknown as Record<string, unknown>)[RESENDS_KEY] ?? 0);
  // Proxy and origin each bound their own rounds; this bounds the two taking turns.
  if (resends >= 2 * ctx.options.maxRounds) {
    throw negotiation.rejected(`still unauthenticated after ${resends} re-sends (maxRounds for proxy and origin)`);
  }
  // The time left is checked before anything is attached: a re-send that cannot go out must
  // not leave a live token on the config that the caller's error carries.
  const started = (config as unknown as Record<string, unknown>)[STARTED_KEY];
  let timeout = config.timeout;
  if (typeof started === 'number' && typeof config.timeout === 'number' && config.timeout > 0) {
    timeout = config.timeout - (Date.now() - started);
    // axios's timer is not a deadline: a 1 ms budget still lets a fast reply through.
    if (timeout <= 0) throw timedOut(config);
  }
  // A copy: AxiosHeaders.from() returns the very instance it is given when it is one.
  const next: InternalAxiosRequestConfig = {
    ...config,
    headers: new AxiosHeaders(config.headers),
    transformRequest: [(data: unknown) => data],
    timeout,
  };
  (next as unknown as Record<string, unknown>)[RESENDS_KEY] = resends + 1;
  await renewOtherParty(ctx, config, next, party === ORIGIN ? PROXY : ORIGIN);
  attach(next, party, negotiation, token);
  // Plain headers: axios 1.7 cannot merge an AxiosHeaders of another copy of axios (its ES
  // module build, beside this CommonJS code) and sends a header named "0" instead.
  return ctx.instance.request({ ...next, headers: next.headers.toJSON() });
}

/**
 * Puts `token` on the re-send for `party`: directly when the request goes straight to the
 * resource (or proxy) it was minted for; otherwise, for an origin token after a redirect
 * chain, held until the redirect hop to that resource, so the first hop never carries it.
 */
function attach(next: InternalAxiosRequestConfig, party: Party, negotiation: Negotiation, token: string): void {
  const header = `Negotiate ${token}`;
  const target = requestUrl(next);
  if (party === PROXY || (target !== undefined && negotiation.isFor(target))) {
    next.headers.set(party.authorizationHeader, header);
  } else {
    next.headers.delete(party.authorizationHeader);
    negotiation.holdForRedirect(negotiation.plan.url, header);
  }
  negotiation.rounds++;
  negotiation.prepareSend();
  setNegotiation(next, negotiation, party);
  guardRedirects(next);
}

/** The error axios itself gives when `timeout` runs out, for a re-send with no time left. */
function timedOut(config: InternalAxiosRequestConfig): AxiosError {
  const message = config.timeoutErrorMessage ?? `timeout of ${config.timeout}ms exceeded`;
  const code = config.transitional?.clarifyTimeoutError === true ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED;
  return new AxiosError(message, code, config);
}

/**
 * The other party's token in this request was single use too. If it had one, the re-send
 * gets a fresh token for it, minted for the same plan: the proxy authenticates every request
 * it forwards, and the origin behind it did not see a request the proxy refused.
 */
async function renewOtherParty(
  ctx: PluginContext,
  config: InternalAxiosRequestConfig,
  next: InternalAxiosRequestConfig,
  other: Party,
): Promise<void> {
  const previous = negotiationOf(config, other);
  if (previous === undefined) return;
  previous.finish();
  const { negotiation, token } = await abortable(Negotiation.start(ctx.gss, previous.plan, ctx.pool), config);
  negotiation.rounds = previous.rounds;
  attach(next, other, negotiation, token);
}
