import { checkCredentialCache, type CredentialCacheInput } from '../../lib/cli/doctor/credential-cache';
import { checkKrb5Config } from '../../lib/cli/doctor/krb5-config';
import { checkServicePrincipal, onceEach } from '../../lib/cli/doctor/service-principal';
import { parseKlist, type KlistResult } from '../../lib/cli/klist';
import { parseKrb5Conf } from '../../lib/cli/krb5-conf';
import type { Krb5ConfigSource } from '../../lib/cli/krb5-conf-files';
import { type CliAuthOptions, pluginOptions } from '../../lib/cli/auth-options';
import { SpnResolver } from '../../lib/core/spn-resolver';
import { resolveOptions } from '../../lib/options';
import { dnsError, fakeCnames } from './fake-realm';

const conf = parseKrb5Conf('[libdefaults]\ndefault_realm = AK.TEST\n[domain_realm]\nlocalhost = AK.TEST\n');

describe('the krb5 configuration check', () => {
  const source = (over: Partial<Krb5ConfigSource>): Krb5ConfigSource => ({
    paths: ['/r/krb5.conf'],
    origin: 'KRB5_CONFIG',
    missing: [],
    conf,
    ...over,
  });

  it('names the file, where it came from, and the default realm', () => {
    const step = checkKrb5Config(source({}), 'linux');
    expect(step).toEqual({
      name: 'krb5-config',
      ok: true,
      detail: '/r/krb5.conf (from KRB5_CONFIG), default realm AK.TEST',
    });
  });

  it('fails when KRB5_CONFIG names a missing file, saying to fix the variable', () => {
    const step = checkKrb5Config(source({ missing: ['/r/krb5.conf'] }), 'linux');
    expect(step.ok).toBe(false);
    expect(step.fix).toMatch(/KRB5_CONFIG/);
  });

  it('fails without /etc/krb5.conf on Linux, saying what to install; passes on macOS and Windows', () => {
    const missing = source({ paths: ['/etc/krb5.conf'], origin: 'default', missing: ['/etc/krb5.conf'] });
    const linux = checkKrb5Config(missing, 'linux');
    expect(linux.ok).toBe(false);
    expect(linux.fix).toMatch(/krb5-user/);
    expect(checkKrb5Config(missing, 'darwin').ok).toBe(true);
    const windows = checkKrb5Config(missing, 'win32');
    expect(windows.ok).toBe(true);
    expect(windows.detail).toMatch(/SSPI/);
  });

  it('says when there is no default realm', () => {
    const step = checkKrb5Config(source({ conf: parseKrb5Conf('') }), 'linux');
    expect(step.ok).toBe(true);
    expect(step.detail).toMatch(/no default_realm/);
  });
});

