import axios, { type CreateAxiosDefaults } from 'axios';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wrapper } from 'axios-cookiejar-support';
import { CookieJar } from 'tough-cookie';
import { createPlugin } from '../../lib/interceptors/install';
import { resolveOptions, type KerberosAuthOptions } from '../../lib/options';
import { FakeGss } from '../helpers/fake-gss';
import { sessionAcceptor } from '../helpers/session-acceptor';
import { listen, negotiateToken, startServer, type RecordedRequest, type TestServer } from '../helpers/server';
import { guardEachTest, leaks, rejectionOf } from '../helpers/security';
import '../../lib/augment';

const { track } = guardEachTest();

async function serve(handler: Parameters<typeof startServer>[0], host?: string): Promise<TestServer> {
  return track(await startServer(handler, host));
}

function client(server: TestServer, options: KerberosAuthOptions, gss = new FakeGss()) {
  const api = axios.create({ baseURL: server.url });
  const handle = createPlugin(resolveOptions(options), gss).install(api);
  return { api, gss, handle };
}

/**
 * A session site and a client whose token takes a moment to make, so that concurrent requests
 * race on the handshake.
 */
async function racingSession() {
  const acceptor = sessionAcceptor();
  const server = await serve(acceptor.handler);
  const gss = new FakeGss();
  gss.delayMs = 5;
  const { api } = client(server, { hosts: '127.0.0.1', session: true }, gss);
  return { acceptor, server, api };
}

/**
 * A session site that, once `startFailing()` was called, answers every request 500 with a
 * renewed session cookie.
 */
async function sessionSiteThatFails() {
  const acceptor = sessionAcceptor();
  let fail = false;
  const server = await serve((req, res) => {
    if (fail) res.writeHead(500, { 'Set-Cookie': 'hadoop.auth=renewed-secret; Path=/' }).end('boom');
    else acceptor.handler(req, res);
  });
  const startFailing = () => {
    fail = true;
  };
  return { acceptor, server, startFailing };
}

async function sequentially(count: number, request: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < count; i++) await request();
}

