import https from 'node:https';
import type { InternalAxiosRequestConfig } from 'axios';
import { callerRoute, pinProxy, proxyFor } from '../../lib/core/env-proxy';
import { Exchange } from '../../lib/core/state';

const config = (extra: Partial<InternalAxiosRequestConfig> = {}) =>
  ({ url: 'http://api.example/x', headers: {}, ...extra }) as InternalAxiosRequestConfig;

afterEach(() => {
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'no_proxy']) delete process.env[name];
});

describe('proxyFor: the proxy axios will use', () => {
  it('takes the proxy from the environment, per scheme, and honours NO_PROXY', () => {
    process.env.HTTP_PROXY = 'http://proxy.example:3128';
    process.env.NO_PROXY = '.internal.example';
    expect(proxyFor(config())?.href).toBe('http://proxy.example:3128/');
    expect(proxyFor(config({ url: 'https://api.example/x' }))).toBeUndefined();
    expect(proxyFor(config({ url: 'http://a.internal.example/' }))).toBeUndefined();
  });

  it('reads the lower-case forms too', () => {
    process.env.http_proxy = 'proxy.example:8080';
    expect(proxyFor(config())?.href).toBe('http://proxy.example:8080/');
  });

  it('lets the `proxy` config win over the environment, and `proxy: false` turn it off', () => {
    process.env.HTTP_PROXY = 'http://proxy.example:3128';
    expect(proxyFor(config({ proxy: { host: 'other.example', port: 8080 } }))?.host).toBe('other.example:8080');
    expect(proxyFor(config({ proxy: false }))).toBeUndefined();
  });
});

describe('pinProxy', () => {
  it('writes an environment proxy into the config, credentials apart', () => {
    const pinned = config();
    pinProxy(pinned, new URL('http://us%40r:p%3Ass@proxy.example:3128'));
    expect(pinned.proxy).toEqual({
      protocol: 'http',
      host: 'proxy.example',
      port: 3128,
      auth: { username: 'us@r', password: 'p:ss' },
    });
  });

  it('never overrides a `proxy` the caller set', () => {
    const own = config({ proxy: false });
    pinProxy(own, new URL('http://proxy.example:3128'));
    expect(own.proxy).toBe(false);
  });
});

describe('callerRoute', () => {
  it("puts the caller's `proxy` and `httpsAgent` back on a config an earlier send routed", () => {
    const agent = new https.Agent();
    const caller = config({ httpsAgent: agent });
    const exchange = new Exchange(caller);
    const hop = config({ proxy: false, httpsAgent: new https.Agent() });
    callerRoute(hop, exchange);
    expect(hop.proxy).toBeUndefined();
    expect(hop.httpsAgent).toBe(agent);
    const pinned = config();
    pinProxy(pinned, new URL('http://proxy.example:3128'));
    callerRoute(pinned, new Exchange(config({ proxy: { host: 'mine.example', port: 8080 } })));
    expect(pinned.proxy).toEqual({ host: 'mine.example', port: 8080 });
  });

  it("keeps the first exchange's settings for another interceptor's retry of a routed config", () => {
    const caller = config({ proxy: { host: 'mine.example', port: 8080 } });
    const first = new Exchange(caller);
    const retry = config({ proxy: false, httpsAgent: new https.Agent() });
    expect(new Exchange(retry, first)).toMatchObject({ proxy: caller.proxy, httpsAgent: undefined });
  });
});
