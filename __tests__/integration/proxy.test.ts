import axios, { type AxiosProxyConfig } from 'axios';
import { kerberosAuth } from '../../lib';
import { accessLogLength, realm } from './helpers/realm';
import { accessLogLines } from './helpers/security';

// The realm's Apache also runs a forward proxy (mod_proxy) that wants Kerberos itself:
// 407 with Proxy-Authenticate: Negotiate, its SPN is HTTP@localhost.
const proxy = (): AxiosProxyConfig => ({ protocol: 'http', host: 'localhost', port: Number(process.env.PROXY_PORT) });

describe('a forward proxy that asks for Negotiate (407)', () => {
  it('turns the 407 into ERR_KERBEROS_PROXY_AUTH_REQUIRED naming the proxy when it is not in `proxies`', async () => {
    const api = axios.create({ proxy: proxy() });
    kerberosAuth().install(api);
    await expect(api.get(`${realm.urlIp}/public/`)).rejects.toMatchObject({
      code: 'ERR_KERBEROS_PROXY_AUTH_REQUIRED',
      host: 'localhost',
    });
  });

  it('leaves the 407 alone for a request that turns the plugin off', async () => {
    const api = axios.create({ proxy: proxy() });
    kerberosAuth().install(api);
    await expect(api.get(`${realm.urlIp}/public/`, { kerberos: false })).rejects.toMatchObject({
      response: { status: 407 },
    });
  });

  it("verifies this proxy's final token under `proxyMutual: 'required'`", async () => {
    const api = axios.create({ proxy: proxy() });
    kerberosAuth({ proxies: 'localhost', proxyMutual: 'required' }).install(api);
    expect((await api.get(`${realm.urlIp}/public/echo`)).status).toBe(200);
  });

  it('answers the 407 with Proxy-Authorization for a listed proxy, and verifies the proxy', async () => {
    const api = axios.create({ proxy: proxy() });
    kerberosAuth({ proxies: 'localhost', preemptive: false }).install(api);
    const response = await api.get(`${realm.urlIp}/public/echo`);
    expect(response.status).toBe(200);
    expect(response.data).toMatchObject({ path: '/public/echo' });
  });

  it('sends Proxy-Authorization up front to a listed proxy: one round trip', async () => {
    const api = axios.create({ proxy: proxy() });
    kerberosAuth({ proxies: 'localhost' }).install(api);
    const before = accessLogLength();
    expect((await api.get(`${realm.urlIp}/public/?proxy-preemptive`)).status).toBe(200);
    const lines = await accessLogLines(before, 'proxy-preemptive', 2);
    // The proxy's own line and the origin's line, neither a 407.
    expect(lines.map((entry) => entry.status)).toEqual([200, 200]);
  });

  it('authenticates to the proxy and to the origin behind it in one request', async () => {
    const api = axios.create({ proxy: proxy() });
    kerberosAuth({ proxies: 'localhost', hosts: '127.0.0.1' }).install(api);
    const response = await api.get(`${realm.urlIp}/negotiate/`);
    expect(response.headers['x-remote-user']).toBe(realm.alice);
  });

  it('answers the proxy and then the origin when neither gets a token up front', async () => {
    const api = axios.create({ proxy: proxy() });
    kerberosAuth({ proxies: 'localhost', preemptive: false }).install(api);
    const response = await api.get(`${realm.urlIp}/negotiate/`);
    expect(response.headers['x-remote-user']).toBe(realm.alice);
  });
});
