import axios, { type AxiosError, type AxiosRequestConfig } from 'axios';
import type { ServerResponse } from 'node:http';
import { createPlugin } from '../../lib/plugin';
import { resolveOptions, type KerberosAuthOptions } from '../../lib/options';
import { FakeGss, decodeToken } from '../helpers/fake-gss';
import { fakeAcceptor } from '../helpers/acceptor';
import { negotiateToken, startServer, type Handler, type RecordedRequest, type TestServer } from '../helpers/server';
import { guardEachTest, rejectionOf } from '../helpers/security';
import '../../lib/augment';

// Redirects (issue 3): a token only ever reaches the host it was minted for. Two real servers
// with distinct loopback host names, so distinct origins and SPNs: A on 127.0.0.1 and B on
// 127.0.0.2. axios follows redirects through follow-redirects, which keeps Authorization on
// same-host redirects; axios itself strips it on cross-origin ones.

type Hook = NonNullable<AxiosRequestConfig['beforeRedirect']>;

const { track } = guardEachTest();

async function serve(host: string, handler: Handler): Promise<TestServer> {
  return track(await startServer(handler, host));
}

/** Redirects every request to `target()` with `status`. */
function redirectTo(target: () => string, status = 302) {
  return (_request: RecordedRequest, response: ServerResponse): void => {
    response.writeHead(status, { Location: target() }).end();
  };
}

/** B on 127.0.0.2 with `handler`, and A on 127.0.0.1, which redirects every request to `path` on B. */
async function aRedirectingToB(path: string, handler: Handler, status?: number) {
  const b = await serve('127.0.0.2', handler);
  const a = await serve(
    '127.0.0.1',
    redirectTo(() => `${b.url}${path}`, status),
  );
  return { a, b };
}

function client(options: KerberosAuthOptions, gss = new FakeGss()) {
  const api = axios.create();
  createPlugin(resolveOptions(options), gss).install(api);
  return { api, gss };
}

const authorizations = (server: TestServer) => server.requests.map((r) => r.headers.authorization);
const spnOf = (request: RecordedRequest) => decodeToken(negotiateToken(request) ?? '')?.spn;

/** A caller's own beforeRedirect: records where each hop went and marks the hop. */
function callerHook() {
  const hops: string[] = [];
  const hook: Hook = (options) => {
    const opts = options as { href?: string; headers?: Record<string, string> };
    hops.push(opts.href ?? '?');
    if (opts.headers !== undefined) opts.headers['X-Caller-Hook'] = 'ran';
  };
  return { hook, hops };
}

