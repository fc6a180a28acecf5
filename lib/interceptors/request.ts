import type { InternalAxiosRequestConfig } from 'axios';
import type { PluginContext } from '../core/context';
import { STARTED_KEY, callerAuthorizes, negotiationOf, requestUrl, setNegotiation } from '../core/config';
import { Negotiation } from '../core/negotiation';
import { planRequest } from '../core/plan';
import { guardRedirects } from '../core/redirects';
import { debug } from '../debug';
import { resolveRequestOptions } from '../options';

/**
 * The request interceptor: for a host in `hosts` (or one that asked for Negotiate before),
 * mints a token and sends it up front. Leaves the request alone when the caller set
 * `Authorization` (or `auth`), when `kerberos: false`, and for any other host.
 */
export function createRequestInterceptor(ctx: PluginContext) {
  return async function kerberosRequest(config: InternalAxiosRequestConfig): Promise<InternalAxiosRequestConfig> {
    if (negotiationOf(config) !== undefined) return config; // our own re-send, already signed
    const requestOptions = resolveRequestOptions((config as { kerberos?: unknown }).kerberos);
    if (requestOptions === false || callerAuthorizes(config)) return config;
    if (typeof config.timeout === 'number' && config.timeout > 0) {
      (config as unknown as Record<string, unknown>)[STARTED_KEY] = Date.now();
    }
    const url = requestUrl(ctx, config);
    if (url === undefined) return config;
    const plan = planRequest(ctx.options, requestOptions, url, ctx.memory, ctx.platform);
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
    if (!plan.preemptive) return config;
    const { negotiation, token } = await Negotiation.start(ctx.gss, plan, ctx.pool);
    config.headers.set('Authorization', `Negotiate ${token}`);
    setNegotiation(config, negotiation);
    guardRedirects(config);
    return config;
  };
}
