import { DEFAULT_OPTIONS, resolveOptions, resolveRequestOptions } from '../lib/options';
import type { KerberosAuthOptions } from '../lib/options';
import { kerberosAuthErrorThrownBy } from './helpers/security';

const invalid = (options: unknown) => () => resolveOptions(options as KerberosAuthOptions);

describe('resolveOptions', () => {
  it('applies the defaults', () => {
    const resolved = resolveOptions();
    expect(resolved).toMatchObject({
      hosts: undefined,
      preemptive: DEFAULT_OPTIONS.preemptive,
      service: 'HTTP',
      mechanism: 'spnego',
      mutual: undefined,
      delegate: undefined,
      maxRounds: 3,
      timeout: 5000,
      maxConcurrentGss: 2,
    });
  });

  it('throws ERR_KERBEROS_OPTIONS naming the option for a wrong type or value', () => {
    expect(kerberosAuthErrorThrownBy(invalid({ preemptive: 'yes' })).code).toBe('ERR_KERBEROS_OPTIONS');
    expect(invalid({ preemptive: 'yes' })).toThrow(/`preemptive`/);
    expect(invalid({ mutual: 'sometimes' })).toThrow(/`mutual`.*'required', 'optional', 'disabled'/);
    expect(invalid({ mechanism: 'ntlm' })).toThrow(/`mechanism`/);
    expect(invalid({ maxRounds: 0 })).toThrow(/`maxRounds`/);
    expect(invalid({ maxRounds: 1.5 })).toThrow(/`maxRounds`/);
    expect(invalid({ timeout: -1 })).toThrow(/`timeout`/);
    expect(invalid({ service: 'HTTP@x' })).toThrow(/`service`/);
    expect(invalid({ spn: 'nohost' })).toThrow(/`spn`/);
    expect(invalid({ principal: '' })).toThrow(/`principal`/);
    expect(invalid({ hosts: [null] })).toThrow(/`hosts`/);
    expect(invalid('hosts')).toThrow(/`options`/);
  });

  it('refuses an empty hosts list, which would silently send no token anywhere', () => {
    const error = kerberosAuthErrorThrownBy(() => resolveOptions({ hosts: [] }));
    expect(error.code).toBe('ERR_KERBEROS_OPTIONS');
    expect(error.message).toMatch(/`hosts`.*empty list.*leave `hosts` unset/);
    expect(error.fix).toMatch(/^list the hosts, or leave `hosts` unset/);
    expect(resolveOptions({ hosts: ['api.example.com'] }).hosts).toBeDefined();
  });

  it('refuses an spn with a realm and says which form to write', () => {
    expect(invalid({ spn: 'HTTP/api.example.com@EXAMPLE.COM' })).toThrow(/'HTTP@api\.example\.com'.*domain_realm/);
    expect(() => resolveRequestOptions({ spn: 'HTTP/api.example.com@EXAMPLE.COM' })).toThrow(
      /`kerberos\.spn`.*'HTTP@api\.example\.com'/,
    );
  });

  it('reads options and per-request values as own properties only (prototype pollution)', () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.mutual = 'disabled';
    proto.hosts = '*.evil.example';
    proto.spn = 'HTTP@evil.example';
    try {
      const resolved = resolveOptions({});
      expect(resolved.mutual).toBeUndefined();
      expect(resolved.hosts).toBeUndefined();
      expect(resolveRequestOptions({})).toEqual({});
    } finally {
      delete proto.mutual;
      delete proto.hosts;
      delete proto.spn;
    }
  });

  it('rejects unknown options, so a typo does not silently disable something', () => {
    expect(invalid({ host: 'x.example' })).toThrow(/`host`.*unknown/);
  });

  it('requires `hosts` for `delegate: true`', () => {
    expect(invalid({ delegate: true })).toThrow(/`delegate`.*hosts/);
    const resolved = resolveOptions({ hosts: 'a.example', delegate: true });
    expect(resolved.delegate?.matches(new URL('http://a.example/'))).toBe(true);
  });

  it('delegates only to hosts that match both `delegate` patterns and `hosts`', () => {
    const resolved = resolveOptions({ hosts: '*.example', delegate: ['a.example', 'b.other'] });
    expect(resolved.delegate?.matches(new URL('http://a.example/'))).toBe(true);
    expect(resolved.delegate?.matches(new URL('http://c.example/'))).toBe(false);
    expect(resolved.delegate?.matches(new URL('http://b.other/'))).toBe(false);
  });

  it('ignores options explicitly set to undefined', () => {
    expect(resolveOptions({ maxRounds: undefined }).maxRounds).toBe(3);
  });
});

describe('resolveRequestOptions', () => {
  it('reads false, nothing, or an object of overrides', () => {
    expect(resolveRequestOptions(false)).toBe(false);
    expect(resolveRequestOptions(undefined)).toEqual({});
    expect(resolveRequestOptions({ mutual: 'optional', delegate: false, preemptive: true, spn: 'HTTP@h' })).toEqual({
      mutual: 'optional',
      delegate: false,
      preemptive: true,
      spn: 'HTTP@h',
    });
  });

  it('throws ERR_KERBEROS_OPTIONS for a bad per-request value', () => {
    expect(() => resolveRequestOptions(true)).toThrow(/`kerberos`/);
    expect(() => resolveRequestOptions({ hosts: 'x' })).toThrow(/`kerberos.hosts`/);
    expect(() => resolveRequestOptions({ mutual: 'no' })).toThrow(/`kerberos.mutual`/);
  });
});
