import { optionError } from './errors/option-error';
import { compileHosts, type HostMatcher } from './names/hosts';
import { checkSpn } from './names/spn';

/**
 * One entry of a host allowlist:
 * - `'api.corp.example.com'`: exactly that host name (or IP address);
 * - `'*.corp.example.com'`: any subdomain of `corp.example.com`, at any depth, but not
 *   `corp.example.com` itself (list it too if it should match);
 * - a `RegExp`, tested against the URL's host name (lower case, no port, IPv6 without brackets);
 *   anchor it (`/^api\.example\.com$/`), or `example.com.evil.net` matches too;
 * - a function that receives the request URL and returns whether it matches.
 */
export type HostPattern = string | RegExp | ((url: URL) => boolean);

/** `'spnego'` wraps Kerberos in SPNEGO as RFC 4559 says; `'kerberos'` sends raw krb5 tokens. */
export type Mechanism = 'spnego' | 'kerberos';

/** How strictly the server's final token is checked (mutual authentication). */
export type MutualMode = 'required' | 'optional' | 'disabled';

/** Options of `kerberosAuth()`. Every option is validated once, when the plugin is made. */
export interface KerberosAuthOptions {
  /**
   * The allowlist of hosts that may ever receive a Kerberos token: an exact host name,
   * `'*.suffix'` (any subdomain), a `RegExp` on the host name, or `(url: URL) => boolean`.
   * Requests to these hosts get a token up front (see `preemptive`), and only these hosts'
   * challenges are answered. When unset, a Negotiate challenge from any host is answered, as
   * curl and requests-kerberos do, and later requests to a host that accepted a token carry one
   * up front. An empty list is refused: it would send no token anywhere.
   * @default undefined
   */
  hosts?: HostPattern | readonly HostPattern[];
  /**
   * Send the token with the first request to a host in `hosts`, saving the 401 round trip.
   * @default true
   */
  preemptive?: boolean;
  /**
   * The service part of the SPN built from the URL (`<service>@<host>`).
   * @default 'HTTP'
   */
  service?: string;
  /**
   * A fixed SPN (`'HTTP@api.example.com'` or `'HTTP/api.example.com'`), or a function from the
   * request URL to one. Overrides `service` and the host mapping. A realm (`HTTP/host@REALM`)
   * is refused: the realm comes from krb5.conf.
   * @default undefined
   */
  spn?: string | ((url: URL) => string);
  /**
   * Mutual authentication: `'required'` fails a response that lacks a valid server token;
   * `'optional'` verifies the server's token whenever one is sent and fails if it does not
   * verify; `'disabled'` does not ask for or check one. Every redirect hop is checked too.
   * @default 'required' for http: URLs (nothing else authenticates the server), 'optional' for https:
   */
  mutual?: MutualMode;
  /**
   * `'spnego'` (RFC 4559, what browsers and mod_auth_gssapi expect) or `'kerberos'` (raw krb5
   * tokens, like requests-kerberos sends).
   * @default 'spnego'
   */
  mechanism?: Mechanism;
  /**
   * The client principal to use from the credential cache (`'alice@EXAMPLE.COM'`).
   * Ignored on Windows, where SSPI uses the logged-on user.
   * @default the credential cache's default principal
   */
  principal?: string;
  /**
   * Forward proxies (axios's `proxy` option) that may receive a Kerberos token: a `407` with
   * `Proxy-Authenticate: Negotiate` from one of them is answered with `Proxy-Authorization`
   * for `HTTP@<proxy host>`, and with `preemptive` every request through it carries one.
   * Same patterns as `hosts`. Proxies from `HTTP_PROXY`/`HTTPS_PROXY` (and `NO_PROXY`) count
   * too, resolved as axios resolves them. For `https:` targets the plugin opens the `CONNECT`
   * tunnel itself and authenticates it. Credentials are never delegated to a proxy. A `407`
   * Negotiate from a proxy that is not listed fails with ERR_KERBEROS_PROXY_AUTH_REQUIRED.
   * @default undefined (no proxy gets a token)
   */
  proxies?: HostPattern | readonly HostPattern[];
  /**
   * Mutual authentication towards a proxy in `proxies`, separate from the origin's `mutual`:
   * `'optional'` verifies the proxy's final `Proxy-Authenticate: Negotiate <token>` when it
   * sends one (a token that does not verify fails) and accepts its absence, as browsers and
   * curl do (Squid and most gateways never send one); `'required'` also fails a response or
   * tunnel without it; `'disabled'` neither asks for nor checks it.
   * @default 'optional'
   */
  proxyMutual?: MutualMode;
  /**
   * Credential delegation: `true` forwards your ticket-granting ticket to every host in
   * `hosts` (which must then be set); a pattern or list delegates only to hosts that match
   * it and `hosts`. Never to proxies. Needs a forwardable TGT: GSS leaves delegation out
   * silently otherwise, and the plugin emits the process warning `AXIOS_KERBEROS_NOT_DELEGABLE`
   * when it can tell (a `FILE:` credential cache).
   * @default false
   */
  delegate?: boolean | HostPattern | readonly HostPattern[];
  /**
   * The most 401 round trips one request may take before failing with ERR_KERBEROS_REJECTED.
   * @default 3
   */
  maxRounds?: number;
  /**
   * Milliseconds one GSS operation (talking to the KDC included) may take before the request
   * fails with ERR_KERBEROS_TIMEOUT. GSS alone waits for a silent KDC about 28 s (MIT krb5) or
   * 67 s (Heimdal); the native call still runs that long, and keeps the process from exiting.
   * @default 5000
   */
  timeout?: number;
  /**
   * GSS operations that may wait for a KDC allowed at once: the first step of a context,
   * unless its SPN's service ticket is known to be cached. They run on libuv's thread pool
   * (4 threads unless `UV_THREADPOOL_SIZE` says otherwise, shared with `fs` and
   * `dns.lookup`), so a dead KDC holds at most this many. For 30 s after one of them came
   * back within 250 ms (ticket cached), first steps for the same SPN compute locally and may
   * use the whole pool (delegation excepted); if that ticket leaves the cache while the KDC
   * is down, they can hold the whole pool until the first timeout, which ends the rule for
   * every SPN.
   * @default 2
   */
  maxConcurrentGss?: number;
  /**
   * `'cname'` follows the URL host through DNS CNAME records before building the SPN, as
   * Chrome and .NET do, for services reached through an alias or a load balancer name.
   * `hosts` is still matched against the URL host, never the canonical name.
   * @default 'none'
   */
  canonicalize?: 'none' | 'cname';
  /**
   * Adds a non-default port to the SPN (`HTTP@host:8443`), like Chrome's
   * `EnableAuthNegotiatePort`, for services registered that way.
   * @default false
   */
  includePort?: boolean;
  /**
   * SPNEGO can fall back to NTLM on some systems. By default such a token is refused
   * (ERR_KERBEROS_NTLM_REFUSED) and never sent; `true` lets it through.
   * @default false
   */
  allowNtlm?: boolean;
  /**
   * While a pre-emptive request is on the wire, mint the token for the next request to the
   * same host, so it does not wait for GSS. A spare token is used once and dropped after
   * 2 s; turn this off to mint strictly on demand.
   * @default true
   */
  prefetch?: boolean;
  /**
   * Kerberos once per session: keep the cookies an allowed host sets on a response whose
   * authentication held (its server token verified, or the response came over `https:`),
   * in memory for this installation, and send them instead of a new token on later requests
   * to that origin (Hadoop's `hadoop.auth`, mod_auth_gssapi's `GssapiUseSessions`,
   * `JSESSIONID`). A `401` on a session drops it and is answered with a token. Cookies follow
   * RFC 6265 (path, `Secure`, expiry), never go to another origin, and are dropped on
   * `eject()`. With your own cookie jar (axios-cookiejar-support) the plugin uses that jar's
   * session instead, whatever this option says.
   * @default false
   */
  session?: boolean;
}

