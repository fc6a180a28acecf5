import type { InternalAxiosRequestConfig } from 'axios';
import type { PluginContext } from '../core/context';
import {
  STARTED_KEY,
  callerAuthorizes,
  callerAuthorizesProxy,
  negotiationOf,
  requestUrl,
  setNegotiation,
} from '../core/config';
import { abortable } from '../core/abort';
import { Negotiation } from '../core/negotiation';
import { ORIGIN, type Party, PROXY, proxyUrlOf } from '../core/party';
import { planProxy, planRequest } from '../core/plan';
import { guardRedirects } from '../core/redirects';
import { debug } from '../debug';
import { resolveRequestOptions, type KerberosRequestOptions } from '../options';

/**
 * The request interceptor: for a host in `hosts` (or one that asked for Negotiate before),
 * mints a token and sends it up front; likewise `Proxy-Authorization` for a proxy in
 * `proxies`. Leaves the request alone when the caller set `Authorization` (or `auth`), when
 * `kerberos: false`, and for any other host.
 */
export function createRequestInterceptor(ctx: PluginContext) {
  return async function kerberosRequest(config: InternalAxiosRequestConfig): Promise<InternalAxiosRequestConfig> {
    const requestOptions = resolveRequestOptions((config as { kerberos?: unknown }).kerberos);
    if (requestOptions === false) return config;
    if (typeof config.timeout === 'number' && config.timeout > 0 && negotiationOf(config) === undefined) {
      (config as unknown as Record<string, unknown>)[STARTED_KEY] ??= Date.now();
    }
    await signForOrigin(ctx, config, requestOptions);
    await signForProxy(ctx, config);
    return config;
  };
}

async function signForOrigin(
  ctx: PluginContext,
  config: InternalAxiosRequestConfig,
  requestOptions: KerberosRequestOptions,
): Promise<void> {
  if (ownResend(config, ORIGIN)) return;
  if (callerAuthorizes(config)) {
    // Often a surprise: a Bearer default on the instance, or `auth` left over, silently
    // turns Kerberos off for every request; say so in the log.
    if (debug.enabled) {
      const own = config.auth !== undefined ? 'axios `auth` option' : 'Authorization header';
      debug('request to %s: it carries its own %s, no Negotiate token', requestUrl(config)?.origin, own);
    }
    return;
  }
  const url = requestUrl(config);
  if (url === undefined) return;
  // Most requests to hosts that get nothing up front end here, before any SPN work (a CNAME
  // lookup, the caller's `spn` function). Per-request `spn`/`delegate` still go on, to be
  // checked against `hosts`.
  if (!mayPreempt(ctx, requestOptions, url) && requestOptions.spn === undefined && requestOptions.delegate !== true) {
    debug('request to %s: no token up front', url.origin);
    return;
  }
  const spn = await ctx.spns.spnFor(url);
  const plan = planRequest(ctx.options, requestOptions, url, ctx.memory, ctx.platform, spn);
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
  if (!plan.preemptive) return;
  const { negotiation, token } = await abortable(Negotiation.start(ctx.gss, plan, ctx.pool), config);
  config.headers.set('Authorization', `Negotiate ${token}`);
  setNegotiation(config, negotiation);
  guardRedirects(config);
}

/** Whether `planRequest` could decide to send a token up front; a cheap pre-check of it. */
function mayPreempt(ctx: PluginContext, requestOptions: KerberosRequestOptions, url: URL): boolean {
  if (!(requestOptions.preemptive ?? ctx.options.preemptive)) return false;
  const { hosts } = ctx.options;
  return hosts === undefined ? ctx.memory.has(url.origin) : hosts.matches(url);
}

/**
 * True for our own re-send, whose fresh token must go out as it is. A config that carries a
 * negotiation whose token was already sent is another interceptor's retry (axios-retry):
 * that token is spent (the server's replay cache would refuse it), so it is removed here and
 * the request is treated as new.
 */
function ownResend(config: InternalAxiosRequestConfig, party: Party): boolean {
  const negotiation = negotiationOf(config, party);
  if (negotiation === undefined) return false;
  if (negotiation.claimSend()) return true;
  config.headers.delete(party.authorizationHeader);
  setNegotiation(config, undefined, party);
  return false;
}

async function signForProxy(ctx: PluginContext, config: InternalAxiosRequestConfig): Promise<void> {
  if (ctx.options.proxies === undefined || ownResend(config, PROXY)) return;
  const proxyUrl = proxyUrlOf(config);
  if (proxyUrl === undefined || callerAuthorizesProxy(config)) return;
  const plan = planProxy(ctx.options, proxyUrl, requestUrl(config), ctx.platform);
  if (!plan.preemptive) return;
  const { negotiation, token } = await abortable(Negotiation.start(ctx.gss, plan, ctx.pool), config);
  config.headers.set('Proxy-Authorization', `Negotiate ${token}`);
  setNegotiation(config, negotiation, PROXY);
  guardRedirects(config);
}