describe('session: true', () => {
  it('authenticates once and sends the session cookie instead of a token afterwards', async () => {
    const acceptor = sessionAcceptor();
    const server = await serve(acceptor.handler);
    const { api, gss } = client(server, { hosts: '127.0.0.1', session: true });
    await sequentially(20, () => api.get('/x'));
    expect(acceptor.stats).toEqual({ tokens: 1, challenges: 0, onSession: 19 });
    expect(gss.contexts).toHaveLength(1);
    expect(server.requests.slice(1).every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(server.requests[1]!.headers.cookie).toMatch(/^hadoop\.auth=[0-9a-f]+$/);
  });

  it('is off by default: every request gets its own token', async () => {
    const acceptor = sessionAcceptor();
    const server = await serve(acceptor.handler);
    const { api } = client(server, { hosts: '127.0.0.1' });
    await sequentially(5, () => api.get('/x'));
    expect(acceptor.stats.tokens).toBe(5);
    expect(server.requests.every((r) => r.headers.cookie === undefined)).toBe(true);
  });

  it('sends a token instead for a request with `kerberos: { session: false }`', async () => {
    const acceptor = sessionAcceptor();
    const server = await serve(acceptor.handler);
    const { api } = client(server, { hosts: '127.0.0.1', session: true });
    await api.get('/x');
    await api.get('/x', { kerberos: { session: false } });
    expect(acceptor.stats.tokens).toBe(2);
    expect(server.requests[1]!.headers.cookie).toBeUndefined();
  });

  it('also keeps the session of a host that challenged first (`preemptive: false`)', async () => {
    const acceptor = sessionAcceptor();
    const server = await serve(acceptor.handler);
    const { api } = client(server, { hosts: '127.0.0.1', session: true, preemptive: false });
    await sequentially(5, () => api.get('/x'));
    expect(acceptor.stats).toEqual({ tokens: 1, challenges: 1, onSession: 4 });
  });

  it('keeps the caller’s own Cookie header next to the session cookie', async () => {
    const acceptor = sessionAcceptor();
    const server = await serve(acceptor.handler);
    const { api } = client(server, { hosts: '127.0.0.1', session: true });
    await api.get('/x');
    await api.get('/x', { headers: { Cookie: 'theme=dark' } });
    expect(server.requests[1]!.headers.cookie).toMatch(/^theme=dark; hadoop\.auth=/);
    expect(acceptor.stats.onSession).toBe(1);
  });

  it('answers a 401 on an expired session with one token and takes the new session', async () => {
    const acceptor = sessionAcceptor();
    const server = await serve(acceptor.handler);
    const { api, gss } = client(server, { hosts: '127.0.0.1', session: true });
    await sequentially(3, () => api.get('/x'));
    acceptor.expire();
    const response = await api.get('/x');
    expect(response.data).toEqual({ user: 'alice@FAKE', via: 'token' });
    await sequentially(3, () => api.get('/x'));
    expect(acceptor.stats).toEqual({ tokens: 2, challenges: 1, onSession: 5 });
    expect(gss.contexts).toHaveLength(2);
    // The re-send carries the token, not the dead cookie.
    const resend = server.requests[4]!;
    expect(negotiateToken(resend)).toBeDefined();
    expect(resend.headers.cookie).toBeUndefined();
    // One extra round trip for the expiry: 3 + (401 + re-send) + 3.
    expect(server.requests).toHaveLength(8);
  });

  it('renews an expired session once when 16 requests on it meet the 401 together', async () => {
    const { acceptor, server, api } = await racingSession();
    await api.get('/x');
    acceptor.expire();
    const responses = await Promise.all(Array.from({ length: 16 }, () => api.get('/x', { data: 'body' })));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    // Each request takes its one extra round trip; one of them renews the session with a token
    // and the others go again on the new session.
    expect(acceptor.stats.challenges).toBe(16);
    expect(acceptor.stats.tokens).toBeLessThanOrEqual(3);
    expect(acceptor.stats.onSession).toBeGreaterThanOrEqual(13);
    // A re-send on the renewed session carries the body again, and no token.
    const again = server.requests.slice(17).filter((r) => r.headers.authorization === undefined);
    expect(again.length).toBeGreaterThanOrEqual(13);
    expect(again.every((r) => r.body.toString() === 'body' && /^hadoop\.auth=/.test(r.headers.cookie ?? ''))).toBe(
      true,
    );
  });

  it('works with an instance made by another copy of axios (as axios’s ES module build is)', async () => {
    // A second copy of axios, loaded apart from the one this code imports: its AxiosHeaders is
    // another class, as with axios's ES module build beside this package's CommonJS code.
    let otherAxios!: typeof axios;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      otherAxios = (require('axios') as { default: typeof axios }).default;
    });
    expect(otherAxios.AxiosHeaders).not.toBe(axios.AxiosHeaders);
    const { acceptor, server, startFailing } = await sessionSiteThatFails();
    const api = otherAxios.create({ baseURL: server.url });
    createPlugin(resolveOptions({ hosts: '127.0.0.1', session: true }), new FakeGss()).install(api);
    await api.get('/x');
    acceptor.expire();
    await Promise.all(Array.from({ length: 4 }, () => api.get('/x')));
    // The renewing request went with a token only, not the dead cookie as well.
    const renewal = server.requests.find((r, i) => i > 0 && negotiateToken(r) !== undefined)!;
    expect(renewal.headers.cookie).toBeUndefined();
    expect(acceptor.stats.tokens).toBe(2);
    startFailing();
    const error = await rejectionOf(api.get('/x'));
    const cookie = server.requests.at(-1)!.headers.cookie!;
    expect(leaks(error, [cookie, 'renewed-secret'])).toEqual([]);
  });

  it('still holds a request that sent a token to mutual authentication, and keeps no session from it', async () => {
    const acceptor = sessionAcceptor({ mutualToken: false });
    const server = await serve(acceptor.handler);
    const { api } = client(server, { hosts: '127.0.0.1', session: true });
    // The token-authenticated response has no server token: refused under 'required', and no session from it.
    await expect(api.get('/x')).rejects.toMatchObject({ code: 'ERR_KERBEROS_MUTUAL_AUTH' });
    await expect(api.get('/x')).rejects.toMatchObject({ code: 'ERR_KERBEROS_MUTUAL_AUTH' });
    expect(server.requests.every((r) => r.headers.cookie === undefined)).toBe(true);
  });

  it('refuses cookies from a response whose server token is missing (a forged 200 on http:)', async () => {
    // An attacker on the path answers the token with 200 + Set-Cookie and no server token.
    const server = await serve((_req, res) =>
      res.writeHead(200, { 'Set-Cookie': 'hadoop.auth=planted; Path=/' }).end('forged'),
    );
    const { api } = client(server, { hosts: '127.0.0.1', session: true, mutual: 'optional' });
    await sequentially(3, () => api.get('/x'));
    expect(server.requests.every((r) => r.headers.cookie === undefined)).toBe(true);
    expect(server.requests.every((r) => negotiateToken(r) !== undefined)).toBe(true);
  });

  it('refuses cookies when mutual authentication is disabled on http:', async () => {
    const acceptor = sessionAcceptor();
    const server = await serve(acceptor.handler);
    const { api } = client(server, { hosts: '127.0.0.1', session: true, mutual: 'disabled' });
    await sequentially(3, () => api.get('/x'));
    expect(acceptor.stats.tokens).toBe(3);
  });

  it('sends session cookies only to the origin that set them', async () => {
    const a = sessionAcceptor({ attributes: 'Path=/' });
    const serverA = await serve(a.handler);
    const b = sessionAcceptor();
    const serverB = await serve(b.handler); // same host, another port: another origin
    const c = sessionAcceptor();
    const serverC = await serve(c.handler, '127.0.0.2');
    const gss = new FakeGss();
    const api = axios.create();
    createPlugin(resolveOptions({ hosts: ['127.0.0.1', '127.0.0.2'], session: true }), gss).install(api);
    await api.get(`${serverA.url}/x`);
    await api.get(`${serverB.url}/x`);
    await api.get(`${serverC.url}/x`);
    await api.get(`${serverA.url}/x`);
    expect(serverB.requests[0]!.headers.cookie).toBeUndefined();
    expect(serverC.requests[0]!.headers.cookie).toBeUndefined();
    expect(serverA.requests[1]!.headers.cookie).toMatch(/^hadoop\.auth=/);
    expect([a.stats.tokens, b.stats.tokens, c.stats.tokens]).toEqual([1, 1, 1]);
  });

  it('follows the cookie’s Path', async () => {
    const acceptor = sessionAcceptor({ attributes: 'Path=/app' });
    const server = await serve(acceptor.handler);
    const { api } = client(server, { hosts: '127.0.0.1', session: true });
    await api.get('/app/login');
    await api.get('/app/data');
    await api.get('/other');
    expect(server.requests.map((r) => r.headers.cookie !== undefined)).toEqual([false, true, false]);
  });

  it('keeps the cookie to its origin and path across the redirect hops it follows', async () => {
    const other = await serve((_req, res) => res.writeHead(200).end('other'), '127.0.0.2');
    const acceptor = sessionAcceptor({ attributes: 'Path=/app' });
    const server = await serve((req, res) => {
      if (req.url === '/app/to-public') res.writeHead(302, { Location: '/public' }).end();
      else if (req.url === '/app/to-app') res.writeHead(302, { Location: '/app/data' }).end();
      else if (req.url === '/app/to-other') res.writeHead(302, { Location: `${other.url}/x` }).end();
      else if (req.url === '/public') res.writeHead(200).end('public');
      else acceptor.handler(req, res);
    });
    // 'optional': the public page answers the token a listed host gets on every hop without one.
    const { api } = client(server, { hosts: ['127.0.0.1', '127.0.0.2'], session: true, mutual: 'optional' });
    await api.get('/app/login');
    await api.get('/app/to-public');
    await api.get('/app/to-app');
    await api.get('/app/to-other', { headers: { Cookie: 'theme=dark' } });
    const sent = (url: string) => server.requests.find((r) => r.url === url)!;
    expect(sent('/app/to-public').headers.cookie).toMatch(/^hadoop\.auth=/);
    // Outside the cookie's path: no cookie; the listed host gets a token instead.
    expect(sent('/public').headers.cookie).toBeUndefined();
    expect(negotiateToken(sent('/public'))).toBeDefined();
    // Within it: the cookie, and no token.
    expect(sent('/app/data').headers.cookie).toMatch(/^hadoop\.auth=/);
    expect(negotiateToken(sent('/app/data'))).toBeUndefined();
    // Another origin never gets it (nor the caller's own cookie, as axios does on another host).
    expect(sent('/app/to-other').headers.cookie).toMatch(/^theme=dark; hadoop\.auth=/);
    expect(other.requests[0]!.headers.cookie).toBeUndefined();
    expect(acceptor.stats).toEqual({ tokens: 1, challenges: 0, onSession: 1 });
  });

  it('sends no session cookie on a redirect to a subdomain (axios keeps the caller’s own there)', async () => {
    const acceptor = sessionAcceptor();
    const server = await serve((req, res) => {
      if (req.url === '/to-sub') res.writeHead(302, { Location: `http://sub.app.test:${port}/x` }).end();
      else if (req.headers.host?.startsWith('sub.') === true) res.writeHead(200).end('sub');
      else acceptor.handler(req, res);
    });
    const port = new URL(server.url).port;
    // app.test and sub.app.test, both on the test server.
    const lookup = (_host: string, _options: object, done: (error: null, address: string, family: number) => void) =>
      done(null, '127.0.0.1', 4);
    const api = axios.create({ baseURL: `http://app.test:${port}`, lookup } as CreateAxiosDefaults);
    createPlugin(resolveOptions({ hosts: 'app.test', session: true }), new FakeGss()).install(api);
    await api.get('/x');
    await api.get('/to-sub', { headers: { Cookie: 'theme=dark' } });
    expect(server.requests.find((r) => r.url === '/to-sub')!.headers.cookie).toMatch(/^theme=dark; hadoop\.auth=/);
    const hop = server.requests.find((r) => r.headers.host?.startsWith('sub.') === true)!;
    expect(hop.headers.cookie).toBe('theme=dark');
  });

  it('costs a handful of tokens, not one per request, when 16 requests race on the first handshake', async () => {
    const { acceptor, api } = await racingSession();
    const responses = await Promise.all(Array.from({ length: 16 }, () => api.get('/x')));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(acceptor.stats.tokens).toBeLessThanOrEqual(2);
    expect(acceptor.stats.challenges).toBe(0);
  });

  it('keeps session cookies out of errors', async () => {
    const { server, startFailing } = await sessionSiteThatFails();
    const { api } = client(server, { hosts: '127.0.0.1', session: true });
    await api.get('/x');
    startFailing();
    const error = await rejectionOf(api.get('/x'));
    const cookie = server.requests[1]!.headers.cookie!;
    expect(cookie).toMatch(/^hadoop\.auth=/);
    expect(leaks(error, [cookie, cookie.split('=')[1]!, 'renewed-secret'])).toEqual([]);
  });

  it('forgets its sessions on eject()', async () => {
    const acceptor = sessionAcceptor();
    const server = await serve(acceptor.handler);
    const api = axios.create({ baseURL: server.url });
    const plugin = createPlugin(resolveOptions({ hosts: '127.0.0.1', session: true }), new FakeGss());
    plugin.install(api).eject();
    const handle = plugin.install(api);
    await api.get('/x');
    await api.get('/x');
    handle.eject();
    plugin.install(api);
    await api.get('/x');
    expect(acceptor.stats).toEqual({ tokens: 2, challenges: 0, onSession: 1 });
  });

  // A proxy that starts asking for Kerberos while a session with the origin holds (its own
  // credentials expired, or it was switched on): the two parties are authenticated apart.
  it('answers a proxy’s 407 on a request sent on the session with a proxy token only', async () => {
    const acceptor = sessionAcceptor();
    const origin = await serve(acceptor.handler);
    let proxyWantsKerberos = false;
    const proxy = await serve((request, response) => {
      if (proxyWantsKerberos && request.headers['proxy-authorization'] === undefined) {
        response.writeHead(407, { 'Proxy-Authenticate': 'Negotiate' }).end();
        return;
      }
      const headers = { ...request.headers };
      delete headers['proxy-authorization'];
      const upstream = httpRequest(request.url, { method: request.method, headers }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      upstream.on('error', () => response.writeHead(502).end());
      upstream.end(request.body);
    }, '127.0.0.2');
    const gss = new FakeGss();
    const api = axios.create({ proxy: { protocol: 'http', host: '127.0.0.2', port: proxy.port } });
    const options = { hosts: '127.0.0.1', proxies: '127.0.0.2', session: true, preemptive: false };
    createPlugin(resolveOptions(options), gss).install(api);
    await api.get(`${origin.url}/x`);
    proxyWantsKerberos = true;

    const response = await api.get(`${origin.url}/x`);
    expect(response.data).toEqual({ user: 'alice@FAKE', via: 'session' });
    // The proxy got a token of its own on the re-send; the origin still only the cookie.
    const [challenged, resent] = proxy.requests.slice(-2);
    expect(challenged!.headers.authorization).toBeUndefined();
    expect(resent!.headers['proxy-authorization']).toMatch(/^Negotiate /);
    expect(resent!.headers.authorization).toBeUndefined();
    expect(resent!.headers.cookie).toMatch(/^hadoop\.auth=[0-9a-f]+$/);
    expect(acceptor.stats).toEqual({ tokens: 1, challenges: 1, onSession: 1 });
    // One context for the origin's first handshake, one for the proxy: no origin token minted again.
    expect(gss.contexts.map((c) => c.spn)).toEqual(['HTTP@127.0.0.1', 'HTTP@127.0.0.2']);
    // The spent proxy token and the session cookie are redacted in what the caller gets.
    expect(response.config.headers['Proxy-Authorization']).toBe('Negotiate [redacted]');
    expect(response.config.headers.Cookie).toBe('[redacted]');
  });

  it('works with the fetch adapter', async () => {
    const acceptor = sessionAcceptor();
    const server = await serve(acceptor.handler);
    const api = axios.create({ baseURL: server.url, adapter: 'fetch' });
    createPlugin(resolveOptions({ hosts: '127.0.0.1', session: true }), new FakeGss()).install(api);
    await sequentially(5, () => api.get('/x'));
    expect(acceptor.stats).toEqual({ tokens: 1, challenges: 0, onSession: 4 });
  });
});