describe('the credential cache check', () => {
  const now = new Date(2026, 10, 29, 5, 0, 0);
  const listing = (text: string) => parseKlist(text);
  const VALID = `Ticket cache: FILE:/r/ccache
Default principal: alice@AK.TEST

Valid starting     Expires            Service principal
11/29/26 04:28:41  11/29/26 14:28:41  krbtgt/AK.TEST@AK.TEST
`;
  const EXPIRED = VALID.replace('11/29/26 14:28:41', '11/29/26 04:28:46');
  const input = (klist: KlistResult, over: Partial<CredentialCacheInput> = {}): CredentialCacheInput => ({
    klist,
    env: {},
    conf,
    principal: undefined,
    now,
    platform: 'linux',
    uid: 1000,
    ...over,
  });

  it('shows the cache, the principal and when the TGT expires', () => {
    const step = checkCredentialCache(input({ available: true, listing: listing(VALID), valid: true, message: '' }));
    expect(step.ok).toBe(true);
    expect(step.detail).toBe(
      'FILE:/r/ccache: alice@AK.TEST, ticket-granting ticket krbtgt/AK.TEST@AK.TEST valid until 2026-11-29 14:28:41 (in 9 h 28 min)',
    );
  });

  it('warns when the ticket is about to expire, and when --principal is not the default one', () => {
    const soon = input(
      { available: true, listing: listing(VALID), valid: true, message: '' },
      { now: new Date(2026, 10, 29, 14, 27, 0), principal: 'bob@AK.TEST' },
    );
    const step = checkCredentialCache(soon);
    expect(step.detail).toMatch(/expires soon, run `kinit` again/);
    expect(step.detail).toMatch(/--principal bob@AK.TEST is not the default principal/);
  });

  it('fails with ERR_KERBEROS_NO_CREDENTIALS and a kinit fix for a missing cache', () => {
    const step = checkCredentialCache(
      input(
        { available: true, listing: listing(''), valid: false, message: 'No credentials cache found (filename: /x)' },
        { env: { KRB5CCNAME: 'FILE:/x' } },
      ),
    );
    expect(step).toMatchObject({ ok: false, code: 'ERR_KERBEROS_NO_CREDENTIALS' });
    expect(step.fix).toMatch(/kinit/);
    expect(step.detail).toBe('FILE:/x (KRB5CCNAME): No credentials cache found (filename: /x)');
  });

  it('fails with ERR_KERBEROS_EXPIRED naming the principal to kinit', () => {
    const step = checkCredentialCache(input({ available: true, listing: listing(EXPIRED), valid: false, message: '' }));
    expect(step).toMatchObject({ ok: false, code: 'ERR_KERBEROS_EXPIRED' });
    expect(step.detail).toMatch(/expired at 2026-11-29 04:28:46 \(31 min ago\)/);
    expect(step.fix).toMatch(/kinit alice@AK.TEST/);
  });

  it('passes without a ticket when a client keytab (KRB5_CLIENT_KTNAME) can provide one', () => {
    const step = checkCredentialCache(
      input(
        { available: true, listing: listing(''), valid: false, message: '' },
        { env: { KRB5_CLIENT_KTNAME: '/k' } },
      ),
    );
    expect(step.ok).toBe(true);
    expect(step.detail).toMatch(/KRB5_CLIENT_KTNAME=\/k/);
  });

  it('says so when klist is not installed, naming the cache it would use', () => {
    expect(checkCredentialCache(input({ available: false })).detail).toMatch(
      /^FILE:\/tmp\/krb5cc_1000 \(default\): klist not found/,
    );
    const fromConf = input(
      { available: false },
      { conf: parseKrb5Conf('[libdefaults]\ndefault_ccache_name = KCM:\n') },
    );
    expect(checkCredentialCache(fromConf).detail).toMatch(/^KCM: \(default_ccache_name\)/);
  });
});

