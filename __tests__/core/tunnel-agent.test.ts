import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import axios from 'axios';
import type { KerberosAuthError } from '../../lib/errors/kerberos-auth-error';
import { createPlugin } from '../../lib/interceptors/install';
import { resolveOptions, type KerberosAuthOptions } from '../../lib/options';
import { FakeGss, decodeToken, encodeToken } from '../helpers/fake-gss';
import { listen } from '../helpers/server';

/**
 * A scripted forward proxy that answers each CONNECT with whatever `answer` says, and records
 * the Proxy-Authorization of each. Nothing gets past it: a 200 closes the tunnel right away,
 * so these tests stop at the proxy leg (the TLS leg is tested against the real realm).
 */
interface ScriptedProxy {
  port: number;
  connects: (string | undefined)[];
  close(): Promise<void>;
}

type Answer = (authorization: string | undefined, index: number) => { status: number; headers?: string[] };

async function startProxy(answer: Answer): Promise<ScriptedProxy> {
  const connects: (string | undefined)[] = [];
  const server: Server = createServer((_req, res) => res.writeHead(500).end());
  server.on('connect', (req: IncomingMessage, socket: Socket) => {
    const authorization = req.headers['proxy-authorization'];
    connects.push(authorization);
    const { status, headers = [] } = answer(authorization, connects.length - 1);
    const head = [`HTTP/1.1 ${status} Scripted`, ...headers, 'Content-Length: 0', 'Connection: close'];
    socket.end(`${head.join('\r\n')}\r\n\r\n`);
  });
  return { ...(await listen(server)), connects };
}

let proxy: ScriptedProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  delete process.env.HTTPS_PROXY;
  delete process.env.NO_PROXY;
});

function client(options: KerberosAuthOptions, withProxyConfig = true) {
  const gss = new FakeGss();
  const api = axios.create(
    withProxyConfig ? { proxy: { protocol: 'http', host: '127.0.0.1', port: proxy!.port } } : {},
  );
  createPlugin(resolveOptions(options), gss, 'linux').install(api);
  return { api, gss };
}

const tokenOf = (header: string | undefined) =>
  header === undefined ? undefined : decodeToken(header.replace(/^Negotiate /, ''));

/** The proxy's final token for the client's context: what a proxy that does mutual auth sends. */
const finalFor = (authorization: string | undefined) => {
  const sent = tokenOf(authorization)!;
  return `Proxy-Authenticate: Negotiate ${encodeToken({ kind: 'final', id: sent.id, spn: sent.spn })}`;
};

