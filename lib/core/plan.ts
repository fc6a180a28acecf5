import { KerberosAuthError } from '../errors/kerberos-auth-error';
import { normalizeHostname } from '../names/hosts';
import { toPlatformForm } from '../names/spn';
import type { KerberosRequestOptions, Mechanism, MutualMode, ResolvedOptions } from '../options';
import { spnForUrl } from '../spn';

/** Everything decided about one request before any GSS work. */
export interface RequestPlan {
  url: URL;
  host: string;
  spn: string;
  mutual: MutualMode;
  delegate: boolean;
  principal: string | undefined;
  mechanism: Mechanism;
  /** The host may receive a token: it is in `hosts`, or `hosts` is unset. */
  allowed: boolean;
  /** Send a token with the first request, before any challenge. */
  preemptive: boolean;
  /** Let an NTLM token through (SPNEGO fallback); refused by default. */
  allowNtlm: boolean;
  /**
   * Pre-emptive only because the origin challenged before, not because it is in `hosts`.
   * A response without a server token then means "no authentication needed here", exactly
   * as if no token had been sent, and does not fail mutual authentication.
   */
  adaptive: boolean;
}

/** Remembers origins that asked for Negotiate, so later requests to them go pre-emptive. */
export interface OriginMemory {
  has(origin: string): boolean;
}

/**
 * Decides, from the plugin options, the request's own `kerberos` options and the URL,
 * which SPN to use, whether the host may get a token at all, whether to send one up front,
 * and whether to delegate. Pure but for the memory lookup. Throws ERR_KERBEROS_UNTRUSTED_HOST
 * when the request forces a token or delegation onto a host outside `hosts`.
 */
export function planRequest(
  options: ResolvedOptions,
  request: KerberosRequestOptions,
  url: URL,
  memory: OriginMemory,
  platform: NodeJS.Platform = process.platform,
  mappedSpn?: string,
): RequestPlan {
  const host = normalizeHostname(url);
  const listed = options.hosts?.matches(url) === true;
  const allowed = options.hosts === undefined || listed;
  const spn =
    request.spn !== undefined
      ? toPlatformForm(request.spn, platform)
      : (mappedSpn ??
        spnForUrl(url, { service: options.service, spn: options.spn, includePort: options.includePort, platform }));
  if (request.spn !== undefined && !allowed) {
    throw untrusted(host, spn, 'the request sets `kerberos.spn`');
  }
  let delegate = options.delegate?.matches(url) === true;
  if (request.delegate !== undefined) {
    // Delegation hands over the TGT, so it needs an explicit allowlist even per request.
    if (request.delegate && !listed) throw untrusted(host, spn, 'the request sets `kerberos.delegate: true`');
    delegate = request.delegate;
  }
  const preemptive = sendsUpFront(options, request, url, memory, listed);
  return buildPlan(options, {
    url,
    host,
    spn,
    mutual: request.mutual ?? options.mutual ?? defaultMutual(url),
    delegate,
    allowed,
    preemptive,
    adaptive: preemptive && !listed,
  });
}

/**
 * Whether a request to `url` carries its token up front: a host in `hosts`, or, without
 * `hosts`, an origin that asked for Negotiate before (adaptive). The request interceptor asks
 * this before any SPN work; `planRequest` decides with it.
 */
export function sendsUpFront(
  options: ResolvedOptions,
  request: KerberosRequestOptions,
  url: URL,
  memory: OriginMemory,
  listed = options.hosts?.matches(url) === true,
): boolean {
  if (!(request.preemptive ?? options.preemptive)) return false;
  return options.hosts === undefined ? memory.has(url.origin) : listed;
}

/**
 * The plan for authenticating to a forward proxy: SPN `HTTP@<proxy host>`, only for proxies
 * listed in `proxies`, never delegating (a proxy has no business with your TGT). The same plan
 * serves a plain-http request (Proxy-Authorization on the request itself) and an https: one
 * (Proxy-Authorization on the CONNECT that opens its tunnel, see tunnel-agent.ts).
 * The request's own `preemptive` and `proxyMutual` apply; its `mutual` and `spn` are the
 * origin's. Mutual authentication defaults to 'optional' whatever the scheme: proxies
 * (Squid, commercial gateways) do not send a final token, and browsers and curl never ask.
 */
export function planProxy(
  options: ResolvedOptions,
  request: KerberosRequestOptions,
  proxyUrl: URL,
  platform: NodeJS.Platform = process.platform,
): RequestPlan {
  const allowed = options.proxies?.matches(proxyUrl) === true;
  return buildPlan(options, {
    url: proxyUrl,
    host: normalizeHostname(proxyUrl),
    spn: spnForUrl(proxyUrl, { service: options.service, includePort: options.includePort, platform }),
    mutual: request.proxyMutual ?? options.proxyMutual,
    delegate: false,
    allowed,
    preemptive: allowed && (request.preemptive ?? options.preemptive),
    adaptive: false,
  });
}

/** What a plan decides for its request; the rest (principal, mechanism, NTLM) comes from the options. */
export type PlanDecisions = Omit<RequestPlan, 'principal' | 'mechanism' | 'allowNtlm'>;

/**
 * Puts a plan together: the one place a `RequestPlan` is built, for the origin, a proxy and
 * `negotiate()` alike, so a new field cannot be forgotten in one of them. Always the same
 * property order, so every plan has one shape.
 */
export function buildPlan(options: ResolvedOptions, decisions: PlanDecisions): RequestPlan {
  return {
    url: decisions.url,
    host: decisions.host,
    spn: decisions.spn,
    mutual: decisions.mutual,
    delegate: decisions.delegate,
    principal: options.principal,
    mechanism: options.mechanism,
    allowed: decisions.allowed,
    preemptive: decisions.preemptive,
    adaptive: decisions.adaptive,
    allowNtlm: options.allowNtlm,
  };
}

/**
 * A forward proxy asked for Kerberos (407 + `Proxy-Authenticate: Negotiate`) and the plugin may
 * not answer it: it is not in `proxies`. Never a bare 407: the error names the proxy and the fix.
 */
export function proxyNotListed(proxy: URL): KerberosAuthError {
  const host = normalizeHostname(proxy);
  return new KerberosAuthError(
    'ERR_KERBEROS_PROXY_AUTH_REQUIRED',
    `The forward proxy ${proxy.host} asks for Kerberos (407, Proxy-Authenticate: Negotiate), but it is not in ` +
      '`proxies`, so no token was sent to it.',
    {
      host,
      fix:
        `add '${host}' to the \`proxies\` option if it should receive your tickets, or set \`proxy: false\` ` +
        '(or NO_PROXY) for requests that should not go through it',
    },
  );
}

/** 'required' on plain http, where nothing else authenticates the server; 'optional' over TLS. */
export function defaultMutual(url: URL): MutualMode {
  return url.protocol === 'https:' ? 'optional' : 'required';
}

function untrusted(host: string, spn: string, what: string): KerberosAuthError {
  return new KerberosAuthError(
    'ERR_KERBEROS_UNTRUSTED_HOST',
    `Refusing to send a Kerberos token to ${host} (SPN ${spn}): ${what}, but ${host} is not in \`hosts\`.`,
    { spn, host, fix: 'add the host to the `hosts` option if it should receive your tickets' },
  );
}
