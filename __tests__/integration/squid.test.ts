import { lookup as dnsLookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import axios, { type AxiosInstance, type AxiosProxyConfig, type CreateAxiosDefaults } from 'axios';
import * as kerberos from 'kerberos';
import { kerberosAuth, type KerberosAuthOptions } from '../../lib';
import { listen } from '../helpers/server';
import { realm } from './helpers/realm';

// A real Squid 5 (scripts/squid.sh) that authenticates users with negotiate_kerberos_auth and
// the SPN HTTP/proxy.localhost, as corporate proxies are set up: it never sends a final token.
// Its access log has one line per request: status, method, URL, user and Proxy-Authorization.
const squidPort = () => Number(process.env.SQUID_PORT);
const squidLog = () => process.env.SQUID_LOG as string;
const squidHost = 'proxy.localhost';
const proxy = (): AxiosProxyConfig => ({ protocol: 'http', host: squidHost, port: squidPort() });

/** axios's `lookup`: proxy.localhost is the proxy's name, reached on 127.0.0.1. */
async function lookup(hostname: string): Promise<[string, number]> {
  if (hostname === squidHost) return ['127.0.0.1', 4];
  const { address, family } = await dnsLookup(hostname);
  return [address, family];
}

interface SquidLine {
  status: number;
  method: string;
  url: string;
  user: string;
  proxyAuth: string;
  /** The client's port: the same for requests on one kept-alive connection. */
  clientPort: string;
}

function squidLinesSince(offset: number): SquidLine[] {
  return readFileSync(squidLog(), 'utf8')
    .slice(offset)
    .split('\n')
    .map((line) => /^\S+ (\d+) (\S+) (\S+) user=(\S+) proxy_auth=(\S+) client_port=(\d+)/.exec(line))
    .filter((match) => match !== null)
    .map((m) => ({
      status: Number(m[1]),
      method: m[2]!,
      url: m[3]!,
      user: m[4]!,
      proxyAuth: m[5]!,
      clientPort: m[6]!,
    }));
}

/** Squid writes a line when a transaction ends, just after the client has its answer. */
async function squidLines(offset: number, marker: string, count: number): Promise<SquidLine[]> {
  const read = () => squidLinesSince(offset).filter((line) => line.url.includes(marker));
  for (let i = 0; i < 120 && read().length < count; i++) await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, 100));
  return read();
}

const logLength = () => readFileSync(squidLog(), 'utf8').length;

const cleanups: (() => unknown)[] = [];
const agents: (http.Agent | https.Agent)[] = [];
/** Squid logs a CONNECT when its tunnel closes: closing the client's agents closes them. */
const closeTunnels = () => agents.splice(0).forEach((agent) => agent.destroy());
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** An axios instance with the plugin and a fresh agent of its own, destroyed after the test. */
function client(options: KerberosAuthOptions, defaults: CreateAxiosDefaults = {}): AxiosInstance {
  const httpAgent = (defaults.httpAgent as http.Agent | undefined) ?? new http.Agent({ keepAlive: true });
  const httpsAgent =
    (defaults.httpsAgent as https.Agent | undefined) ??
    new https.Agent({ keepAlive: true, ca: readFileSync(process.env.TLS_CA as string) });
  agents.push(httpAgent, httpsAgent);
  cleanups.push(closeTunnels);
  const api = axios.create({ httpAgent, httpsAgent, lookup, ...defaults });
  kerberosAuth(options).install(api);
  return api;
}

/**
 * An https origin with a real GSS acceptor (the realm's HTTP/localhost key): 401 Negotiate
 * without a token; with one, 200 and its own final token (mutual authentication). `/moved`
 * is a public page that redirects to `redirect`.
 */
