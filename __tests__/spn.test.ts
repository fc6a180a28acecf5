import { toPlatformForm } from '../lib/names/spn';
import { spnForUrl } from '../lib/spn';
import { kerberosAuthErrorThrownBy } from './helpers/security';

describe('spnForUrl', () => {
  const linux = { platform: 'linux' as const };

  it('builds HTTP@host from the URL host, lower-cased, without the port', () => {
    expect(spnForUrl('https://API.Example.com:8443/path?q=1', linux)).toBe('HTTP@api.example.com');
  });

  it('removes IPv6 brackets and uses the ASCII form of internationalised names', () => {
    expect(spnForUrl('http://[::1]:80/', linux)).toBe('HTTP@::1');
    expect(spnForUrl('http://bücher.example/', linux)).toBe('HTTP@xn--bcher-kva.example');
  });

  it('uses another service name when asked', () => {
    expect(spnForUrl('http://h.example/', { ...linux, service: 'host' })).toBe('host@h.example');
  });

  it('prefers a fixed spn or a function over the mapping', () => {
    expect(spnForUrl('http://alias.example/', { ...linux, spn: 'HTTP@real.example' })).toBe('HTTP@real.example');
    expect(spnForUrl('http://a.example/', { ...linux, spn: (url) => `HTTP@lb-${url.hostname}` })).toBe(
      'HTTP@lb-a.example',
    );
  });

  it('adds a non-default port only with includePort', () => {
    expect(spnForUrl('http://h.example:8080/', { ...linux, includePort: true })).toBe('HTTP@h.example:8080');
    expect(spnForUrl('http://h.example:80/', { ...linux, includePort: true })).toBe('HTTP@h.example');
  });

  it('writes HTTP/host on Windows, as SSPI expects', () => {
    expect(spnForUrl('http://h.example/', { platform: 'win32' })).toBe('HTTP/h.example');
    expect(spnForUrl('http://h.example/', { platform: 'win32', spn: 'HTTP@x.example' })).toBe('HTTP/x.example');
  });

  it('converts either SPN form to the platform form', () => {
    expect(toPlatformForm('HTTP/h.example', 'linux')).toBe('HTTP@h.example');
    expect(toPlatformForm('HTTP@h.example', 'win32')).toBe('HTTP/h.example');
  });

  it('accepts URL objects', () => {
    expect(spnForUrl(new URL('http://h.example/'), linux)).toBe('HTTP@h.example');
  });
});

describe('spnForUrl input', () => {
  it.each([
    ['a file: URL', 'file:///x'],
    ['a file: URL object', new URL('file:///x')],
    ['a malformed URL', 'not a url'],
    ['a number', 42],
    ['null', null],
  ])('refuses %s with ERR_KERBEROS_OPTIONS instead of returning HTTP@', (_what, url) => {
    expect(kerberosAuthErrorThrownBy(() => spnForUrl(url as string)).code).toBe('ERR_KERBEROS_OPTIONS');
  });

  it('refuses a principal with a realm, from a fixed spn or a function, naming the form to use', () => {
    expect(() => spnForUrl('http://h.example/', { spn: 'HTTP/h.example@EXAMPLE.COM' })).toThrow(/'HTTP@h.example'/);
    const error = kerberosAuthErrorThrownBy(() =>
      spnForUrl('http://h.example/', { spn: () => 'HTTP/h.example@EXAMPLE.COM' }),
    );
    expect(error.code).toBe('ERR_KERBEROS_OPTIONS');
    expect(error.message).toMatch(/'HTTP@h.example'/);
  });

  it('reads options as own properties only', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.spn = 'HTTP@evil.example';
    try {
      expect(spnForUrl('http://h.example/', { platform: 'linux' })).toBe('HTTP@h.example');
    } finally {
      delete proto.spn;
    }
  });
});
