import { planProxy, planRequest, type OriginMemory } from '../../lib/core/plan';
import { ExpiringOriginSet } from '../../lib/core/origin-memory';
import { resolveOptions, type KerberosAuthOptions } from '../../lib/options';
import { kerberosAuthErrorThrownBy } from '../helpers/security';

const none: OriginMemory = { has: () => false };
const plan = (options: KerberosAuthOptions, url: string, request = {}, memory = none) =>
  planRequest(resolveOptions(options), request, new URL(url), memory, 'linux');

describe('planRequest', () => {
  it('sends up front only to hosts in `hosts`', () => {
    expect(plan({ hosts: 'a.example' }, 'http://a.example/').preemptive).toBe(true);
    expect(plan({ hosts: 'a.example' }, 'http://b.example/')).toMatchObject({ preemptive: false, allowed: false });
    expect(plan({}, 'http://b.example/')).toMatchObject({ preemptive: false, allowed: true });
  });

  it("defaults mutual to 'required' on http: and 'optional' on https:", () => {
    expect(plan({}, 'http://a.example/').mutual).toBe('required');
    expect(plan({}, 'https://a.example/').mutual).toBe('optional');
    expect(plan({ mutual: 'disabled' }, 'http://a.example/').mutual).toBe('disabled');
  });

  it('refuses a per-request spn for a host outside `hosts` with ERR_KERBEROS_UNTRUSTED_HOST', () => {
    expect(
      kerberosAuthErrorThrownBy(() => plan({ hosts: 'a.example' }, 'http://b.example/', { spn: 'HTTP@a.example' })),
    ).toMatchObject({ code: 'ERR_KERBEROS_UNTRUSTED_HOST', host: 'b.example' });
    expect(plan({ hosts: 'a.example' }, 'http://a.example/', { spn: 'HTTP/x.example' }).spn).toBe('HTTP@x.example');
  });

  it('delegates only where the options allow, and refuses per-request delegation outside `hosts`', () => {
    expect(plan({ hosts: '*.example', delegate: 'a.example' }, 'http://a.example/').delegate).toBe(true);
    expect(plan({ hosts: '*.example', delegate: 'a.example' }, 'http://b.example/').delegate).toBe(false);
    expect(plan({ hosts: '*.example' }, 'http://b.example/', { delegate: true }).delegate).toBe(true);
    expect(() => plan({}, 'http://b.example/', { delegate: true })).toThrow(/not in `hosts`/);
  });

  it('goes pre-emptive for a remembered origin, marked adaptive', () => {
    const memory = new ExpiringOriginSet();
    memory.add('http://b.example');
    expect(plan({}, 'http://b.example/x', {}, memory)).toMatchObject({ preemptive: true, adaptive: true });
    expect(plan({ preemptive: false }, 'http://b.example/x', {}, memory).preemptive).toBe(false);
    expect(plan({ hosts: 'a.example' }, 'http://b.example/x', {}, memory).preemptive).toBe(false);
  });
});

describe('ExpiringOriginSet', () => {
  it('forgets origins after the TTL and evicts the oldest past the size bound', () => {
    let now = 0;
    const set = new ExpiringOriginSet(2, 100, () => now);
    set.add('a');
    set.add('b');
    set.add('c');
    expect([set.has('a'), set.has('b'), set.has('c')]).toEqual([false, true, true]);
    now = 101;
    expect(set.has('b')).toBe(false);
  });
});

describe('planProxy', () => {
  const proxy = new URL('http://proxy.example:3128');
  it('allows only proxies in `proxies`, uses HTTP@proxy and never delegates', () => {
    const options = resolveOptions({ hosts: '*.example', proxies: 'proxy.example', delegate: true });
    const plan = planProxy(options, {}, proxy, 'linux');
    expect(plan).toMatchObject({ allowed: true, preemptive: true, spn: 'HTTP@proxy.example', delegate: false });
    expect(planProxy(options, {}, new URL('http://other.example:3128'), 'linux').allowed).toBe(false);
    expect(planProxy(resolveOptions({}), {}, proxy, 'linux').allowed).toBe(false);
  });

  it("accepts a proxy without a final token by default, whatever the origin's `mutual`", () => {
    const options = resolveOptions({ proxies: 'proxy.example', mutual: 'required' });
    expect(planProxy(options, {}, proxy, 'linux').mutual).toBe('optional');
    expect(planProxy(options, { mutual: 'disabled' }, proxy, 'linux').mutual).toBe('optional');
  });

  it('takes `proxyMutual` from the plugin, and from the request over it', () => {
    const options = resolveOptions({ proxies: 'proxy.example', proxyMutual: 'required' });
    expect(planProxy(options, {}, proxy, 'linux').mutual).toBe('required');
    expect(planProxy(options, { proxyMutual: 'disabled' }, proxy, 'linux').mutual).toBe('disabled');
  });

  it("follows the request's `preemptive` for the proxy leg", () => {
    const options = resolveOptions({ proxies: 'proxy.example' });
    expect(planProxy(options, { preemptive: false }, proxy, 'linux').preemptive).toBe(false);
    const lazy = resolveOptions({ proxies: 'proxy.example', preemptive: false });
    expect(planProxy(lazy, { preemptive: true }, proxy, 'linux').preemptive).toBe(true);
  });
});
