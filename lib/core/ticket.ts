import { optionError } from '../errors/option-error';
import { limitGss } from '../gss/limits';
import type { GssProvider } from '../gss/provider';
import type { NegotiateTicket } from '../handles';
import { hostForUrl, normalizeHostname } from '../names/hosts';
import { checkSpn, httpUrl, toPlatformForm } from '../names/spn';
import { type NegotiateOptions, resolveNegotiateOptions } from '../options';
import { spnForUrl } from '../spn';
import { mutualAuthenticationFailed, serverTokenProblem } from './mutual';
import { Negotiation } from './negotiation';
import { buildPlan, type RequestPlan } from './plan';

/**
 * `negotiate()` with the GSS provider and the platform as parameters (the seam the unit tests
 * use): validates the options, plans the one exchange and mints its token.
 */
export async function negotiateWith(
  provider: GssProvider,
  target: string | URL,
  options: NegotiateOptions = {},
  platform: NodeJS.Platform = process.platform,
): Promise<NegotiateTicket> {
  const { options: resolved, delegate } = resolveNegotiateOptions(options);
  const plan = planFor(target, resolved.service, resolved.includePort, platform);
  const full = buildPlan(resolved, {
    ...plan,
    mutual: resolved.mutual ?? 'required',
    delegate,
    allowed: true,
    preemptive: true,
    adaptive: false,
  });
  const gss = limitGss(provider, { timeout: resolved.timeout, maxConcurrent: resolved.maxConcurrentGss });
  const { negotiation, token } = await Negotiation.start(gss, full);
  return {
    spn: full.spn,
    header: `Negotiate ${token}`,
    async verify(wwwAuthenticate) {
      const problem = await serverTokenProblem(negotiation, wwwAuthenticate);
      if (problem !== undefined) throw mutualAuthenticationFailed(negotiation, problem);
    },
  };
}

function planFor(
  target: unknown,
  service: string,
  includePort: boolean,
  platform: NodeJS.Platform,
): Pick<RequestPlan, 'url' | 'host' | 'spn'> {
  // Checked before any GSS work: a URL must be http: or https:, an SPN `service@host`.
  if (target instanceof URL || (typeof target === 'string' && /^[a-z][a-z\d+\-.]*:/i.test(target))) {
    const url = httpUrl(target, 'target');
    return { url, host: normalizeHostname(url), spn: spnForUrl(url, { service, includePort, platform }) };
  }
  if (typeof target !== 'string') {
    throw optionError(
      'target',
      `expected a URL or an SPN such as 'HTTP@host', got ${target === null ? 'null' : typeof target}`,
    );
  }
  const spn = checkSpn('target', target);
  const host = spn.slice(spn.search(/[@/]/) + 1);
  return {
    url: httpUrl(`http://${hostForUrl(host)}/`, 'target'),
    host,
    spn: toPlatformForm(spn, platform),
  };
}
