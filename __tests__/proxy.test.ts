import { createServer, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import axios from 'axios';
import { createPlugin } from '../lib/interceptors/install';
import { resolveOptions, type KerberosAuthOptions } from '../lib/options';
import { FakeGss, decodeToken, encodeToken } from './helpers/fake-gss';
import { listen, startServer, type TestServer } from './helpers/server';

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

  it('redacts the spent proxy tokens of a redirect chain in the response and in errors', async () => {
    proxy = await startServer((request, response) => {
      if (request.url === 'http://origin.example/start') {
        response.writeHead(302, { Location: 'http://origin.example/next' }).end();
      } else if (request.url === 'http://origin.example/next') {
        response.writeHead(200).end('next');
      } else {
        response.writeHead(200, { 'Proxy-Authenticate': 'Negotiate Zm9yZ2Vk' }).end();
      }
    });
    const { api } = client({ proxies: '127.0.0.1', mutual: 'optional' });
    const response = await api.get('http://origin.example/start');
    expect(response.config.headers['Proxy-Authorization']).toBe('Negotiate [redacted]');
    expect(JSON.stringify(response.config)).not.toMatch(/Negotiate (?!\[redacted\])/);
    const error = (await api.get('http://origin.example/forged').catch((caught: unknown) => caught)) as {
      code?: string;
      config?: { headers: Record<string, unknown> };
    };
    expect(error.code).toBe('ERR_KERBEROS_MUTUAL_AUTH');
    expect(error.config?.headers['Proxy-Authorization']).toBe('Negotiate [redacted]');
  });

  it("keeps a request's `proxyMutual` on a redirect hop to another origin", async () => {
    proxy = await startServer((request, response) => {
      const sent = token(request.headers['proxy-authorization'])!;
      if (request.url === 'http://origin.example/start') {
        const final = encodeToken({ kind: 'final', id: sent.id, spn: sent.spn });
        response.writeHead(302, { Location: 'http://other.example/next', 'Proxy-Authenticate': `Negotiate ${final}` });
      } else {
        response.writeHead(200); // no final token of the proxy's
      }
      response.end();
    });
    const { api } = client({ proxies: '127.0.0.1', mutual: 'disabled' });
    await expect(
      api.get('http://origin.example/start', { kerberos: { proxyMutual: 'required' } }),
    ).rejects.toMatchObject({ code: 'ERR_KERBEROS_MUTUAL_AUTH', host: '127.0.0.1' });
    expect(proxy.requests.map((request) => request.url)).toEqual([
      'http://origin.example/start',
      'http://other.example/next',
    ]);
  });

  it('accepts a proxy that sends no final token by default, even when the origin is strict', async () => {
    proxy = await startServer((_request, response) => response.writeHead(200).end('via proxy'));
    const { api } = client({ proxies: '127.0.0.1', mutual: 'required' });
    expect((await api.get('http://origin.example/x', { kerberos: { mutual: 'disabled' } })).data).toBe('via proxy');
    expect(proxy.requests[0]!.headers['proxy-authorization']).toMatch(/^Negotiate /);
  });

  it('turns a 407 Negotiate from an unlisted proxy into ERR_KERBEROS_PROXY_AUTH_REQUIRED', async () => {
    proxy = await startServer((_request, response) =>
      response.writeHead(407, { 'Proxy-Authenticate': 'Negotiate' }).end(),
    );
    const { api } = client({});
    await expect(api.get('http://origin.example/x')).rejects.toMatchObject({
      code: 'ERR_KERBEROS_PROXY_AUTH_REQUIRED',
      host: '127.0.0.1',
    });
    expect(proxy.requests[0]!.headers['proxy-authorization']).toBeUndefined();
  });

  it('authenticates to a listed proxy that axios takes from HTTP_PROXY', async () => {
    proxy = await startServer((_request, response) => response.writeHead(200).end('via env proxy'));
    process.env.HTTP_PROXY = `http://127.0.0.1:${proxy.port}`;
    try {
      const api = axios.create();
      createPlugin(resolveOptions({ proxies: '127.0.0.1' }), new FakeGss(), 'linux').install(api);
      expect((await api.get('http://origin.example/x')).data).toBe('via env proxy');
      expect(token(proxy.requests[0]!.headers['proxy-authorization'])).toMatchObject({ spn: 'HTTP@127.0.0.1' });
    } finally {
      delete process.env.HTTP_PROXY;
    }
  });
});