/** What a single request may override, under the `kerberos` key of its axios config. */
export interface KerberosRequestOptions {
  /** A fixed SPN for this request. Outside `hosts` this fails with ERR_KERBEROS_UNTRUSTED_HOST. */
  spn?: string;
  /** Mutual authentication for this request. */
  mutual?: MutualMode;
  /** Delegate (or not) for this request; only to hosts in `hosts`. */
  delegate?: boolean;
  /** Send the token up front (or not) for this request, to the origin and to a listed proxy. */
  preemptive?: boolean;
  /** Mutual authentication towards the proxy for this request (see `proxyMutual`). */
  proxyMutual?: MutualMode;
  /** Use (or not) a Kerberos session for this request: `false` sends a token even when a session is kept. */
  session?: boolean;
}

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

/** The options after validation: what the rest of the code sees. */
export interface ResolvedOptions {
  hosts: HostMatcher | undefined;
  proxies: HostMatcher | undefined;
  proxyMutual: MutualMode;
  preemptive: boolean;
  service: string;
  spn: string | ((url: URL) => string) | undefined;
  mutual: MutualMode | undefined;
  mechanism: Mechanism;
  principal: string | undefined;
  delegate: HostMatcher | undefined;
  maxRounds: number;
  timeout: number;
  maxConcurrentGss: number;
  prefetch: boolean;
  canonicalize: 'none' | 'cname';
  includePort: boolean;
  allowNtlm: boolean;
  session: boolean;
}