describe('session: true over https:', () => {
  // A throwaway self-signed certificate for 127.0.0.1, made with the openssl command.
  let tls: { key: Buffer; cert: Buffer };
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'axios-kerberos-tls-'));
    try {
      execFileSync(
        'openssl',
        [
          ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'],
          ...['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
          ...['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
        ],
        { stdio: 'ignore' },
      );
      tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  async function serveTls(handler: ReturnType<typeof sessionAcceptor>['handler']) {
    const requests: RecordedRequest[] = [];
    const server = createHttpsServer(tls, (req, res) => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.alloc(0),
      };
      requests.push(recorded);
      req.resume().on('end', () => handler(recorded, res));
    });
    const { port, close } = track(await listen(server));
    const api = axios.create({ baseURL: `https://127.0.0.1:${port}`, httpsAgent: new HttpsAgent({ ca: tls.cert }) });
    return { api, requests, close };
  }

  it('keeps the session of a server that sends no token, since TLS authenticated it (mutual optional)', async () => {
    const acceptor = sessionAcceptor({ mutualToken: false });
    const { api, requests } = await serveTls(acceptor.handler);
    createPlugin(resolveOptions({ hosts: '127.0.0.1', session: true }), new FakeGss()).install(api);
    await sequentially(5, () => api.get('/x'));
    expect(acceptor.stats).toEqual({ tokens: 1, challenges: 0, onSession: 4 });
    expect(requests[1]!.headers.cookie).toMatch(/^hadoop\.auth=/);
  });
});