async function startHttpsOrigin(
  tls: https.ServerOptions = {},
  redirect?: string,
): Promise<{ url: string; users: string[] }> {
  const users: string[] = [];
  const server = https.createServer(
    { cert: readFileSync(process.env.TLS_CERT as string), key: readFileSync(process.env.TLS_KEY as string), ...tls },
    (req, res) => {
      req.resume();
      if (redirect !== undefined && req.url === '/moved') {
        res.writeHead(302, { Location: redirect }).end();
        return;
      }
      const header = req.headers.authorization;
      if (typeof header !== 'string' || !header.startsWith('Negotiate ')) {
        res.writeHead(401, { 'WWW-Authenticate': 'Negotiate' }).end();
        return;
      }
      void (async () => {
        try {
          const acceptor = await kerberos.initializeServer('HTTP@localhost');
          await acceptor.step(header.slice('Negotiate '.length));
          users.push(acceptor.username);
          res.writeHead(200, {
            'X-Remote-User': acceptor.username,
            'WWW-Authenticate': `Negotiate ${acceptor.response}`,
          });
          res.end('secret data');
        } catch (error) {
          res.writeHead(500).end(String(error));
        }
      })();
    },
  );
  const { port, close } = await listen(server);
  cleanups.push(close);
  return { url: `https://localhost:${port}`, users };
}

describe('Squid with Kerberos proxy authentication, plain-http targets', () => {
  it('authenticates to a listed proxy by name (proxy.localhost via axios `lookup`) with the default options: 200, user logged', async () => {
    const api = client({ proxies: squidHost }, { proxy: proxy() });
    const before = logLength();
    const response = await api.get(`${realm.url}/public/?squid-default`);
    expect(response.status).toBe(200);
    const lines = await squidLines(before, 'squid-default', 1);
    expect(lines).toEqual([expect.objectContaining({ status: 200, user: realm.alice })]);
  });

  it('sends the proxy token up front: no 407', async () => {
    const api = client({ proxies: squidHost }, { proxy: proxy() });
    const before = logLength();
    await api.get(`${realm.url}/public/?squid-preemptive`);
    const lines = await squidLines(before, 'squid-preemptive', 1);
    expect(lines.map((line) => line.status)).toEqual([200]);
    expect(lines[0]!.proxyAuth).toMatch(/^Negotiate/);
  });

  it('with `preemptive: false`, answers exactly one 407', async () => {
    const api = client({ proxies: squidHost, preemptive: false }, { proxy: proxy() });
    const before = logLength();
    await api.get(`${realm.url}/public/?squid-lazy`);
    const lines = await squidLines(before, 'squid-lazy', 2);
    expect(lines.map((line) => [line.status, line.user])).toEqual([
      [407, '-'],
      [200, realm.alice],
    ]);
  });

  it('carries a proxy token and an origin token in one request', async () => {
    const api = client({ proxies: squidHost, hosts: 'localhost' }, { proxy: proxy() });
    const before = logLength();
    const response = await api.get(`${realm.url}/negotiate/?squid-both`);
    expect(response.headers['x-remote-user']).toBe(realm.alice);
    expect(await squidLines(before, 'squid-both', 1)).toEqual([
      expect.objectContaining({ status: 200, user: realm.alice }),
    ]);
  });

  it('turns a 407 Negotiate from a proxy not in `proxies` into a typed error, with no token sent', async () => {
    const api = client({}, { proxy: proxy() });
    const before = logLength();
    await expect(api.get(`${realm.url}/public/?squid-unlisted`)).rejects.toMatchObject({
      code: 'ERR_KERBEROS_PROXY_AUTH_REQUIRED',
      host: squidHost,
    });
    const lines = await squidLines(before, 'squid-unlisted', 1);
    expect(lines.map((line) => [line.status, line.proxyAuth])).toEqual([[407, '-']]);
  });

  it('authenticates 50 concurrent requests through the proxy', async () => {
    const api = client({ proxies: squidHost }, { proxy: proxy() });
    const before = logLength();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => api.get(`${realm.url}/public/?squid-many-${i}`)),
    );
    expect(responses.every((response) => response.status === 200)).toBe(true);
    const lines = await squidLines(before, 'squid-many-', 50);
    expect(lines.filter((line) => line.status === 200 && line.user === realm.alice)).toHaveLength(50);
  });

  // Squid binds Negotiate to the connection: a request without a token on a connection an
  // earlier one authenticated is let through as that user. The plugin does not rely on it.
  it('sends its own token with every request on a kept-alive connection', async () => {
    const api = client(
      { proxies: squidHost },
      { proxy: proxy(), httpAgent: new http.Agent({ keepAlive: true, maxSockets: 1 }) },
    );
    const before = logLength();
    for (const n of [1, 2, 3]) await api.get(`${realm.url}/public/?squid-keepalive-${n}`);
    const lines = await squidLines(before, 'squid-keepalive-', 3);
    expect(lines.map((line) => [line.status, line.user, line.proxyAuth.startsWith('Negotiate')])).toEqual([
      [200, realm.alice, true],
      [200, realm.alice, true],
      [200, realm.alice, true],
    ]);
    expect(new Set(lines.map((line) => line.clientPort)).size).toBe(1);
  });

  it('uses the proxy from HTTP_PROXY, as axios does', async () => {
    process.env.HTTP_PROXY = `http://${squidHost}:${squidPort()}`;
    cleanups.push(() => delete process.env.HTTP_PROXY);
    const api = client({ proxies: squidHost });
    const before = logLength();
    expect((await api.get(`${realm.url}/public/?squid-env-http`)).status).toBe(200);
    expect(await squidLines(before, 'squid-env-http', 1)).toEqual([
      expect.objectContaining({ status: 200, user: realm.alice }),
    ]);
  });
});