describe('the service principal check', () => {
  const base: CliAuthOptions = { mechanism: 'spnego', timeout: 2000 };
  const exampleConf = parseKrb5Conf('[libdefaults]\ndefault_realm = AK.TEST\n[domain_realm]\n.example = EX.TEST\n');
  const check = (
    url: string,
    over: Partial<CliAuthOptions> = {},
    dns = fakeCnames(),
    platform: NodeJS.Platform = 'linux',
  ) =>
    checkServicePrincipal({
      url: new URL(url),
      options: { ...base, ...over },
      platform,
      conf: exampleConf,
      resolveCname: dns,
    });

  it('maps the URL host, leaving the port out, and shows the principal and its realm', async () => {
    const dns = fakeCnames({ localhost: 'elsewhere.example' });
    const { step, spn, host } = await checkServicePrincipal({
      url: new URL('http://LocalHost:8080/x'),
      options: base,
      platform: 'linux',
      conf,
      resolveCname: dns,
    });
    expect(spn).toBe('HTTP@localhost');
    expect(host).toBe('localhost');
    expect(step.ok).toBe(true);
    expect(step.detail).toMatch(
      /^HTTP@localhost: mapped from the URL host localhost; port 8080 left out as browsers and curl do \(--include-port adds it\); /,
    );
    expect(step.detail).toMatch(/principal HTTP\/localhost@AK.TEST \(\[domain_realm\] localhost\)/);
    expect(step.detail).toMatch(/on Windows: HTTP\/localhost/);
    expect(dns.lookups).toEqual([]); // --canonicalize none: no DNS
  });

  it('uses --spn over the host, in the platform form, and says the SPN options do not apply to it', async () => {
    const { spn, step } = await checkServicePrincipal({
      url: new URL('http://alias.example.test/'),
      options: { ...base, spn: 'HTTP/real.example.test' },
      platform: 'linux',
      conf,
      resolveCname: fakeCnames(),
    });
    expect(spn).toBe('HTTP@real.example.test');
    expect(step.detail).toMatch(/from --spn HTTP\/real.example.test \(the URL host alias.example.test is not used\)/);
    expect(step.detail).toMatch(/no \[domain_realm\] entry for real.example.test/);

    const both = await check('http://alias.example:8443/', {
      spn: 'HTTP@real.example',
      canonicalize: 'cname',
      includePort: true,
    });
    expect(both.spn).toBe('HTTP@real.example');
    expect(both.step.detail).toMatch(
      /^HTTP@real.example: from --spn HTTP@real.example \(the URL host alias.example is not used; --canonicalize cname and --include-port do not apply to it\); principal/,
    );
  });

  it('gives the SSPI form on Windows and notes IP-address hosts', async () => {
    const { spn, step } = await checkServicePrincipal({
      url: new URL('http://127.0.0.1/'),
      options: base,
      platform: 'win32',
      conf,
      resolveCname: fakeCnames(),
    });
    expect(spn).toBe('HTTP/127.0.0.1');
    expect(step.detail).toMatch(/SSPI/);
    expect(step.detail).toMatch(/IP address/);
  });

  describe('--canonicalize cname (fake resolver)', () => {
    it('says the URL host is a CNAME for the name in the SPN', async () => {
      const { spn, host, step } = await check(
        'https://api.example/x',
        { canonicalize: 'cname' },
        fakeCnames({ 'api.example': 'node7.example.' }),
      );
      expect(spn).toBe('HTTP@node7.example');
      expect(host).toBe('api.example'); // still the host the token may go to
      expect(step.detail).toBe(
        'HTTP@node7.example: api.example is a CNAME for node7.example (--canonicalize cname); ' +
          'principal HTTP/node7.example@EX.TEST ([domain_realm] .example); ' +
          'in the service@host form GSS-API wants on linux (on Windows: HTTP/node7.example)',
      );
    });

    it('follows a CNAME chain to its end, naming the names in between', async () => {
      const dns = fakeCnames({ 'api.example': 'lb.example.', 'lb.example': 'Node7.Example' });
      const { spn, step } = await check('https://api.example/x', { canonicalize: 'cname' }, dns);
      expect(spn).toBe('HTTP@node7.example');
      expect(step.detail).toMatch(
        /^HTTP@node7.example: api.example is a CNAME for node7.example via lb.example \(--canonicalize cname\); /,
      );
      expect(dns.lookups).toEqual(['api.example', 'lb.example', 'node7.example']);
    });

    it('keeps the URL host when it has no CNAME record (ENODATA, ENOTFOUND)', async () => {
      const plain = await check('https://plain.example/', { canonicalize: 'cname' });
      expect(plain.spn).toBe('HTTP@plain.example');
      expect(plain.step.detail).toMatch(
        /^HTTP@plain.example: mapped from the URL host plain.example, which has no CNAME record \(--canonicalize cname\); /,
      );
      const missing = await check(
        'https://gone.example/',
        { canonicalize: 'cname' },
        fakeCnames({ 'gone.example': dnsError('ENOTFOUND', 'gone.example') }),
      );
      expect(missing.step.detail).toMatch(
        /^HTTP@gone.example: mapped from the URL host gone.example, which has no CNAME record/,
      );
    });

    it('says when a lookup fails and which name the plugin then uses', async () => {
      const timeout = await check(
        'https://api.example/',
        { canonicalize: 'cname' },
        fakeCnames({ 'api.example': dnsError('ETIMEOUT', 'api.example') }),
      );
      expect(timeout.spn).toBe('HTTP@api.example');
      expect(timeout.step).toMatchObject({ ok: true });
      expect(timeout.step.detail).toMatch(
        /^HTTP@api.example: mapped from the URL host api.example; the CNAME lookup of api.example failed \(ETIMEOUT\), so api.example is used as the plugin does \(--canonicalize cname\); /,
      );
      const midway = await check(
        'https://api.example/',
        { canonicalize: 'cname' },
        fakeCnames({ 'api.example': 'lb.example', 'lb.example': new Error('resolver exploded') }),
      );
      expect(midway.spn).toBe('HTTP@lb.example');
      expect(midway.step.detail).toMatch(
        /^HTTP@lb.example: api.example is a CNAME for lb.example; the CNAME lookup of lb.example failed \(resolver exploded\), so lb.example is used/,
      );
    });

    it('says when a CNAME loop or a too long chain is cut, and which name the plugin then uses', async () => {
      const loop = await check(
        'http://a.example/',
        { canonicalize: 'cname' },
        fakeCnames({ 'a.example': 'b.example', 'b.example': 'a.example' }),
      );
      expect(loop.spn).toBe('HTTP@a.example');
      expect(loop.step.detail).toMatch(
        /^HTTP@a.example: a.example leads into a CNAME loop \(a.example → b.example → a.example\), cut after 8 records, so a.example is used as the plugin does \(--canonicalize cname\); /,
      );
      const records = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`n${i}.example`, `n${i + 1}.example`]));
      const long = await check('http://n0.example/', { canonicalize: 'cname' }, fakeCnames(records));
      expect(long.spn).toBe('HTTP@n8.example');
      expect(long.step.detail).toMatch(
        /^HTTP@n8.example: the CNAME chain of n0.example was cut after 8 records, so n8.example is used as the plugin does/,
      );
    });

    it('gives the SPN the plugin computes with the same options and resolver', async () => {
      const records = { 'api.example': 'lb.example', 'lb.example': 'node7.example' };
      for (const over of [
        {},
        { canonicalize: 'cname' as const },
        { includePort: true },
        { canonicalize: 'cname' as const, includePort: true },
      ]) {
        for (const url of ['https://api.example/', 'https://api.example:8443/', 'http://API.example:80/']) {
          const options = { ...base, ...over };
          const { spn } = await check(url, options, fakeCnames(records));
          const plugin = new SpnResolver(
            resolveOptions(pluginOptions('api.example', options)),
            'linux',
            fakeCnames(records),
          );
          expect(spn).toBe(await plugin.spnFor(new URL(url)));
        }
      }
    });
  });

  describe('--include-port', () => {
    it('adds a non-default port, mapping the realm from the host without it', async () => {
      const { spn, step } = await check('https://h.example:8443/', { includePort: true });
      expect(spn).toBe('HTTP@h.example:8443');
      expect(step.detail).toMatch(
        /^HTTP@h.example:8443: mapped from the URL host h.example; port 8443 included \(--include-port\); principal HTTP\/h.example:8443@EX.TEST \(\[domain_realm\] .example\); /,
      );
    });

    it('says there is no port to add for a default port', async () => {
      const { spn, step } = await check('https://h.example:443/', { includePort: true });
      expect(spn).toBe('HTTP@h.example');
      expect(step.detail).toMatch(
        /^HTTP@h.example: mapped from the URL host h.example; no port in the URL \(default port for https:\), so none added; /,
      );
    });

    it('combines with --canonicalize cname: the canonical name with the URL port', async () => {
      const { spn, step } = await check(
        'https://api.example:8443/',
        { canonicalize: 'cname', includePort: true },
        fakeCnames({ 'api.example': 'node7.example' }),
      );
      expect(spn).toBe('HTTP@node7.example:8443');
      expect(step.detail).toMatch(
        /^HTTP@node7.example:8443: api.example is a CNAME for node7.example \(--canonicalize cname\); port 8443 included \(--include-port\); /,
      );
    });
  });

  it('lists the options that would give another SPN when the service ticket check fails', async () => {
    expect((await check('https://h.example:8443/')).alternatives).toBe(
      '--spn <the registered name>, --canonicalize cname for an alias, --include-port for an SPN with the port',
    );
    expect((await check('https://h.example/', { canonicalize: 'cname' })).alternatives).toBe(
      '--spn <the registered name>',
    );
    const both = await check(
      'https://api.example:8443/',
      { canonicalize: 'cname', includePort: true },
      fakeCnames({ 'api.example': 'node7.example' }),
    );
    expect(both.alternatives).toBe(
      '--spn <the registered name>, no --canonicalize for the URL host api.example, no --include-port for the SPN without the port',
    );
    const fixed = await check('https://api.example:8443/', { spn: 'HTTP@x.example', includePort: true });
    expect(fixed.alternatives).toBe('--spn <the registered name>');
  });
});

describe('onceEach', () => {
  it('asks DNS once per name and gives every caller the first answer', async () => {
    let calls = 0;
    const flapping = onceEach((name) => Promise.resolve([`node${++calls}.${name}`]));
    expect(await flapping('lb.example')).toEqual(['node1.lb.example']);
    expect(await flapping('lb.example')).toEqual(['node1.lb.example']);
    expect(await flapping('other.example')).toEqual(['node2.other.example']);
    expect(calls).toBe(2);
  });

  it('keeps a failure as the answer too', async () => {
    let calls = 0;
    const failing = onceEach((name) => {
      calls++;
      return Promise.reject(dnsError('ENODATA', name));
    });
    await expect(failing('x.example')).rejects.toMatchObject({ code: 'ENODATA' });
    await expect(failing('x.example')).rejects.toMatchObject({ code: 'ENODATA' });
    expect(calls).toBe(1);
  });
});