/** The defaults of every option that has one. */
export const DEFAULT_OPTIONS = {
  preemptive: true,
  service: 'HTTP',
  mechanism: 'spnego',
  delegate: false,
  maxRounds: 3,
  timeout: 5000,
  maxConcurrentGss: 2,
  prefetch: true,
  canonicalize: 'none',
  includePort: false,
  allowNtlm: false,
  proxyMutual: 'optional',
  session: false,
} as const satisfies Partial<KerberosAuthOptions>;

const MUTUAL_MODES: readonly MutualMode[] = ['required', 'optional', 'disabled'];
const MECHANISMS: readonly Mechanism[] = ['spnego', 'kerberos'];
// Each list is checked against its type: a new option that is not listed here fails to compile.
const KNOWN = {
  hosts: true,
  proxies: true,
  preemptive: true,
  service: true,
  spn: true,
  mutual: true,
  mechanism: true,
  principal: true,
  delegate: true,
  maxRounds: true,
  timeout: true,
  maxConcurrentGss: true,
  prefetch: true,
  canonicalize: true,
  includePort: true,
  allowNtlm: true,
  proxyMutual: true,
  session: true,
} as const satisfies Record<keyof KerberosAuthOptions, true>;
const KNOWN_REQUEST = {
  spn: true,
  mutual: true,
  delegate: true,
  preemptive: true,
  proxyMutual: true,
  session: true,
} as const satisfies Record<keyof KerberosRequestOptions, true>;
const KNOWN_NEGOTIATE = {
  service: true,
  mutual: true,
  mechanism: true,
  principal: true,
  delegate: true,
  timeout: true,
  includePort: true,
  allowNtlm: true,
} as const satisfies Record<keyof NegotiateOptions, true>;

/**
 * Validates options once and merges them over `DEFAULT_OPTIONS`. Throws a
 * `KerberosAuthError` with code ERR_KERBEROS_OPTIONS naming the offending option.
 */
export function resolveOptions(input: KerberosAuthOptions = {}): ResolvedOptions {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw optionError('options', 'expected an object');
  }
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(KNOWN, key)) throw optionError(key, 'unknown option (check the spelling in docs/options.md)');
  }
  // Own properties only: a polluted `Object.prototype.mutual` must not change anything.
  const given: Partial<KerberosAuthOptions> = withoutUndefined(input);
  const o: typeof DEFAULT_OPTIONS & Partial<KerberosAuthOptions> = Object.assign(
    Object.create(null) as object,
    DEFAULT_OPTIONS,
    given,
  );
  // An empty list would silently turn the plugin off; unset means the opposite (answer any host).
  if (Array.isArray(given.hosts) && given.hosts.length === 0) {
    throw optionError(
      'hosts',
      'an empty list lets no host receive a token',
      'list the hosts, or leave `hosts` unset to answer any Negotiate challenge',
    );
  }
  const hosts = given.hosts === undefined ? undefined : compileHosts(given.hosts, 'hosts');
  return {
    hosts,
    proxies: given.proxies === undefined ? undefined : compileHosts(given.proxies, 'proxies'),
    proxyMutual: oneOf('proxyMutual', o.proxyMutual, MUTUAL_MODES),
    preemptive: boolean('preemptive', o.preemptive),
    service: nonEmptyString('service', o.service, /^[^@/\s]+$/, "a service name such as 'HTTP'"),
    spn: spn('spn', o.spn),
    mutual: given.mutual === undefined ? undefined : oneOf('mutual', given.mutual, MUTUAL_MODES),
    mechanism: oneOf('mechanism', o.mechanism, MECHANISMS),
    principal:
      given.principal === undefined
        ? undefined
        : nonEmptyString('principal', given.principal, /^\S+$/, "a principal such as 'alice@EXAMPLE.COM'"),
    delegate: resolveDelegate(o.delegate, hosts),
    maxRounds: integer('maxRounds', o.maxRounds, 1, 10),
    timeout: integer('timeout', o.timeout, 1, 600_000),
    maxConcurrentGss: integer('maxConcurrentGss', o.maxConcurrentGss, 1, 64),
    prefetch: boolean('prefetch', o.prefetch),
    canonicalize: oneOf('canonicalize', o.canonicalize, ['none', 'cname'] as const),
    includePort: boolean('includePort', o.includePort),
    allowNtlm: boolean('allowNtlm', o.allowNtlm),
    session: boolean('session', o.session),
  };
}

