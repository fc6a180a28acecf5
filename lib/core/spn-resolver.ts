import { promises as dns } from 'node:dns';
import { debug } from '../debug';
import { normalizeHostname } from '../hosts';
import type { ResolvedOptions } from '../options';
import { spnForUrl } from '../spn';

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
    if (this.options.canonicalize !== 'cname') return this.remember(url.origin, this.map(url), Infinity);
    return this.canonical(normalizeHostname(url)).then((host) => {
      const canonicalUrl = new URL(url.href);
      canonicalUrl.hostname = host.includes(':') ? `[${host}]` : host;
      const spn = this.map(canonicalUrl);
      debug('SPN for %s: %s (canonical name %s)', url.origin, spn, host);
      return this.remember(url.origin, spn, this.now() + this.ttlMs);
    });
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

  /** Follows CNAME records; a name without one (or a failed lookup) is its own canonical name. */
  private async canonical(host: string): Promise<string> {
    let name = host;
    for (let hop = 0; hop < MAX_CNAME_HOPS; hop++) {
      let next: string | undefined;
      try {
        next = (await this.resolveCname(name))[0];
      } catch {
        next = undefined; // ENODATA / ENOTFOUND: not an alias
      }
      if (next === undefined || next === '') break;
      name = next.replace(/\.$/, '').toLowerCase();
    }
    return name;
  }
}