describe('redirect hops through proxies from the environment', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY']) delete process.env[name];
  });

  /** A proxy that answers every CONNECT with 403 and records its Proxy-Authorization. */
  async function startConnectProxy(host: string): Promise<{ port: number; connects: (string | undefined)[] }> {
    const connects: (string | undefined)[] = [];
    const server = createServer((_req, res) => res.writeHead(500).end());
    server.on('connect', (req: IncomingMessage, socket: Socket) => {
      connects.push(req.headers['proxy-authorization']);
      socket.end('HTTP/1.1 403 Scripted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    const { port, close } = await listen(server, host);
    cleanups.push(close);
    return { port, connects };
  }

  /**
   * HTTP_PROXY answers a 302 to an https URL, HTTPS_PROXY refuses every CONNECT: one request
   * goes through each, and the caller gets the 403. Returns HTTPS_PROXY to check its CONNECT.
   */
  async function redirectToHttpsProxy(options: Partial<KerberosAuthOptions> = {}) {
    const httpProxy = await startServer((_request, response) =>
      response.writeHead(302, { Location: 'https://origin.example/next' }).end(),
    );
    cleanups.push(() => httpProxy.close());
    const httpsProxy = await startConnectProxy('127.0.0.2');
    process.env.HTTP_PROXY = httpProxy.url;
    process.env.HTTPS_PROXY = `http://127.0.0.2:${httpsProxy.port}`;
    const api = axios.create();
    const resolved = resolveOptions({ proxies: ['127.0.0.1', '127.0.0.2'], ...options });
    createPlugin(resolved, new FakeGss(), 'linux').install(api);
    await expect(api.get('http://origin.example/start')).rejects.toMatchObject({ response: { status: 403 } });
    expect(httpProxy.requests).toHaveLength(1);
    return httpsProxy;
  }

  it("sends an https hop through HTTPS_PROXY's tunnel, not through the proxy of the first URL", async () => {
    const httpsProxy = await redirectToHttpsProxy();
    expect(httpsProxy.connects.map(token)).toEqual([expect.objectContaining({ spn: 'HTTP@127.0.0.2' })]);
  });

  // No token went out, but the environment proxy is pinned for the first URL: axios must not
  // follow the redirect through it.
  it('routes the hops of a request whose proxy token waits for a 407 too', async () => {
    const httpsProxy = await redirectToHttpsProxy({ preemptive: false });
    expect(httpsProxy.connects).toEqual([undefined]);
  });

  it('sends a hop that NO_PROXY exempts straight to its host', async () => {
    const origin = await startServer((_request, response) => response.writeHead(200).end('direct'));
    cleanups.push(() => origin.close());
    const httpProxy = await startServer(
      (_request, response) => response.writeHead(302, { Location: `${origin.url}/next` }).end(),
      '127.0.0.2',
    );
    cleanups.push(() => httpProxy.close());
    process.env.HTTP_PROXY = httpProxy.url;
    process.env.NO_PROXY = '127.0.0.1';
    const api = axios.create();
    createPlugin(resolveOptions({ proxies: '127.0.0.2' }), new FakeGss(), 'linux').install(api);
    expect((await api.get('http://origin.example/start')).data).toBe('direct');
    expect(httpProxy.requests).toHaveLength(1);
    expect(origin.requests.map((request) => request.headers['proxy-authorization'])).toEqual([undefined]);
  });
});
