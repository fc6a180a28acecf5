import axios from 'axios';
import { createPlugin } from '../lib/plugin';
import { resolveOptions, type KerberosAuthOptions } from '../lib/options';
import { FakeGss, decodeToken, encodeToken } from './helpers/fake-gss';
import { startServer, type TestServer } from './helpers/server';

let proxy: TestServer | undefined;
afterEach(() => proxy?.close());

function client(options: KerberosAuthOptions, gss = new FakeGss()) {
  const api = axios.create({ proxy: { protocol: 'http', host: '127.0.0.1', port: proxy!.port } });
  createPlugin(resolveOptions(options), gss, 'linux').install(api);
  return { api, gss };
}

const token = (header: string | string[] | undefined) =>
  typeof header === 'string' ? decodeToken(header.replace(/^Negotiate /, '')) : undefined;

describe('Negotiate with a forward proxy (unit, fake GSS)', () => {
  it('mints the proxy token for HTTP@<proxy host> and sends it as Proxy-Authorization', async () => {
    proxy = await startServer((request, response) => {
      const sent = token(request.headers['proxy-authorization']);
      if (sent === undefined) response.writeHead(407, { 'Proxy-Authenticate': 'Negotiate' }).end();
      else {
        const final = encodeToken({ kind: 'final', id: sent.id, spn: sent.spn });
        response.writeHead(200, { 'Proxy-Authenticate': `Negotiate ${final}` }).end('via proxy');
      }
    });
    const { api, gss } = client({ proxies: '127.0.0.1', preemptive: false });
    const response = await api.get('http://origin.example/x');
    expect(response.data).toBe('via proxy');
    expect(proxy.requests.map((r) => r.url)).toEqual(['http://origin.example/x', 'http://origin.example/x']);
    expect(token(proxy.requests[1]!.headers['proxy-authorization'])).toMatchObject({ spn: 'HTTP@127.0.0.1' });
    expect(proxy.requests[1]!.headers.authorization).toBeUndefined();
    expect(gss.contexts.every((c) => !c.options.delegate)).toBe(true);
  });

  it("fails mutual authentication when the proxy's final token is forged", async () => {
    proxy = await startServer((request, response) => {
      const forged = encodeToken({ kind: 'final', id: 999, spn: 'x' });
      if (request.headers['proxy-authorization'] === undefined)
        response.writeHead(407, { 'Proxy-Authenticate': 'Negotiate' });
      else response.writeHead(200, { 'Proxy-Authenticate': `Negotiate ${forged}` });
      response.end();
    });
    const { api } = client({ proxies: '127.0.0.1' });
    await expect(api.get('http://origin.example/x')).rejects.toMatchObject({ code: 'ERR_KERBEROS_MUTUAL_AUTH' });
  });

  it('ends a proxy and an origin that keep challenging in turn with ERR_KERBEROS_REJECTED, not a loop', async () => {
    proxy = await startServer((request, response) => {
      // Hostile: whoever was just answered is satisfied, the other asks again.
      if (request.headers.authorization !== undefined) response.writeHead(407, { 'Proxy-Authenticate': 'Negotiate' });
      else response.writeHead(401, { 'WWW-Authenticate': 'Negotiate' });
      response.end();
    });
    const { api } = client({ proxies: '127.0.0.1', preemptive: false, maxRounds: 2 });
    await expect(api.get('http://origin.example/x')).rejects.toMatchObject({ code: 'ERR_KERBEROS_REJECTED' });
    expect(proxy.requests.length).toBeLessThanOrEqual(2 * 2 + 1);
  });

  // The proxy authenticates every request it forwards, so each hop gets its own token.
  it('sends a fresh proxy token with the next redirect hop, never the spent one', async () => {
    proxy = await startServer((request, response) => {
      if (request.url === 'http://origin.example/start') {
        response.writeHead(302, { Location: 'http://origin.example/next' }).end();
      } else {
        response.writeHead(200).end('next');
      }
    });
    const { api } = client({ proxies: '127.0.0.1', mutual: 'optional' });
    expect((await api.get('http://origin.example/start')).data).toBe('next');
    const sent = proxy.requests.map((request) => request.headers['proxy-authorization']);
    expect(sent).toEqual([expect.stringMatching(/^Negotiate /), expect.stringMatching(/^Negotiate /)]);
    expect(sent[0]).not.toBe(sent[1]);
  });
});