/**
 * Validates the options of `negotiate()`: the plugin's rules, limited to what one exchange
 * takes (`hosts`, `spn`, `prefetch`… would be accepted by `resolveOptions()` and silently mean
 * nothing here). `delegate` is a plain boolean: there is no host list to match.
 */
export function resolveNegotiateOptions(input: NegotiateOptions = {}): { options: ResolvedOptions; delegate: boolean } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw optionError('options', 'expected an object');
  }
  // Own properties only (a polluted `Object.prototype.delegate` must not count).
  const own = Object.assign(Object.create(null) as object, Object.fromEntries(Object.entries(input)));
  const { delegate, ...rest } = own as NegotiateOptions;
  for (const key of Object.keys(rest)) {
    if (!Object.hasOwn(KNOWN_NEGOTIATE, key))
      throw optionError(key, 'not an option of negotiate() (see docs/options.md)');
  }
  if (delegate !== undefined && typeof delegate !== 'boolean') throw optionError('delegate', 'expected true or false');
  return { options: resolveOptions(rest), delegate: delegate === true };
}

/** No per-request options; no prototype, so nothing is inherited from a polluted one. */
export const NO_REQUEST_OPTIONS: KerberosRequestOptions = Object.freeze(Object.create(null) as KerberosRequestOptions);

/** Validates the per-request `kerberos` key; `false` turns the plugin off for that request. */
export function resolveRequestOptions(value: unknown): KerberosRequestOptions | false {
  if (value === undefined || value === null) return NO_REQUEST_OPTIONS; // most requests: no allocation
  if (value === false) return false;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw optionError('kerberos', 'the per-request `kerberos` key must be false or an object');
  }
  // Own properties only, like the plugin options.
  const v: Record<string, unknown> = withoutUndefined(value as Record<string, unknown>);
  const out = Object.create(null) as KerberosRequestOptions;
  for (const key of Object.keys(v)) {
    if (!Object.hasOwn(KNOWN_REQUEST, key)) {
      throw optionError(`kerberos.${key}`, `unknown per-request option (${Object.keys(KNOWN_REQUEST).join(', ')})`);
    }
  }
  if (v.spn !== undefined) out.spn = checkSpn('kerberos.spn', v.spn);
  if (v.mutual !== undefined) out.mutual = oneOf('kerberos.mutual', v.mutual, MUTUAL_MODES);
  if (v.delegate !== undefined) out.delegate = boolean('kerberos.delegate', v.delegate);
  if (v.preemptive !== undefined) out.preemptive = boolean('kerberos.preemptive', v.preemptive);
  if (v.proxyMutual !== undefined) out.proxyMutual = oneOf('kerberos.proxyMutual', v.proxyMutual, MUTUAL_MODES);
  if (v.session !== undefined) out.session = boolean('kerberos.session', v.session);
  return out;
}

function resolveDelegate(value: unknown, hosts: HostMatcher | undefined): HostMatcher | undefined {
  if (value === false) return undefined;
  if (value === true) {
    if (hosts === undefined) {
      throw optionError(
        'delegate',
        '`delegate: true` forwards your TGT, so it needs `hosts` to say to whom',
        'set `hosts` to the servers that may receive your tickets',
      );
    }
    return hosts;
  }
  const own = compileHosts(value, 'delegate');
  // Delegation is a subset of where tokens go at all.
  return hosts === undefined ? own : { matches: (url) => own.matches(url) && hosts.matches(url) };
}

/** The own properties that are set, on an object with no prototype to inherit from. */
function withoutUndefined<T extends object>(input: T): Partial<T> {
  const own = Object.entries(input).filter(([, value]) => value !== undefined);
  return Object.assign(Object.create(null) as object, Object.fromEntries(own));
}

function boolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw optionError(name, `expected true or false, got ${show(value)}`);
  return value;
}

function integer(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw optionError(name, `expected a whole number from ${min} to ${max}, got ${show(value)}`);
  }
  return value;
}

function nonEmptyString(name: string, value: unknown, pattern: RegExp, expected: string): string {
  if (typeof value !== 'string' || !pattern.test(value))
    throw optionError(name, `expected ${expected}, got ${show(value)}`);
  return value;
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw optionError(name, `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(value)}`);
  }
  return value as T;
}

function spn(name: string, value: unknown): string | ((url: URL) => string) | undefined {
  if (value === undefined || typeof value === 'function') return value as ((url: URL) => string) | undefined;
  return checkSpn(name, value);
}

function show(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `'${value}'`;
    case 'function':
      return 'a function';
    case 'object':
      return value === null ? 'null' : Array.isArray(value) ? 'an array' : 'an object';
    default:
      return String(value);
  }
}