describe('the CONNECT tunnel for https: targets', () => {
  it('sends a token for HTTP@<proxy> with the CONNECT itself, never to the origin', async () => {
    proxy = await startProxy(() => ({ status: 403 }));
    const { api } = client({ proxies: '127.0.0.1' });
    await expect(api.get('https://origin.example/x')).rejects.toMatchObject({ response: { status: 403 } });
    expect(proxy.connects.map(tokenOf)).toEqual([expect.objectContaining({ spn: 'HTTP@127.0.0.1' })]);
  });

  it('answers a 407 Negotiate on a new CONNECT with a fresh token when not pre-emptive', async () => {
    proxy = await startProxy((authorization) =>
      authorization === undefined
        ? { status: 407, headers: ['Proxy-Authenticate: Negotiate'] }
        : { status: 403, headers: [finalFor(authorization)] },
    );
    const { api, gss } = client({ proxies: '127.0.0.1', preemptive: false });
    await expect(api.get('https://origin.example/x')).rejects.toMatchObject({ response: { status: 403 } });
    expect(proxy.connects.map((c) => c === undefined)).toEqual([true, false]);
    expect(gss.contexts).toHaveLength(1);
  });

  it('refuses a tunnel whose proxy sends a forged final token', async () => {
    const forged = encodeToken({ kind: 'final', id: 999, spn: 'HTTP@127.0.0.1' });
    proxy = await startProxy(() => ({ status: 200, headers: [`Proxy-Authenticate: Negotiate ${forged}`] }));
    const { api } = client({ proxies: '127.0.0.1' });
    await expect(api.get('https://origin.example/x')).rejects.toMatchObject({
      code: 'ERR_KERBEROS_MUTUAL_AUTH',
      host: '127.0.0.1',
    });
  });

  it("refuses a tunnel without the proxy's token under a per-request `proxyMutual: 'required'`", async () => {
    proxy = await startProxy(() => ({ status: 200 }));
    const { api } = client({ proxies: '127.0.0.1' });
    await expect(api.get('https://origin.example/x', { kerberos: { proxyMutual: 'required' } })).rejects.toMatchObject({
      code: 'ERR_KERBEROS_MUTUAL_AUTH',
    });
  });

  it('ends a proxy that keeps asking after `maxRounds` with ERR_KERBEROS_REJECTED', async () => {
    proxy = await startProxy(() => ({ status: 407, headers: ['Proxy-Authenticate: Negotiate'] }));
    const { api } = client({ proxies: '127.0.0.1', maxRounds: 2 });
    await expect(api.get('https://origin.example/x')).rejects.toMatchObject({ code: 'ERR_KERBEROS_REJECTED' });
    expect(proxy.connects.length).toBeLessThanOrEqual(3);
  });

  it('turns a 407 Negotiate from an unlisted proxy into ERR_KERBEROS_PROXY_AUTH_REQUIRED, sending nothing', async () => {
    proxy = await startProxy(() => ({ status: 407, headers: ['Proxy-Authenticate: Negotiate'] }));
    const { api, gss } = client({ hosts: 'origin.example' });
    const error: unknown = await api.get('https://origin.example/x').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ERR_KERBEROS_PROXY_AUTH_REQUIRED', host: '127.0.0.1' });
    expect((error as KerberosAuthError).message).toContain('`proxies`');
    expect(proxy.connects).toEqual([undefined]);
    // Only the origin's token was minted (and a spare of it); it only ever travels inside a
    // tunnel, which never opened. Nothing was minted for the proxy.
    expect(gss.contexts.every((c) => c.spn === 'HTTP@origin.example')).toBe(true);
  });

  it("redacts the unsent origin token on the config of the tunnel's typed error", async () => {
    proxy = await startProxy(() => ({ status: 407, headers: ['Proxy-Authenticate: Negotiate'] }));
    const { api } = client({ hosts: 'origin.example' });
    const error: unknown = await api.get('https://origin.example/x').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ERR_KERBEROS_PROXY_AUTH_REQUIRED' });
    const headers = (error as KerberosAuthError).config?.headers;
    expect(headers?.Authorization).toBe('Negotiate [redacted]');
  });

  // No origin token, no listed proxy: axios opens the tunnel itself, and its 407 reaches the
  // response interceptor as a response to the https: request.
  it("gives the same typed error for a 407 Negotiate to axios's own CONNECT", async () => {
    proxy = await startProxy(() => ({ status: 407, headers: ['Proxy-Authenticate: Negotiate'] }));
    const { api, gss } = client({ hosts: 'elsewhere.example' });
    await expect(api.get('https://origin.example/x')).rejects.toMatchObject({
      code: 'ERR_KERBEROS_PROXY_AUTH_REQUIRED',
      host: '127.0.0.1',
    });
    expect(proxy.connects).toEqual([undefined]);
    expect(gss.contexts).toEqual([]);
  });

  it('hands a 407 that does not offer Negotiate to the caller as it came', async () => {
    proxy = await startProxy(() => ({ status: 407, headers: ['Proxy-Authenticate: Basic realm="corp"'] }));
    const { api } = client({ proxies: '127.0.0.1' });
    await expect(api.get('https://origin.example/x')).rejects.toMatchObject({ response: { status: 407 } });
  });

  it('finds the proxy in HTTPS_PROXY and honours NO_PROXY, as axios does', async () => {
    proxy = await startProxy(() => ({ status: 403 }));
    process.env.HTTPS_PROXY = `http://127.0.0.1:${proxy.port}`;
    process.env.NO_PROXY = 'direct.example';
    const { api } = client({ proxies: '127.0.0.1' }, false);
    await expect(api.get('https://origin.example/x')).rejects.toMatchObject({ response: { status: 403 } });
    expect(proxy.connects.map(tokenOf)).toEqual([expect.objectContaining({ spn: 'HTTP@127.0.0.1' })]);
    await expect(api.get('https://direct.example/x', { timeout: 2000 })).rejects.toBeDefined();
    expect(proxy.connects).toHaveLength(1);
  });

  it('leaves the request to axios when the plugin is off for it', async () => {
    proxy = await startProxy(() => ({ status: 407, headers: ['Proxy-Authenticate: Negotiate'] }));
    const { api, gss } = client({ proxies: '127.0.0.1' });
    // axios's own CONNECT, without a token, gets the 407 back as it came.
    await expect(api.get('https://origin.example/x', { kerberos: false })).rejects.toMatchObject({
      response: { status: 407 },
    });
    expect(proxy.connects).toEqual([undefined]);
    expect(gss.contexts).toHaveLength(0);
  });
});
