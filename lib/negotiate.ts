import { mutualAuthenticationFailed, serverTokenProblem } from './core/mutual';
import { Negotiation } from './core/negotiation';
import type { RequestPlan } from './core/plan';
import { optionError } from './errors/option-error';
import { kerberosProvider } from './gss/kerberos-provider';
import { limitGss } from './gss/limits';
import type { GssProvider, Mechanism } from './gss/provider';
import { hostForUrl, normalizeHostname } from './hosts';
import { resolveOptions, type MutualMode } from './options';
import { checkSpn, httpUrl, spnForUrl, toPlatformForm } from './spn';

/** Options of `negotiate()`: the plugin's, for one exchange. */
export interface NegotiateOptions {
  /**
   * The service part of the SPN built from a URL target.
   * @default 'HTTP'
   */
  service?: string;
  /**
   * Ask for and expect the server's mutual-authentication token. `'disabled'` mints a token
   * without the mutual flag; `verify()` then has nothing to check.
   * @default 'required'
   */
  mutual?: MutualMode;
  /**
   * `'spnego'` (RFC 4559) or `'kerberos'` (raw krb5).
   * @default 'spnego'
   */
  mechanism?: Mechanism;
  /**
   * The client principal to use from the credential cache.
   * @default the cache's default principal
   */
  principal?: string;
  /**
   * Forward your TGT to this service (GSS_C_DELEG_FLAG). Only for services you trust with it.
   * @default false
   */
  delegate?: boolean;
  /**
   * Milliseconds one GSS operation may take before ERR_KERBEROS_TIMEOUT.
   * @default 5000
   */
  timeout?: number;
  /**
   * Adds a non-default port of a URL target to the SPN (`HTTP@host:8443`).
   * @default false
   */
  includePort?: boolean;
  /**
   * Lets an NTLM token (SPNEGO fallback) through instead of refusing it.
   * @default false
   */
  allowNtlm?: boolean;
}

// Checked against the type: a new option of negotiate() that is not listed fails to compile.
const NEGOTIATE_OPTIONS = {
  service: true,
  mutual: true,
  mechanism: true,
  principal: true,
  delegate: true,
  timeout: true,
  includePort: true,
  allowNtlm: true,
} as const satisfies Record<keyof NegotiateOptions, true>;

/** One Negotiate exchange for any HTTP client: the header to send, then the reply to verify. */
export interface NegotiateTicket {
  /** The SPN the token is for (`HTTP@host`). */
  readonly spn: string;
  /** The value of the `Authorization` header: `Negotiate <token>`. Single use. */
  readonly header: string;
  /**
   * Verifies the server's reply: pass its `WWW-Authenticate` header value(s). Resolves when
   * the server's token completes mutual authentication, and under `mutual: 'optional'` also
   * when the reply carries no Negotiate token. Throws `MutualAuthenticationError` when a token
   * does not verify, when there is none under `'required'` (the default), and on a second
   * call (a ticket is single use). A no-op under `mutual: 'disabled'`.
   */
  verify(wwwAuthenticate: string | readonly string[] | null | undefined): Promise<void>;
}

/**
 * Mints a Negotiate `Authorization` value for a URL (`'https://api.example.com/x'`) or an SPN
 * (`'HTTP@api.example.com'`), for clients other than axios: `fetch`, undici, got, `http`.
 *
 * @example
 * const url = 'https://api.example.com/things';
 * const ticket = await negotiate(url);
 * // The token is single use: do not let fetch replay it on a redirect.
 * const response = await fetch(url, { headers: { Authorization: ticket.header }, redirect: 'manual' });
 * if (response.ok) await ticket.verify(response.headers.get('www-authenticate'));
 */
export function negotiate(target: string | URL, options: NegotiateOptions = {}): Promise<NegotiateTicket> {
  return negotiateWith(kerberosProvider(), target, options);
}

/** `negotiate()` with an explicit GSS provider: the seam unit tests use. @internal */
export async function negotiateWith(
  provider: GssProvider,
  target: string | URL,
  options: NegotiateOptions = {},
  platform: NodeJS.Platform = process.platform,
): Promise<NegotiateTicket> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw optionError('options', 'expected an object');
  }
  // Own properties only (a polluted `Object.prototype.delegate` must not count).
  const own = Object.assign(Object.create(null) as object, Object.fromEntries(Object.entries(options)));
  const { delegate, ...rest } = own as NegotiateOptions;
  // The plugin's validation, limited to what one exchange takes: `hosts`, `spn`, `prefetch`…
  // would be accepted there and silently mean nothing here.
  for (const key of Object.keys(rest)) {
    if (!Object.hasOwn(NEGOTIATE_OPTIONS, key))
      throw optionError(key, 'not an option of negotiate() (see docs/options.md)');
  }
  if (delegate !== undefined && typeof delegate !== 'boolean') throw optionError('delegate', 'expected true or false');
  const resolved = resolveOptions(rest);
  const plan = planFor(target, resolved.service, resolved.includePort, platform);
  const full: RequestPlan = {
    ...plan,
    mutual: resolved.mutual ?? 'required',
    delegate: delegate === true,
    principal: resolved.principal,
    mechanism: resolved.mechanism,
    allowed: true,
    preemptive: true,
    adaptive: false,
    allowNtlm: resolved.allowNtlm,
  };
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
