import { compileHosts, normalizeHostname } from '../../lib/names/hosts';
import type { HostPattern } from '../../lib/options';

const matches = (patterns: HostPattern | readonly HostPattern[], url: string) =>
  compileHosts(patterns, 'hosts').matches(new URL(url));

describe('host allowlist', () => {
  it('matches an exact host name case-insensitively, whatever the port or path', () => {
    expect(matches('API.example.com', 'https://api.example.com:8443/x')).toBe(true);
    expect(matches('api.example.com', 'https://api.example.com.evil.test/')).toBe(false);
    expect(matches('api.example.com', 'https://xapi.example.com/')).toBe(false);
  });

  it('matches subdomains at any depth with *.suffix, but not the suffix itself', () => {
    expect(matches('*.corp.example.com', 'http://a.corp.example.com/')).toBe(true);
    expect(matches('*.corp.example.com', 'http://a.b.corp.example.com/')).toBe(true);
    expect(matches('*.corp.example.com', 'http://corp.example.com/')).toBe(false);
    expect(matches('*.corp.example.com', 'http://evilcorp.example.com/')).toBe(false);
  });

  it('matches IPv6 literals and internationalised names in their normal form', () => {
    expect(matches('::1', 'http://[::1]:8080/')).toBe(true);
    expect(matches('bücher.example', 'http://xn--bcher-kva.example/')).toBe(true);
    expect(matches('host.example', 'http://host.example./')).toBe(true);
  });

  it('tests a RegExp against the host name, ignoring global state', () => {
    const regexp = /^api\d\.example\.com$/g;
    expect(matches(regexp, 'http://api1.example.com/')).toBe(true);
    expect(matches(regexp, 'http://api1.example.com/')).toBe(true);
    expect(matches(regexp, 'http://api.example.com/')).toBe(false);
  });

  it('calls a function with the URL and only accepts true', () => {
    expect(matches((url) => url.port === '8080', 'http://x:8080/')).toBe(true);
    expect(matches((() => 'yes') as unknown as () => boolean, 'http://x/')).toBe(false);
  });

  it('rejects invalid entries, naming the option', () => {
    expect(() => compileHosts(['http://x.example/'], 'hosts')).toThrow(/`hosts`/);
    expect(() => compileHosts(['*'], 'hosts')).toThrow(/ERR|not a host/);
    expect(() => compileHosts([42 as unknown as string], 'delegate')).toThrow(/`delegate`.*a number/);
    expect(() => compileHosts(['host:8080'], 'hosts')).toThrow(/not a valid host/);
  });

  it('normalises host names for SPNs', () => {
    expect(normalizeHostname(new URL('http://[FE80::1]/'))).toBe('fe80::1');
    expect(normalizeHostname(new URL('http://Example.COM./'))).toBe('example.com');
  });
});