describe('a pre-emptive token and a redirect', () => {
  it('does not carry the token for A to B when A redirects to B (302)', async () => {
    const { a, b } = await aRedirectingToB('/landing', (_request, response) =>
      response.writeHead(200).end('landed on B'),
    );
    const { api } = client({ hosts: ['127.0.0.1', '127.0.0.2'] });
    const { hook, hops } = callerHook();
    const response = await api.get(`${a.url}/start`, { beforeRedirect: hook });
    expect(response.data).toBe('landed on B');
    expect(spnOf(a.requests[0]!)).toBe('HTTP@127.0.0.1');
    expect(authorizations(b)).toEqual([undefined]);
    // The caller's own beforeRedirect still ran, once, for the hop to B.
    expect(hops).toEqual([`${b.url}/landing`]);
    expect(b.requests[0]!.headers['x-caller-hook']).toBe('ran');
  });

  it.each([301, 303, 307, 308])('does not carry the token across a %i redirect to another host', async (status) => {
    const { a, b } = await aRedirectingToB(
      '/landing',
      (_request, response) => response.writeHead(200).end('ok'),
      status,
    );
    const { api } = client({ hosts: '127.0.0.1' });
    await api.post(`${a.url}/start`, { some: 'body' });
    expect(negotiateToken(a.requests[0]!)).toBeDefined();
    expect(authorizations(b)).toEqual([undefined]);
  });

  it('does not carry the token to another port on the same host', async () => {
    const other = await serve('127.0.0.1', (_request, response) => response.writeHead(200).end('ok'));
    const a = await serve(
      '127.0.0.1',
      redirectTo(() => `${other.url}/landing`),
    );
    const { api } = client({ hosts: '127.0.0.1', mutual: 'optional' });
    await api.get(`${a.url}/start`);
    expect(negotiateToken(a.requests[0]!)).toBeDefined();
    expect(authorizations(other)).toEqual([undefined]);
  });

  it('does not re-send the single-use token on a same-host redirect from A/start to A/other', async () => {
    const a: TestServer = await serve('127.0.0.1', (request, response) => {
      if (request.url === '/start') response.writeHead(302, { Location: `${a.url}/other` }).end();
      else response.writeHead(200).end('other');
    });
    const { api } = client({ hosts: '127.0.0.1', mutual: 'optional' });
    const { hook, hops } = callerHook();
    const response = await api.get(`${a.url}/start`, { beforeRedirect: hook });
    expect(response.data).toBe('other');
    expect(a.requests.map((r) => r.url)).toEqual(['/start', '/other']);
    expect(negotiateToken(a.requests[0]!)).toBeDefined();
    expect(a.requests[1]!.headers.authorization).toBeUndefined();
    expect(hops).toEqual([`${a.url}/other`]);
  });

  it('does not re-send the token on a relative same-host redirect either (Location: /other)', async () => {
    const a = await serve('127.0.0.1', (request, response) => {
      if (request.url === '/start') response.writeHead(301, { Location: '/other' }).end();
      else response.writeHead(200).end('other');
    });
    const { api } = client({ hosts: '127.0.0.1', mutual: 'optional' });
    await api.get(`${a.url}/start`);
    expect(a.requests.map((r) => r.headers.authorization === undefined)).toEqual([false, true]);
  });

  it('authenticates at A/other when a same-host redirect leads to a location that challenges, no token sent twice', async () => {
    // Apache does exactly this for `/app` -> `/app/` (mod_dir) in front of a protected `/app/`.
    const acceptor = fakeAcceptor();
    const a: TestServer = await serve('127.0.0.1', (request, response) => {
      if (request.url === '/start') response.writeHead(301, { Location: `${a.url}/other` }).end();
      else acceptor.handler(request, response);
    });
    const { api } = client({ hosts: '127.0.0.1' });
    const outcome = await api.get(`${a.url}/start`).then(
      (response) => ({ status: response.status, code: undefined }),
      (error: { code?: string; message?: string }) => ({ status: undefined, code: `${error.code}: ${error.message}` }),
    );
    expect(outcome).toEqual({ status: 200, code: undefined });
    const sent = a.requests.map((r) => r.headers.authorization).filter((v) => v !== undefined);
    expect(new Set(sent).size).toBe(sent.length); // no token went out twice
    expect(negotiateToken(a.requests.at(-1)!)).toBeDefined();
    expect(a.requests.at(-1)!.url).toBe('/other');
  });
});

