import { spnForUrl, toPlatformForm } from '../lib/spn';

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
