import { SpnResolver } from '../../lib/core/spn-resolver';
import { resolveOptions, type KerberosAuthOptions } from '../../lib/options';

function resolver(options: KerberosAuthOptions, records: Record<string, string> = {}, now = () => 0) {
  const lookups: string[] = [];
  const resolveCname = (name: string) => {
    lookups.push(name);
    const target = records[name];
    if (target === undefined)
      return Promise.reject(Object.assign(new Error('queryCname ENODATA'), { code: 'ENODATA' }));
    return Promise.resolve([target]);
  };
  return { spns: new SpnResolver(resolveOptions(options), 'linux', resolveCname, 1000, 256, now), lookups };
}

describe('SpnResolver', () => {
  it('maps the URL host without any DNS lookup by default, once per origin', async () => {
    const { spns, lookups } = resolver({}, { 'alias.example': 'real.example' });
    expect(await spns.spnFor(new URL('http://alias.example/a'))).toBe('HTTP@alias.example');
    expect(spns.spnFor(new URL('http://alias.example/b'))).toBe('HTTP@alias.example'); // cached: no promise
    expect(lookups).toEqual([]);
  });

  it("follows a CNAME chain with canonicalize: 'cname'", async () => {
    const { spns } = resolver(
      { canonicalize: 'cname' },
      { 'api.example': 'lb.example.', 'lb.example': 'Node7.Example' },
    );
    expect(await spns.spnFor(new URL('https://api.example/x'))).toBe('HTTP@node7.example');
  });

  it('keeps the name when it has no CNAME or the lookup fails', async () => {
    const { spns } = resolver({ canonicalize: 'cname' });
    expect(await spns.spnFor(new URL('https://plain.example/'))).toBe('HTTP@plain.example');
  });

  it('caches canonical names for the TTL, then looks them up again', async () => {
    let time = 0;
    const { spns, lookups } = resolver({ canonicalize: 'cname' }, { 'a.example': 'b.example' }, () => time);
    await spns.spnFor(new URL('http://a.example/'));
    await spns.spnFor(new URL('http://a.example/'));
    expect(lookups).toEqual(['a.example', 'b.example']);
    time = 2000;
    await spns.spnFor(new URL('http://a.example/'));
    expect(lookups).toHaveLength(4);
  });

  it('stops a CNAME loop', async () => {
    const { spns } = resolver({ canonicalize: 'cname' }, { 'a.example': 'b.example', 'b.example': 'a.example' });
    expect(await spns.spnFor(new URL('http://a.example/'))).toMatch(/^HTTP@[ab]\.example$/);
  });

  it('adds a non-default port with includePort', async () => {
    const { spns } = resolver({ includePort: true });
    expect(await spns.spnFor(new URL('http://h.example:8080/'))).toBe('HTTP@h.example:8080');
    expect(await spns.spnFor(new URL('http://h.example/'))).toBe('HTTP@h.example');
  });

  it('calls a function spn for every URL', async () => {
    const { spns } = resolver({ spn: (url) => `HTTP@${url.pathname.slice(1)}.example` });
    expect(await spns.spnFor(new URL('http://h.example/one'))).toBe('HTTP@one.example');
    expect(await spns.spnFor(new URL('http://h.example/two'))).toBe('HTTP@two.example');
  });

  it('looks nothing up for a fixed spn or an IP address', async () => {
    const fixed = resolver({ canonicalize: 'cname', spn: 'HTTP@real.example' }, { 'a.example': 'b.example' });
    expect(await fixed.spns.spnFor(new URL('http://a.example/'))).toBe('HTTP@real.example');
    const ip = resolver({ canonicalize: 'cname' });
    expect(await ip.spns.spnFor(new URL('http://127.0.0.1:8080/'))).toBe('HTTP@127.0.0.1');
    expect(await ip.spns.spnFor(new URL('http://[::1]/'))).toBe('HTTP@::1');
    expect([...fixed.lookups, ...ip.lookups]).toEqual([]);
  });

  it('gives up on a CNAME lookup that never answers after `timeout`, keeping the name', async () => {
    const hanging = () => new Promise<string[]>(() => undefined);
    const spns = new SpnResolver(resolveOptions({ canonicalize: 'cname', timeout: 30 }), 'linux', hanging);
    const started = Date.now();
    expect(await spns.spnFor(new URL('http://slow-dns.example/'))).toBe('HTTP@slow-dns.example');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