describe('a redirect chain that ends in a challenge', () => {
  it('answers B when only B challenges and B is in `hosts`: B’s token goes only on the hop to B', async () => {
    const acceptor = fakeAcceptor();
    const { a, b } = await aRedirectingToB('/protected', acceptor.handler);
    const { api } = client({ hosts: '127.0.0.2' });
    const { hook, hops } = callerHook();
    const response = await api.get(`${a.url}/start`, { beforeRedirect: hook });
    expect(response.status).toBe(200);
    expect(response.data).toMatchObject({ user: 'alice@FAKE', spn: 'HTTP@127.0.0.2' });
    // A never sees a token, in the first chain or in the re-sent one.
    expect(authorizations(a)).toEqual([undefined, undefined]);
    // B: the challenge, then exactly one token, minted for B's SPN.
    expect(b.requests).toHaveLength(2);
    expect(b.requests[0]!.headers.authorization).toBeUndefined();
    expect(decodeToken(negotiateToken(b.requests[1]!)!)).toMatchObject({ kind: 'init', spn: 'HTTP@127.0.0.2' });
    // The caller's beforeRedirect ran once per hop, in both chains.
    expect(hops).toEqual([`${b.url}/protected`, `${b.url}/protected`]);
    expect(b.requests.map((r) => r.headers['x-caller-hook'])).toEqual(['ran', 'ran']);
  });

  it('answers B the same way when `hosts` is unset (reactive)', async () => {
    const acceptor = fakeAcceptor();
    const { a, b } = await aRedirectingToB('/protected', acceptor.handler);
    const { api } = client({});
    const response = await api.get(`${a.url}/start`);
    expect(response.status).toBe(200);
    expect(authorizations(a)).toEqual([undefined, undefined]);
    expect(spnOf(b.requests[1]!)).toBe('HTTP@127.0.0.2');
  });

  it('sends A only its own pre-emptive token and B only B’s when both are listed', async () => {
    const acceptor = fakeAcceptor();
    const { a, b } = await aRedirectingToB('/protected', acceptor.handler);
    const { api } = client({ hosts: ['127.0.0.1', '127.0.0.2'] });
    const response = await api.get(`${a.url}/start`);
    expect(response.status).toBe(200);
    expect(a.requests.map(spnOf).filter((spn) => spn !== undefined)).toEqual(['HTTP@127.0.0.1']);
    expect(b.requests.map(spnOf).filter((spn) => spn !== undefined)).toEqual(['HTTP@127.0.0.2']);
    const sent = [...authorizations(a), ...authorizations(b)].filter((v) => v !== undefined);
    expect(new Set(sent).size).toBe(sent.length);
  });

  it('sends A only its own pre-emptive token and B only B’s when both are listed and the caller has a beforeRedirect', async () => {
    const acceptor = fakeAcceptor();
    const { a, b } = await aRedirectingToB('/protected', acceptor.handler);
    const { api } = client({ hosts: ['127.0.0.1', '127.0.0.2'] });
    const { hook, hops } = callerHook();
    const response = await api.get(`${a.url}/start`, { beforeRedirect: hook });
    expect(response.status).toBe(200);
    expect(a.requests.map(spnOf).filter((spn) => spn !== undefined)).toEqual(['HTTP@127.0.0.1']);
    expect(b.requests.map(spnOf).filter((spn) => spn !== undefined)).toEqual(['HTTP@127.0.0.2']);
    expect(hops).toHaveLength(2);
  });

  it('returns B’s 401 unchanged when B is not in `hosts`, with no token anywhere', async () => {
    const { a, b } = await aRedirectingToB('/protected', (_request, response) => {
      response.writeHead(401, { 'WWW-Authenticate': 'Negotiate' }).end('B says no');
    });
    const { api, gss } = client({ hosts: 'elsewhere.example' });
    const { hook, hops } = callerHook();
    const error = (await rejectionOf(api.get(`${a.url}/start`, { beforeRedirect: hook }))) as AxiosError;
    expect(axios.isAxiosError(error)).toBe(true);
    expect(error.response?.status).toBe(401);
    expect(error.response?.data).toBe('B says no');
    expect(error.response?.headers['www-authenticate']).toBe('Negotiate');
    expect(authorizations(a)).toEqual([undefined]);
    expect(authorizations(b)).toEqual([undefined]);
    expect(gss.contexts).toHaveLength(0);
    expect(hops).toEqual([`${b.url}/protected`]);
  });

  it('returns B’s 401 unchanged when only A is listed: A gets its own token, B none', async () => {
    const { a, b } = await aRedirectingToB('/protected', (_request, response) => {
      response.writeHead(401, { 'WWW-Authenticate': 'Negotiate' }).end('B says no');
    });
    const { api } = client({ hosts: '127.0.0.1' });
    const error = (await rejectionOf(api.get(`${a.url}/start`))) as AxiosError;
    expect(error.response?.status).toBe(401);
    expect(error.response?.data).toBe('B says no');
    expect(a.requests).toHaveLength(1);
    expect(spnOf(a.requests[0]!)).toBe('HTTP@127.0.0.1');
    expect(authorizations(b)).toEqual([undefined]);
  });
});
