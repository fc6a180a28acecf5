import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { debug } from '../util/debug';
import { hostForUrl, normalizeHostname } from '../names/hosts';
import type { ResolvedOptions } from '../options';
import { spnForUrl } from '../spn';
import { withTimeout } from './timers';

/** Looks up the CNAME records of a name; `dns.promises.resolveCname` by default. */
export type CnameResolver = (hostname: string) => Promise<string[]>;

/** CNAME chains longer than this are cut (a loop, or a misconfiguration). */
const MAX_CNAME_HOPS = 8;

/**
 * The SPN for a request URL, computed once per origin: the mapping only depends on the
 * options, so the hot path is a Map lookup. With `canonicalize: 'cname'` the host is first
 * followed through its CNAME chain, as Chrome and .NET do, so a service behind an alias or
 * a load balancer name gets the SPN of its real name; answers are kept for `ttlMs`.
 * A function `spn` option is called every time (it may depend on the path).
 */
export class SpnResolver {
  readonly #cache = new Map<string, { spn: string; expires: number }>();

  constructor(
    private readonly options: ResolvedOptions,
    private readonly platform: NodeJS.Platform,
    private readonly resolveCname: CnameResolver = (name) => dns.resolveCname(name),
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 256,
    private readonly now: () => number = Date.now,
  ) {}

  spnFor(url: URL): string | Promise<string> {
    if (typeof this.options.spn === 'function') return this.map(url);
    const cached = this.#cache.get(url.origin);
    if (cached !== undefined && cached.expires > this.now()) return cached.spn;
    if (!this.canonicalizes(url)) return this.remember(url.origin, this.map(url), Infinity);
    return this.explain(url).then(({ spn, chain }) => {
      debug('SPN for %s: %s (canonical name %s)', url.origin, spn, chain?.names.at(-1));
      return this.remember(url.origin, spn, this.now() + this.ttlMs);
    });
  }

  /**
   * What `spnFor` computes for `url`, without the cache, and the CNAME chain it followed
   * (`chain` is set only with `canonicalize: 'cname'`, no `spn` and a host name): for
   * diagnostics such as `axios-kerberos doctor`, which must show the SPN the plugin uses.
   */
  async explain(url: URL): Promise<{ spn: string; chain?: CnameChain }> {
    if (!this.canonicalizes(url)) return { spn: this.map(url) };
    // A DNS server that does not answer must not hold the request longer than GSS may.
    const timeout = this.options.timeout;
    const chain = await followCnames(normalizeHostname(url), (name) =>
      withTimeout(this.resolveCname(name), timeout, () =>
        // A lookup that never answers ends the chain like a failed one.
        Object.assign(new Error(`CNAME lookup timed out after ${timeout} ms`), { code: 'ETIMEOUT' }),
      ),
    );
    const host = chain.names[chain.names.length - 1] as string;
    const canonicalUrl = new URL(url.href);
    canonicalUrl.hostname = hostForUrl(host);
    return { spn: this.map(canonicalUrl), chain };
  }

  /** A fixed `spn` makes the host irrelevant, and an IP address has no CNAME records. */
  private canonicalizes(url: URL): boolean {
    return (
      this.options.canonicalize === 'cname' && this.options.spn === undefined && isIP(normalizeHostname(url)) === 0
    );
  }

  private map(url: URL): string {
    const { service, spn, includePort } = this.options;
    return spnForUrl(url, { service, spn, includePort, platform: this.platform });
  }

  private remember(origin: string, spn: string, expires: number): string {
    if (this.#cache.size >= this.maxEntries) this.#cache.clear();
    this.#cache.set(origin, { spn, expires });
    return spn;
  }
}

/** A host followed through its CNAME records by `followCnames`. */
export interface CnameChain {
  /** The host, then each name it is an alias for, in order: the last one is the canonical name. */
  names: string[];
  /**
   * The error of the lookup that ended the chain: Node's ENODATA or ENOTFOUND when the last
   * name has no CNAME record, anything else when the lookup failed. The last name is kept
   * either way. Undefined when an empty answer ended the chain, or it was cut.
   */
  error?: unknown;
  /** True when the chain was cut after `MAX_CNAME_HOPS` lookups (a loop, or a misconfiguration). */
  cut: boolean;
}

/** Follows CNAME records; a name without one (or a failed lookup) is its own canonical name. */
async function followCnames(host: string, resolveCname: CnameResolver): Promise<CnameChain> {
  const names = [host];
  for (let hop = 0; hop < MAX_CNAME_HOPS; hop++) {
    let next: string | undefined;
    try {
      next = (await resolveCname(names[names.length - 1] as string))[0];
    } catch (error) {
      return { names, error, cut: false }; // ENODATA / ENOTFOUND: not an alias
    }
    if (next === undefined || next === '') return { names, cut: false };
    names.push(next.replace(/\.$/, '').toLowerCase());
  }
  return { names, cut: true };
}
