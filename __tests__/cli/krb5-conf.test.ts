import { mergeKrb5Conf, parseKrb5Conf, realmForHost } from '../../lib/cli/krb5-conf';
import { type ConfigFs, krb5ConfigPaths, loadKrb5Config } from '../../lib/cli/krb5-conf-files';

const CONF = `# a comment
; another comment
includedir /etc/krb5.conf.d/

[libdefaults]
    default_realm = AK.TEST
    default_ccache_name = KEYRING:persistent:%{uid}
    dns_lookup_kdc = false
    default_realm = IGNORED.TEST

[realms]
    AK.TEST = {
        kdc = 127.0.0.1:88
        default_realm = NOT.THIS
        auth_to_local = {
            nested = yes
        }
    }

[domain_realm]
    localhost = AK.TEST
    .Example.Test = AK.TEST
    other.example.test = OTHER.TEST
`;

describe('parseKrb5Conf', () => {
  const conf = parseKrb5Conf(CONF);

  it('reads default_realm from [libdefaults], first value winning as in MIT profiles', () => {
    expect(conf.defaultRealm).toBe('AK.TEST');
    expect(conf.defaultCcacheName).toBe('KEYRING:persistent:%{uid}');
  });

  it('skips relations inside { } blocks', () => {
    expect(conf.defaultRealm).not.toBe('NOT.THIS');
    expect(conf.domainRealm.has('nested')).toBe(false);
  });

  it('reads [domain_realm] with lower-cased names and records include directives', () => {
    expect([...conf.domainRealm]).toEqual([
      ['localhost', 'AK.TEST'],
      ['.example.test', 'AK.TEST'],
      ['other.example.test', 'OTHER.TEST'],
    ]);
    expect(conf.includes).toEqual([{ kind: 'dir', path: '/etc/krb5.conf.d/' }]);
  });

  it('has no default realm when [libdefaults] does not set one', () => {
    expect(parseKrb5Conf('[libdefaults]\n dns_lookup_realm = true\n').defaultRealm).toBeUndefined();
    expect(parseKrb5Conf('').defaultRealm).toBeUndefined();
  });

  it('accepts final markers (*) on sections and values', () => {
    expect(parseKrb5Conf('[libdefaults]*\n default_realm = FINAL.TEST*\n').defaultRealm).toBe('FINAL.TEST');
  });
});

describe('realmForHost', () => {
  const conf = parseKrb5Conf(CONF);

  it('prefers the exact host, then the longest .domain suffix', () => {
    expect(realmForHost(conf, 'localhost')).toEqual({ realm: 'AK.TEST', entry: 'localhost' });
    expect(realmForHost(conf, 'other.example.test')).toEqual({ realm: 'OTHER.TEST', entry: 'other.example.test' });
    expect(realmForHost(conf, 'www.Example.test')).toEqual({ realm: 'AK.TEST', entry: '.example.test' });
  });

  it('gives nothing for unmapped hosts (a bare domain entry does not cover subdomains)', () => {
    expect(realmForHost(conf, 'example.org')).toBeUndefined();
    expect(realmForHost(parseKrb5Conf('[domain_realm]\nexample.test = X\n'), 'a.example.test')).toBeUndefined();
  });
});

describe('loadKrb5Config', () => {
  function fakeFs(files: Record<string, string>): ConfigFs {
    return {
      read: (path) => files[path],
      list: (dir) =>
        Object.keys(files)
          .filter((path) => path.startsWith(dir + '/'))
          .map((path) => path.slice(dir.length + 1)),
    };
  }

  it('uses KRB5_CONFIG, a colon-separated list where the first file wins, and lists missing files', () => {
    const fs = fakeFs({
      '/a.conf': '[libdefaults]\ndefault_realm = A.TEST\n',
      '/b.conf': '[libdefaults]\ndefault_realm = B.TEST\n',
    });
    const source = loadKrb5Config({ KRB5_CONFIG: '/missing.conf:/a.conf:/b.conf' }, fs);
    expect(source.origin).toBe('KRB5_CONFIG');
    expect(source.missing).toEqual(['/missing.conf']);
    expect(source.conf.defaultRealm).toBe('A.TEST');
  });

  it('defaults to /etc/krb5.conf', () => {
    expect(krb5ConfigPaths({})).toEqual({ paths: ['/etc/krb5.conf'], origin: 'default' });
    expect(krb5ConfigPaths({ KRB5_CONFIG: '' }).origin).toBe('default');
  });

  it('follows include and includedir (skipping names MIT skips), and does not loop on self-includes', () => {
    const fs = fakeFs({
      '/etc/krb5.conf': 'include /etc/krb5.conf\nincludedir /etc/krb5.conf.d\n',
      '/etc/krb5.conf.d/realm': '[libdefaults]\ndefault_realm = FROM.DIR\n',
      '/etc/krb5.conf.d/old.rpmnew': '[libdefaults]\ndefault_realm = SKIPPED\n',
    });
    expect(loadKrb5Config({}, fs).conf.defaultRealm).toBe('FROM.DIR');
  });

  it('merges [domain_realm] in precedence order', () => {
    const merged = mergeKrb5Conf([
      parseKrb5Conf('[domain_realm]\nh = A\n'),
      parseKrb5Conf('[domain_realm]\nh = B\ng = C\n'),
    ]);
    expect([...merged.domainRealm]).toEqual([
      ['h', 'A'],
      ['g', 'C'],
    ]);
  });
});