describe('Squid with Kerberos proxy authentication, https targets through CONNECT', () => {
  it("opens the tunnel with a token, and verifies the origin's own token inside it", async () => {
    const origin = await startHttpsOrigin();
    const api = client({ proxies: squidHost, hosts: 'localhost', mutual: 'required' }, { proxy: proxy() });
    const before = logLength();
    const response = await api.get(`${origin.url}/?tls`);
    expect(response.data).toBe('secret data');
    expect(origin.users).toEqual([realm.alice]);
    closeTunnels();
    const port = new URL(origin.url).port;
    const lines = await squidLines(before, `localhost:${port}`, 1);
    expect(lines).toEqual([expect.objectContaining({ method: 'CONNECT', status: 200, user: realm.alice })]);
  });

  it('uses the proxy from HTTPS_PROXY, honouring NO_PROXY for others', async () => {
    const origin = await startHttpsOrigin();
    process.env.HTTPS_PROXY = `http://${squidHost}:${squidPort()}`;
    process.env.NO_PROXY = 'elsewhere.example';
    cleanups.push(
      () => delete process.env.HTTPS_PROXY,
      () => delete process.env.NO_PROXY,
    );
    const api = client({ proxies: squidHost, hosts: 'localhost', mutual: 'required' });
    const before = logLength();
    expect((await api.get(`${origin.url}/`)).headers['x-remote-user']).toBe(realm.alice);
    closeTunnels();
    const port = new URL(origin.url).port;
    expect(await squidLines(before, `localhost:${port}`, 1)).toEqual([
      expect.objectContaining({ method: 'CONNECT', status: 200, user: realm.alice }),
    ]);
  });

  it('answers a 407 to the CONNECT with `preemptive: false`', async () => {
    const origin = await startHttpsOrigin();
    const api = client({ proxies: squidHost, hosts: 'localhost', preemptive: false }, { proxy: proxy() });
    const before = logLength();
    expect((await api.get(`${origin.url}/`)).status).toBe(200);
    closeTunnels();
    const port = new URL(origin.url).port;
    const lines = await squidLines(before, `localhost:${port}`, 2);
    expect(lines.map((line) => [line.method, line.status])).toEqual([
      ['CONNECT', 407],
      ['CONNECT', 200],
    ]);
  });

  it('never sends the origin token towards a proxy not in `proxies`: typed error, nothing sent', async () => {
    const origin = await startHttpsOrigin();
    // An unlisted proxy is left to axios, which opens the tunnel itself and does not use
    // `lookup` for the proxy's name: address it by IP.
    const api = client({ hosts: 'localhost' }, { proxy: { ...proxy(), host: '127.0.0.1' } });
    const before = logLength();
    await expect(api.get(`${origin.url}/`)).rejects.toMatchObject({ code: 'ERR_KERBEROS_PROXY_AUTH_REQUIRED' });
    expect(origin.users).toEqual([]);
    closeTunnels();
    const port = new URL(origin.url).port;
    const lines = await squidLines(before, `localhost:${port}`, 1);
    expect(lines.map((line) => [line.method, line.status, line.proxyAuth])).toEqual([['CONNECT', 407, '-']]);
  });

  it("applies the caller's httpsAgent TLS options to the origin inside the tunnel", async () => {
    const origin = await startHttpsOrigin();
    const untrusting = client(
      { proxies: squidHost, hosts: 'localhost' },
      { proxy: proxy(), httpsAgent: new https.Agent() },
    );
    await expect(untrusting.get(`${origin.url}/`)).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    const lax = client(
      { proxies: squidHost, hosts: 'localhost' },
      { proxy: proxy(), httpsAgent: new https.Agent({ rejectUnauthorized: false }) },
    );
    expect((await lax.get(`${origin.url}/`)).status).toBe(200);
  });

  it("presents the caller's client certificate to an origin that asks for one", async () => {
    const ca = readFileSync(process.env.TLS_CA as string);
    const origin = await startHttpsOrigin({ requestCert: true, rejectUnauthorized: true, ca });
    const httpsAgent = new https.Agent({
      ca,
      cert: readFileSync(process.env.TLS_CLIENT_CERT as string),
      key: readFileSync(process.env.TLS_CLIENT_KEY as string),
    });
    const api = client({ proxies: squidHost, hosts: 'localhost' }, { proxy: proxy(), httpsAgent });
    expect((await api.get(`${origin.url}/`)).headers['x-remote-user']).toBe(realm.alice);
    const without = client({ proxies: squidHost, hosts: 'localhost' }, { proxy: proxy() });
    await expect(without.get(`${origin.url}/`)).rejects.toBeDefined();
  });

  // Each hop is routed from the caller's own `proxy`: the tunnel's `proxy: false` must not
  // send the plain-http hop around Squid, straight to the origin.
  it('sends a redirect from an https page to plain http through Squid, with a fresh token', async () => {
    const origin = await startHttpsOrigin({}, `${realm.url}/public/?squid-hop-from-https`);
    const api = client({ proxies: squidHost, hosts: 'localhost' }, { proxy: proxy() });
    const before = logLength();
    const response = await api.get(`${origin.url}/moved`);
    expect(response.status).toBe(200);
    const lines = await squidLines(before, 'squid-hop-from-https', 1);
    expect(lines.map((line) => [line.method, line.status, line.user])).toEqual([['GET', 200, realm.alice]]);
    expect(lines[0]?.proxyAuth).toMatch(/^Negotiate/);
  });

  it('sends a redirect from plain http to an https page through a tunnel of its own', async () => {
    const origin = await startHttpsOrigin();
    const mover = http.createServer((_req, res) => res.writeHead(302, { Location: `${origin.url}/?moved` }).end());
    const { port, close } = await listen(mover);
    cleanups.push(close);
    const api = client({ proxies: squidHost, hosts: 'localhost' }, { proxy: proxy() });
    const before = logLength();
    const response = await api.get(`http://127.0.0.1:${port}/squid-hop-to-https`);
    expect(response.headers['x-remote-user']).toBe(realm.alice);
    closeTunnels();
    const lines = [
      ...(await squidLines(before, 'squid-hop-to-https', 1)),
      ...(await squidLines(before, `localhost:${new URL(origin.url).port}`, 1)),
    ];
    expect(lines.map((line) => [line.method, line.status, line.user])).toEqual([
      ['GET', 302, realm.alice],
      ['CONNECT', 200, realm.alice],
    ]);
  });

  it('follows the redirects of a tunnelled request that carries no origin token', async () => {
    const origin = await startHttpsOrigin({}, `${realm.url}/public/?squid-hop-untokened`);
    process.env.HTTP_PROXY = `http://${squidHost}:${squidPort()}`;
    process.env.HTTPS_PROXY = `http://${squidHost}:${squidPort()}`;
    cleanups.push(
      () => delete process.env.HTTP_PROXY,
      () => delete process.env.HTTPS_PROXY,
    );
    const api = client({ proxies: squidHost, hosts: 'origin.example.test' });
    const before = logLength();
    const response = await api.get(`${origin.url}/moved`);
    expect((response.request as { res: { responseUrl: string } }).res.responseUrl).toBe(
      `${realm.url}/public/?squid-hop-untokened`,
    );
    expect(await squidLines(before, 'squid-hop-untokened', 1)).toEqual([
      expect.objectContaining({ method: 'GET', status: 200, user: realm.alice }),
    ]);
  });

  it('keeps tunnels alive: 50 concurrent requests, each answered for alice', async () => {
    const origin = await startHttpsOrigin();
    const api = client({ proxies: squidHost, hosts: 'localhost' }, { proxy: proxy() });
    const responses = await Promise.all(Array.from({ length: 50 }, () => api.get(`${origin.url}/`)));
    expect(responses.every((response) => response.headers['x-remote-user'] === realm.alice)).toBe(true);
    expect(origin.users).toHaveLength(50);
  });
});

