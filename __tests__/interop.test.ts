import axios from 'axios';
import axiosRetry, { isNetworkOrIdempotentRequestError } from 'axios-retry';
import { isKerberosAuthError } from '../lib/errors/kerberos-auth-error';
import { createPlugin } from '../lib/interceptors/install';
import { resolveOptions } from '../lib/options';
import { FakeGss, decodeToken, encodeToken } from './helpers/fake-gss';
import { fakeAcceptor } from './helpers/acceptor';
import { negotiateToken, startServer, type TestServer } from './helpers/server';
import { leaks, rejectionOf } from './helpers/security';

let server: TestServer | undefined;
afterEach(() => server?.close());

describe("with axios's fetch adapter", () => {
  it('sends the token up front and verifies the server', async () => {
    server = await startServer(fakeAcceptor().handler);
    const api = axios.create({ baseURL: server.url, adapter: 'fetch' });
    const gss = new FakeGss();
    createPlugin(resolveOptions({ hosts: '127.0.0.1' }), gss).install(api);
    const response = await api.get('/x');
    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(1);
    expect(gss.contexts[0]!.complete).toBe(true);
  });

  it('answers a 401 challenge and re-sends the body once', async () => {
    server = await startServer(fakeAcceptor().handler);
    const api = axios.create({ baseURL: server.url, adapter: 'fetch' });
    createPlugin(resolveOptions({}), new FakeGss()).install(api);
    const response = await api.post('/x', { a: 1 });
    expect(response.status).toBe(200);
    expect(server.requests.map((r) => r.body.toString())).toEqual(['{"a":1}', '{"a":1}']);
    expect(negotiateToken(server.requests[1]!)).toBeDefined();
  });
});

describe('with an instance made by another copy of axios (as axios’s ES module build is)', () => {
  // A second copy of axios, loaded apart from the one the plugin imports: its AxiosHeaders is
  // another class, as with axios's ES module build beside this package's CommonJS code.
  function otherAxios(): typeof axios {
    let other!: typeof axios;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      other = (require('axios') as { default: typeof axios }).default;
    });
    expect(other.AxiosHeaders).not.toBe(axios.AxiosHeaders);
    return other;
  }

  it('re-sends after a 401 and follows a redirect with only the headers the request had', async () => {
    const acceptor = fakeAcceptor();
    server = await startServer((request, response) => {
      if (request.url === '/old') response.writeHead(302, { Location: '/new' }).end();
      else acceptor.handler(request, response);
    });
    const api = otherAxios().create({ baseURL: server.url, headers: { 'X-Caller': 'yes' } });
    createPlugin(resolveOptions({ hosts: '127.0.0.1', mutual: 'optional' }), new FakeGss()).install(api);
    await api.get('/x', { kerberos: { preemptive: false } }); // 401, then the re-send
    await api.get('/old'); // a token, a 302, then the hop with its own token
    const names = server.requests.map((r) => Object.keys(r.headers).filter((name) => !/^[a-z-]+$/.test(name)));
    expect(names.flat()).toEqual([]);
    expect(server.requests.map((r) => r.headers['x-caller'])).toEqual(['yes', 'yes', 'yes', 'yes']);
    expect(server.requests.map((r) => negotiateToken(r) !== undefined)).toEqual([false, true, true, true]);
  });

  it('keeps spent tokens out of its errors', async () => {
    server = await startServer((_request, response) => response.writeHead(500).end('boom'));
    const api = otherAxios().create({ baseURL: server.url });
    createPlugin(resolveOptions({ hosts: '127.0.0.1' }), new FakeGss()).install(api);
    const error = await rejectionOf(api.get('/x'));
    const token = negotiateToken(server.requests[0]!)!;
    expect(leaks(error, [token])).toEqual([]);
  });
});

describe('beside axios-retry', () => {
  // A server that fails once with 503, then wants Negotiate.
  async function flakyKerberosServer() {
    const acceptor = fakeAcceptor();
    let failed = false;
    return startServer((request, response) => {
      if (!failed) {
        failed = true;
        response.writeHead(503).end();
        return;
      }
      acceptor.handler(request, response);
    });
  }

  it('retries a 503 and answers the challenge when installed after axios-retry', async () => {
    server = await flakyKerberosServer();
    const api = axios.create({ baseURL: server.url });
    axiosRetry(api, { retries: 2, retryDelay: () => 0 });
    createPlugin(resolveOptions({}), new FakeGss()).install(api);
    expect((await api.get('/x')).status).toBe(200);
    expect(server.requests.map((r) => r.headers.authorization === undefined)).toEqual([true, true, false]);
  });

  it('retries a 503 and answers the challenge when installed before axios-retry', async () => {
    server = await flakyKerberosServer();
    const api = axios.create({ baseURL: server.url });
    createPlugin(resolveOptions({}), new FakeGss()).install(api);
    axiosRetry(api, { retries: 2, retryDelay: () => 0 });
    expect((await api.get('/x')).status).toBe(200);
    expect(server.requests).toHaveLength(3);
  });

  it('mints a fresh token for every retry of a pre-emptive request', async () => {
    server = await flakyKerberosServer();
    const api = axios.create({ baseURL: server.url });
    axiosRetry(api, { retries: 2, retryDelay: () => 0 });
    createPlugin(resolveOptions({ hosts: '127.0.0.1' }), new FakeGss()).install(api);
    expect((await api.get('/x')).status).toBe(200);
    const tokens = server.requests.map((r) => negotiateToken(r));
    expect(tokens).toHaveLength(2);
    expect(new Set(tokens).size).toBe(2);
  });

  it("keeps the caller's redirect settings in a retry of a request that carried a token", async () => {
    let failed = false;
    server = await startServer((request, response) => {
      if (!failed) {
        failed = true;
        response.writeHead(503).end();
        return;
      }
      const token = decodeToken(negotiateToken(request) ?? '');
      const final = `Negotiate ${encodeToken({ kind: 'final', id: token?.id ?? 0, spn: token?.spn ?? '' })}`;
      if (request.url === '/x') response.writeHead(302, { Location: '/y', 'WWW-Authenticate': final }).end();
      else response.writeHead(200, { 'WWW-Authenticate': final }).end('y');
    });
    const api = axios.create({ baseURL: server.url });
    axiosRetry(api, { retries: 2, retryDelay: () => 0 });
    createPlugin(resolveOptions({ hosts: '127.0.0.1' }), new FakeGss()).install(api);
    const response = await api.get('/x');
    expect(response.data).toBe('y');
    expect(server.requests.map((r) => r.url)).toEqual(['/x', '/x', '/y']);
  });

  it('does not retry Kerberos errors with the retryCondition the docs recommend', async () => {
    const acceptor = fakeAcceptor({ finalToken: () => encodeToken({ kind: 'final', id: 999, spn: 'forged' }) });
    server = await startServer(acceptor.handler);
    const api = axios.create({ baseURL: server.url });
    createPlugin(resolveOptions({ hosts: '127.0.0.1' }), new FakeGss()).install(api);
    axiosRetry(api, {
      retries: 3,
      retryDelay: () => 0,
      retryCondition: (error) => !isKerberosAuthError(error) && isNetworkOrIdempotentRequestError(error),
    });
    await expect(api.get('/x')).rejects.toMatchObject({ code: 'ERR_KERBEROS_MUTUAL_AUTH' });
    expect(server.requests).toHaveLength(1);
  });
});
