import { planProxy, planRequest, type OriginMemory } from '../../lib/core/plan';
import { ExpiringOriginSet } from '../../lib/core/origin-memory';
import { resolveOptions, type KerberosAuthOptions } from '../../lib/options';

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
    expect(() => plan({ hosts: 'a.example' }, 'http://b.example/', { spn: 'HTTP@a.example' })).toThrow(
      expect.objectContaining({ code: 'ERR_KERBEROS_UNTRUSTED_HOST', host: 'b.example' }),
    );
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
  const target = new URL('http://origin.example/x');
  it('allows only proxies in `proxies`, uses HTTP@proxy and never delegates', () => {
    const options = resolveOptions({ hosts: '*.example', proxies: 'proxy.example', delegate: true });
    const plan = planProxy(options, new URL('http://proxy.example:3128'), target, 'linux');
    expect(plan).toMatchObject({ allowed: true, preemptive: true, spn: 'HTTP@proxy.example', delegate: false });
    expect(planProxy(options, new URL('http://other.example:3128'), target, 'linux').allowed).toBe(false);
    expect(planProxy(resolveOptions({}), new URL('http://proxy.example:3128'), target, 'linux').allowed).toBe(false);
  });

  it('never authenticates to the proxy for an https: target, whose headers travel inside the tunnel to the origin', () => {
    const options = resolveOptions({ proxies: 'proxy.example' });
    const plan = planProxy(options, new URL('http://proxy.example:3128'), new URL('https://origin.example/'), 'linux');
    expect(plan).toMatchObject({ allowed: false, preemptive: false });
  });
});
