import { optionError } from '../errors/option-error';

/** A compiled allowlist: `matches(url)` is cheap, patterns were validated once. */
export interface HostMatcher {
  matches(url: URL): boolean;
}

/**
 * The host name as SPNs and allowlists see it: lower case (URL does it), IPv6 without
 * brackets, internationalised names in their ASCII (punycode) form (URL does it), and
 * no trailing dot, since `host.example.` and `host.example` are the same host to DNS
 * but the service principal is registered without the dot.
 */
export function normalizeHostname(url: URL): string {
  let host = url.hostname;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.endsWith('.')) host = host.slice(0, -1);
  return host;
}

/**
 * Compiles host patterns (a `HostPattern` or a list of them) once, so the per-request check is
 * a set lookup plus a few suffix tests. Throws `ERR_KERBEROS_OPTIONS` naming `option` for an
 * invalid entry: the caller's input is checked here, so it is taken as `unknown`.
 */
export function compileHosts(patterns: unknown, option: string): HostMatcher {
  const list: readonly unknown[] = Array.isArray(patterns) ? patterns : [patterns];
  const exact = new Set<string>();
  const suffixes: string[] = [];
  const tests: ((url: URL, host: string) => boolean)[] = [];
  for (const pattern of list) {
    if (typeof pattern === 'string') {
      if (pattern.startsWith('*.')) suffixes.push('.' + hostOf(pattern.slice(2), option));
      else exact.add(hostOf(pattern, option));
    } else if (pattern instanceof RegExp) {
      // A global or sticky RegExp keeps state in lastIndex between calls; copy without those flags.
      const regexp = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
      tests.push((_url, host) => regexp.test(host));
    } else if (typeof pattern === 'function') {
      const fn = pattern as (url: URL) => unknown;
      tests.push((url) => fn(url) === true);
    } else {
      throw optionError(
        option,
        `an entry is ${describe(pattern)}; expected a host name, '*.suffix', a RegExp or a function`,
      );
    }
  }
  return {
    matches(url: URL): boolean {
      const host = normalizeHostname(url);
      if (exact.has(host)) return true;
      if (suffixes.some((suffix) => host.endsWith(suffix))) return true;
      return tests.some((test) => test(url, host));
    },
  };
}

/** A host as a URL spells it: an IPv6 address in brackets (RFC 3986 section 3.2.2), others as they are. */
export function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function hostOf(name: string, option: string): string {
  if (name === '' || /[/\s@?#]/.test(name) || name.includes('*')) {
    throw optionError(option, `'${name}' is not a host name (use 'host.example.com' or '*.example.com')`);
  }
  try {
    return normalizeHostname(new URL(`http://${hostForUrl(name)}`));
  } catch {
    throw optionError(option, `'${name}' is not a valid host name`);
  }
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