describe('a proxy that forges its final token (scripted Node proxy, real GSS)', () => {
  /** Answers every CONNECT with 200 and a Proxy-Authenticate token that is not from our context. */
  async function startForgingProxy(): Promise<{ port: number; connects: string[] }> {
    const connects: string[] = [];
    const forged = Buffer.from('a token that is not the proxy answer to ours').toString('base64');
    const server = http.createServer((req, res) => {
      connects.push(String(req.headers['proxy-authorization'] ?? '-'));
      res.writeHead(200, { 'Proxy-Authenticate': `Negotiate ${forged}` }).end('forged');
    });
    server.on('connect', (req: http.IncomingMessage, socket: Socket) => {
      connects.push(String(req.headers['proxy-authorization'] ?? '-'));
      socket.end(`HTTP/1.1 200 Connection established\r\nProxy-Authenticate: Negotiate ${forged}\r\n\r\n`);
    });
    const { port, close } = await listen(server);
    cleanups.push(close);
    return { port, connects };
  }

  it('refuses the tunnel, and sends nothing to the origin', async () => {
    const forging = await startForgingProxy();
    const api = client(
      { proxies: 'localhost', hosts: 'localhost' },
      {
        proxy: { protocol: 'http', host: 'localhost', port: forging.port },
      },
    );
    await expect(api.get('https://localhost:1/')).rejects.toMatchObject({ code: 'ERR_KERBEROS_MUTUAL_AUTH' });
    expect(forging.connects).toEqual([expect.stringMatching(/^Negotiate /)]);
  });

  it('withholds a plain-http response', async () => {
    const forging = await startForgingProxy();
    const api = client(
      { proxies: 'localhost' },
      { proxy: { protocol: 'http', host: 'localhost', port: forging.port } },
    );
    await expect(api.get('http://origin.example.test/')).rejects.toMatchObject({ code: 'ERR_KERBEROS_MUTUAL_AUTH' });
  });
});