describe('with the caller’s own cookie jar (axios-cookiejar-support)', () => {
  function jarClient(server: TestServer, options: KerberosAuthOptions) {
    const jar = new CookieJar();
    const api = wrapper(axios.create({ baseURL: server.url, jar }));
    const gss = new FakeGss();
    createPlugin(resolveOptions(options), gss).install(api);
    return { api, gss, jar };
  }

  it.each([
    ['without `session`', {}],
    ['with `session: true`', { session: true }],
  ])('stops minting tokens while the jar’s session holds (%s)', async (_title, extra) => {
    // A server that ignores a token next to a valid cookie and then sends no server token.
    const acceptor = sessionAcceptor({ cookieWins: true });
    const server = await serve(acceptor.handler);
    const { api, gss } = jarClient(server, { hosts: '127.0.0.1', ...extra });
    await sequentially(10, () => api.get('/x'));
    expect(acceptor.stats).toEqual({ tokens: 1, challenges: 0, onSession: 9 });
    expect(gss.contexts).toHaveLength(1);
    // One Cookie header from the jar, none added by the plugin.
    expect(server.requests[1]!.headers.cookie).toMatch(/^hadoop\.auth=[0-9a-f]+$/);
  });

  it('works when the plugin is installed before wrapper()', async () => {
    const acceptor = sessionAcceptor({ cookieWins: true });
    const server = await serve(acceptor.handler);
    const api = axios.create({ baseURL: server.url, jar: new CookieJar() });
    createPlugin(resolveOptions({ hosts: '127.0.0.1' }), new FakeGss()).install(api);
    wrapper(api);
    await sequentially(5, () => api.get('/x'));
    expect(acceptor.stats).toEqual({ tokens: 1, challenges: 0, onSession: 4 });
  });

  it('answers a 401 on an expired jar session with a token, and goes back to tokens up front if sessions never take', async () => {
    const acceptor = sessionAcceptor({ cookieWins: true });
    const server = await serve(acceptor.handler);
    const { api } = jarClient(server, { hosts: '127.0.0.1' });
    await api.get('/x');
    acceptor.expire();
    await api.get('/x'); // 401 on the old session, then a token: a new session
    await api.get('/x'); // on it
    expect(acceptor.stats).toEqual({ tokens: 2, challenges: 1, onSession: 1 });
    // Sessions that stop working: after two misses in a row, tokens go up front again.
    acceptor.expire();
    await api.get('/x');
    acceptor.expire();
    await api.get('/x');
    acceptor.expire();
    await api.get('/x');
    expect(acceptor.stats.challenges).toBe(3);
    expect(acceptor.stats.tokens).toBe(5);
  });

  it('costs a handful of tokens when 16 requests race on the first handshake', async () => {
    const acceptor = sessionAcceptor({ cookieWins: true });
    const server = await serve(acceptor.handler);
    const { api } = jarClient(server, { hosts: '127.0.0.1' });
    const responses = await Promise.all(Array.from({ length: 16 }, () => api.get('/x')));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(acceptor.stats.tokens).toBeLessThanOrEqual(2);
  });
});
