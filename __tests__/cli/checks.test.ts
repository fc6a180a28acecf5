import { checkCredentialCache, type CredentialCacheInput } from '../../lib/cli/doctor/credential-cache';
import { checkKrb5Config } from '../../lib/cli/doctor/krb5-config';
import { checkServicePrincipal } from '../../lib/cli/doctor/service-principal';
import { parseKlist, type KlistResult } from '../../lib/cli/klist';
import { parseKrb5Conf } from '../../lib/cli/krb5-conf';
import type { Krb5ConfigSource } from '../../lib/cli/krb5-conf-files';

const conf = parseKrb5Conf('[libdefaults]\ndefault_realm = AK.TEST\n[domain_realm]\nlocalhost = AK.TEST\n');

describe('check 1: krb5 configuration', () => {
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
    expect(checkKrb5Config(missing, 'linux')).toMatchObject({ ok: false, fix: expect.stringMatching(/krb5-user/) });
    expect(checkKrb5Config(missing, 'darwin').ok).toBe(true);
    expect(checkKrb5Config(missing, 'win32')).toMatchObject({ ok: true, detail: expect.stringMatching(/SSPI/) });
  });

  it('says when there is no default realm', () => {
    const step = checkKrb5Config(source({ conf: parseKrb5Conf('') }), 'linux');
    expect(step).toMatchObject({ ok: true, detail: expect.stringMatching(/no default_realm/) });
  });
});

describe('check 2: credential cache', () => {
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
    expect(step).toMatchObject({ ok: false, code: 'ERR_KERBEROS_NO_CREDENTIALS', fix: expect.stringMatching(/kinit/) });
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
    expect(step).toMatchObject({ ok: true, detail: expect.stringMatching(/KRB5_CLIENT_KTNAME=\/k/) });
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

describe('check 3: service principal', () => {
  it('maps the URL host, leaving the port out, and shows the principal and its realm', () => {
    const { step, spn, host } = checkServicePrincipal({
      url: new URL('http://LocalHost:8080/x'),
      spn: undefined,
      platform: 'linux',
      conf,
    });
    expect(spn).toBe('HTTP@localhost');
    expect(host).toBe('localhost');
    expect(step.ok).toBe(true);
    expect(step.detail).toMatch(
      /^HTTP@localhost: mapped from the URL host localhost \(service HTTP, port 8080 left out/,
    );
    expect(step.detail).toMatch(/principal HTTP\/localhost@AK.TEST \(\[domain_realm\] localhost\)/);
    expect(step.detail).toMatch(/on Windows: HTTP\/localhost/);
  });

  it('uses --spn over the host, in the platform form', () => {
    const { spn, step } = checkServicePrincipal({
      url: new URL('http://alias.example.test/'),
      spn: 'HTTP/real.example.test',
      platform: 'linux',
      conf,
    });
    expect(spn).toBe('HTTP@real.example.test');
    expect(step.detail).toMatch(/from --spn HTTP\/real.example.test/);
    expect(step.detail).toMatch(/no \[domain_realm\] entry for real.example.test/);
  });

  it('gives the SSPI form on Windows and notes IP-address hosts', () => {
    const { spn, step } = checkServicePrincipal({
      url: new URL('http://127.0.0.1/'),
      spn: undefined,
      platform: 'win32',
      conf,
    });
    expect(spn).toBe('HTTP/127.0.0.1');
    expect(step.detail).toMatch(/SSPI/);
    expect(step.detail).toMatch(/IP address/);
  });
});
