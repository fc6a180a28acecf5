import { AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import type { PluginContext } from './context';
import { STARTED_KEY, setNegotiation } from './config';
import type { Negotiation } from './negotiation';
import { guardRedirects } from './redirects';

/**
 * Sends the request again through the same instance with a Negotiate token, so the caller's
 * other interceptors, `signal` and adapter apply as before.
 * - The body already went through `transformRequest`; an identity transform stops axios
 *   from serialising it a second time (the axios-retry approach, axios issue #5765).
 * - `timeout` covers the whole exchange: the re-send gets what is left of it.
 * - When the challenge came from another origin than the request's (a redirect chain),
 *   the token waits for the redirect hop to that origin instead of going out first.
 */
export function resend(
  ctx: PluginContext,
  response: AxiosResponse,
  negotiation: Negotiation,
  token: string,
): Promise<AxiosResponse> {
  const config = response.config;
  const header = `Negotiate ${token}`;
  const headers = AxiosHeaders.from(config.headers);
  const next: InternalAxiosRequestConfig = { ...config, headers, transformRequest: [(data: unknown) => data] };
  const requestOrigin = safeOrigin(ctx.instance.getUri(config));
  if (requestOrigin === negotiation.plan.url.origin) headers.set('Authorization', header);
  else {
    headers.delete('Authorization');
    negotiation.holdForRedirect(negotiation.plan.url.origin, header);
  }
  const started = (config as unknown as Record<string, unknown>)[STARTED_KEY];
  if (typeof started === 'number' && typeof config.timeout === 'number' && config.timeout > 0) {
    next.timeout = Math.max(1, config.timeout - (Date.now() - started));
  }
  negotiation.rounds++;
  setNegotiation(next, negotiation);
  guardRedirects(next);
  return ctx.instance.request(next);
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
