import axios, { type AxiosError, type AxiosRequestConfig } from 'axios';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { Agent as HttpsAgent, createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { createPlugin } from '../../lib/interceptors/install';
import { resolveOptions, type KerberosAuthOptions } from '../../lib/options';
import { FakeGss, decodeToken, encodeToken } from '../helpers/fake-gss';
import { fakeAcceptor } from '../helpers/acceptor';
import {
  listen,
  negotiateToken,
  startServer,
  type Handler,
  type RecordedRequest,
  type TestServer,
} from '../helpers/server';
import { guardEachTest, kerberosAuthErrorOf, rejectionOf, sentSecrets } from '../helpers/security';
import '../../lib/augment';

// Redirects of requests the plugin authenticates: the plugin follows them itself, hop by hop,
// so that every response to a token is checked, each hop gets its own token only if its host
// may have one, and no request that already got an answer is sent again. Real servers with
// distinct loopback host names (distinct origins and SPNs): A on 127.0.0.1, B on 127.0.0.2.
// Every case runs with Node's http adapter and with the fetch adapter.

type Hook = NonNullable<AxiosRequestConfig['beforeRedirect']>;
type Adapter = 'http' | 'fetch';

const { track } = guardEachTest();

async function serve(host: string, handler: Handler): Promise<TestServer> {
  return track(await startServer(handler, host));
}

/** The server's final token for the token this request carries. */
function finalFor(request: RecordedRequest): string | undefined {
  const token = decodeToken(negotiateToken(request) ?? '');
  return token === undefined ? undefined : `Negotiate ${encodeToken({ kind: 'final', id: token.id, spn: token.spn })}`;
}

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * A site where every path needs a token, as a whole vhost behind mod_auth_gssapi: 401
 * `Negotiate` without one; with one, `route`'s answer carrying the server's final token.
 */
function kerberosSite(route: (request: RecordedRequest) => Answer): Handler {
  return (request, response) => {
    const final = finalFor(request);
    if (final === undefined) {
      response.writeHead(401, { 'WWW-Authenticate': 'Negotiate' }).end('unauthorized');
      return;
    }
    const answer = route(request);
    response.writeHead(answer.status, { ...answer.headers, 'WWW-Authenticate': final }).end(answer.body ?? '');
  };
}

/** A public site: `route`'s answer, no authentication. */
function publicSite(route: (request: RecordedRequest) => Answer): Handler {
  return (request, response: ServerResponse) => {
    const answer = route(request);
    response.writeHead(answer.status, answer.headers).end(answer.body ?? '');
  };
}

/**
 * Serves B (`bHandler`) on 127.0.0.2, then A on 127.0.0.1: an `aSite` that answers every
 * request `status` with `Location: <B><path>`.
 */
async function aRedirectingToB(bHandler: Handler, aSite = publicSite, path = '/landing', status = 302) {
  const b = await serve('127.0.0.2', bHandler);
  const a = await serve(
    '127.0.0.1',
    aSite(() => ({ status, headers: { Location: `${b.url}${path}` } })),
  );
  return { a, b };
}

const authorizations = (server: TestServer) => server.requests.map((r) => r.headers.authorization);
const spnOf = (request: RecordedRequest) => decodeToken(negotiateToken(request) ?? '')?.spn;
const paths = (server: TestServer) => server.requests.map((r) => `${r.method} ${r.url}`);

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

describe.each<Adapter>(['http', 'fetch'])('redirects with the %s adapter', (adapter) => {
  function client(options: KerberosAuthOptions, gss = new FakeGss(), defaults: AxiosRequestConfig = {}) {
    const api = axios.create({ adapter, ...defaults });
    createPlugin(resolveOptions(options), gss).install(api);
    return { api, gss };
  }

  describe('mutual authentication of every hop', () => {
    it.each([
      ['another path', '/other'],
      ['the same path with a trailing slash', '/data/'],
      ['a percent-encoded alias of the path', '/%64ata'],
    ])(
      'refuses a tokenless 302 to %s that answered our token, and never reads the forged page',
      async (_what, location) => {
        const a = await serve(
          '127.0.0.1',
          publicSite((request) =>
            request.url === '/data'
              ? { status: 302, headers: { Location: location } }
              : { status: 200, body: 'forged' },
          ),
        );
        const { api } = client({ hosts: '127.0.0.1' });
        const error = await kerberosAuthErrorOf(api.get(`${a.url}/data`));
        expect(error.code).toBe('ERR_KERBEROS_MUTUAL_AUTH');
        expect(error.message).toContain('HTTP 302');
        expect(paths(a)).toEqual(['GET /data']);
      },
    );

    it('refuses a tokenless 302 to another host that answered our token; the other host gets nothing', async () => {
      const { a, b } = await aRedirectingToB(
        publicSite(() => ({ status: 200, body: 'forged' })),
        publicSite,
        '/data',
      );
      const { api } = client({ hosts: ['127.0.0.1', '127.0.0.2'] });
      const error = await kerberosAuthErrorOf(api.get(`${a.url}/data`));
      expect(error.code).toBe('ERR_KERBEROS_MUTUAL_AUTH');
      expect(b.requests).toHaveLength(0);
    });

    it('refuses a 302 whose server token is forged', async () => {
      const a = await serve('127.0.0.1', (request, response) => {
        const forged = `Negotiate ${encodeToken({ kind: 'final', id: 999, spn: 'HTTP@127.0.0.1' })}`;
        response.writeHead(302, { Location: '/new', 'WWW-Authenticate': forged }).end();
      });
      const { api } = client({ hosts: '127.0.0.1', mutual: 'optional' });
      const error = await kerberosAuthErrorOf(api.get(`${a.url}/old`));
      expect(error.code).toBe('ERR_KERBEROS_MUTUAL_AUTH');
      expect(a.requests).toHaveLength(1);
    });

    it('verifies a 302 that carries a genuine token, then sends the next hop its own fresh token', async () => {
      const a = await serve(
        '127.0.0.1',
        kerberosSite((request) =>
          request.url === '/old' ? { status: 302, headers: { Location: '/new' } } : { status: 200, body: 'new' },
        ),
      );
      const { api, gss } = client({ hosts: '127.0.0.1', prefetch: false });
      const response = await api.get(`${a.url}/old`);
      expect(response.data).toBe('new');
      expect(paths(a)).toEqual(['GET /old', 'GET /new']);
      const sent = authorizations(a);
      expect(new Set(sent).size).toBe(2);
      expect(gss.contexts.map((context) => context.complete)).toEqual([true, true]);
    });
  });

  describe('tokens on redirect hops', () => {
    it('sends no token to a host outside `hosts`, and the final URL is where users read it', async () => {
      const { a, b } = await aRedirectingToB(
        publicSite(() => ({ status: 200, body: 'landed on B' })),
        kerberosSite,
      );
      const { api } = client({ hosts: '127.0.0.1' });
      const response = await api.get(`${a.url}/start`);
      expect(response.data).toBe('landed on B');
      expect(spnOf(a.requests[0]!)).toBe('HTTP@127.0.0.1');
      expect(authorizations(b)).toEqual([undefined]);
      if (adapter === 'http') {
        expect((response.request as { res: { responseUrl: string } }).res.responseUrl).toBe(`${b.url}/landing`);
      }
      expect(response.config.url).toBe(`${b.url}/landing`);
    });

    it.each([301, 302, 303, 307, 308])('sends each listed host its own token across a %i redirect', async (status) => {
      const { a, b } = await aRedirectingToB(
        kerberosSite(() => ({ status: 200, body: 'B' })),
        kerberosSite,
        '/landing',
        status,
      );
      const { api } = client({ hosts: ['127.0.0.1', '127.0.0.2'] });
      await api.post(`${a.url}/start`, { some: 'body' });
      expect(a.requests.map(spnOf)).toEqual(['HTTP@127.0.0.1']);
      expect(b.requests.map(spnOf)).toEqual(['HTTP@127.0.0.2']);
    });

    it('decides delegation and the SPN per hop; per-request options stay with their own host', async () => {
      const { a, b } = await aRedirectingToB(
        kerberosSite(() => ({ status: 200, body: 'B' })),
        kerberosSite,
      );
      const { api } = client({ hosts: ['127.0.0.1', '127.0.0.2'], delegate: '127.0.0.2' });
      await api.get(`${a.url}/start`, { kerberos: { spn: 'HTTP@custom.example' } });
      const token = (request: RecordedRequest) => decodeToken(negotiateToken(request) ?? '');
      expect(token(a.requests[0]!)).toMatchObject({ spn: 'HTTP@custom.example', delegate: false });
      expect(token(b.requests[0]!)).toMatchObject({ spn: 'HTTP@127.0.0.2', delegate: true });
    });

    it('answers a challenge at the end of a public redirect (B only listed) and does not send A again', async () => {
      const acceptor = fakeAcceptor();
      const { a, b } = await aRedirectingToB(acceptor.handler, publicSite, '/protected');
      const { api } = client({ hosts: '127.0.0.2' });
      const { hook, hops } = callerHook();
      const response = await api.get(`${a.url}/start`, { beforeRedirect: hook });
      expect(response.data).toMatchObject({ user: 'alice@FAKE', spn: 'HTTP@127.0.0.2' });
      expect(authorizations(a)).toEqual([undefined]);
      // B gets one token, for its own SPN: on its challenge when axios followed the public
      // redirect (http adapter), up front when the plugin did (fetch adapter).
      const tokens = b.requests.map(spnOf).filter((spn) => spn !== undefined);
      expect(tokens).toEqual(['HTTP@127.0.0.2']);
      // The caller's beforeRedirect ran for the one hop (the fetch adapter never calls it itself).
      expect(hops).toEqual([`${b.url}/protected`]);
    });

    it('returns B’s 401 unchanged when B is not in `hosts`, with no token anywhere', async () => {
      const { a, b } = await aRedirectingToB(
        (_request, response) => {
          response.writeHead(401, { 'WWW-Authenticate': 'Negotiate' }).end('B says no');
        },
        publicSite,
        '/protected',
      );
      const { api, gss } = client({ hosts: 'elsewhere.example' });
      const error = (await rejectionOf(api.get(`${a.url}/start`))) as AxiosError;
      expect(error.response?.status).toBe(401);
      expect(error.response?.data).toBe('B says no');
      expect([...authorizations(a), ...authorizations(b)]).toEqual([undefined, undefined]);
      expect(gss.contexts).toHaveLength(0);
    });
  });

  describe('methods and bodies (the fetch rules)', () => {
    /** A protected shop: POST /orders makes an order and answers `status` to /orders/42. */
    async function shop(status: number) {
      let made = 0;
      const site = await serve(
        '127.0.0.1',
        kerberosSite((request) => {
          if (request.url === '/orders' && request.method === 'POST') {
            made++;
            return { status, headers: { Location: '/orders/42' } };
          }
          return { status: 200, body: `${request.method} ${request.url} body=${request.body.toString()}` };
        }),
      );
      return { site, made: () => made };
    }

    it.each([303, 301, 302])('turns a POST answered %i into a GET without body; the POST runs once', async (status) => {
      const { site, made } = await shop(status);
      const { api } = client({ hosts: '127.0.0.1' });
      const response = await api.post(`${site.url}/orders`, 'item=1', {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      expect(response.data).toBe('GET /orders/42 body=');
      expect(made()).toBe(1);
      expect(paths(site)).toEqual(['POST /orders', 'GET /orders/42']);
      expect(site.requests[1]!.headers['content-type']).toBeUndefined();
    });

    it.each([307, 308])('keeps method and body across a %i; the first POST runs once', async (status) => {
      const { site, made } = await shop(status);
      const { api } = client({ hosts: '127.0.0.1' });
      const response = await api.post(`${site.url}/orders`, 'item=1');
      expect(response.data).toBe('POST /orders/42 body=item=1');
      expect(made()).toBe(1);
    });

    it('refuses to send a stream body again for a 307 with ERR_KERBEROS_BODY_NOT_REPLAYABLE', async () => {
      const { site } = await shop(307);
      const { api } = client({ hosts: '127.0.0.1' });
      const error = await kerberosAuthErrorOf(
        api.post(`${site.url}/orders`, Readable.from([Buffer.from('item=1')]), {
          headers: { 'Content-Type': 'text/plain', 'Content-Length': '6' },
        }),
      );
      expect(error.code).toBe('ERR_KERBEROS_BODY_NOT_REPLAYABLE');
      expect(error.message).toContain('307');
      expect(site.requests).toHaveLength(1);
    });

    it('runs a public POST once when its 303 leads to a protected page (no hosts, on challenge)', async () => {
      let made = 0;
      const acceptor = fakeAcceptor();
      const site = await serve('127.0.0.1', (request, response) => {
        if (request.url === '/public/orders') {
          made++;
          response.writeHead(303, { Location: '/protected/orders/42' }).end();
        } else acceptor.handler(request, response);
      });
      const { api } = client({});
      const response = await api.post(`${site.url}/public/orders`, { item: 1 });
      expect(response.status).toBe(200);
      expect(made).toBe(1);
      expect(paths(site)).toEqual(['POST /public/orders', 'GET /protected/orders/42', 'GET /protected/orders/42']);
    });
  });

  describe("the caller's redirect settings", () => {
    function oldToNew() {
      return kerberosSite((request) =>
        request.url === '/new' ? { status: 200, body: 'new' } : { status: 302, headers: { Location: '/new' } },
      );
    }

    it('returns the verified 302 itself with `maxRedirects: 0`, as axios does', async () => {
      const a = await serve('127.0.0.1', oldToNew());
      const { api } = client({ hosts: '127.0.0.1' });
      const error = (await rejectionOf(api.get(`${a.url}/old`, { maxRedirects: 0 }))) as AxiosError;
      expect(error.response?.status).toBe(302);
      const response = await api.get(`${a.url}/old`, { maxRedirects: 0, validateStatus: () => true });
      expect(response.status).toBe(302);
      expect(paths(a)).toEqual(['GET /old', 'GET /old']);
    });

    it('fails with ERR_FR_TOO_MANY_REDIRECTS past `maxRedirects`', async () => {
      const a = await serve(
        '127.0.0.1',
        kerberosSite((request) => ({ status: 302, headers: { Location: `${request.url}x` } })),
      );
      const { api } = client({ hosts: '127.0.0.1' });
      const error = (await rejectionOf(api.get(`${a.url}/a`, { maxRedirects: 2 }))) as AxiosError;
      expect(error.code).toBe('ERR_FR_TOO_MANY_REDIRECTS');
      expect(paths(a)).toEqual(['GET /a', 'GET /ax', 'GET /axx']);
    });

    it('does not follow a redirect to another scheme: the verified 302 reaches the caller', async () => {
      const a = await serve(
        '127.0.0.1',
        kerberosSite(() => ({ status: 302, headers: { Location: 'file:///etc/passwd' } })),
      );
      const { api } = client({ hosts: '127.0.0.1' });
      const error = (await rejectionOf(api.get(`${a.url}/old`))) as AxiosError;
      expect(error.response?.status).toBe(302);
      expect(a.requests).toHaveLength(1);
    });

    it("calls the caller's beforeRedirect once per hop, and its headers go with the hop", async () => {
      const a = await serve('127.0.0.1', oldToNew());
      const { api } = client({ hosts: '127.0.0.1' });
      const { hook, hops } = callerHook();
      await api.get(`${a.url}/old`, { beforeRedirect: hook });
      expect(hops).toEqual([`${a.url}/new`]);
      expect(a.requests.map((r) => r.headers['x-caller-hook'])).toEqual([undefined, 'ran']);
    });

    it("shows the caller's beforeRedirect no token of ours in the redirected request", async () => {
      const a = await serve('127.0.0.1', oldToNew());
      const { api } = client({ hosts: '127.0.0.1' });
      const seen: unknown[] = [];
      await api.get(`${a.url}/old`, {
        beforeRedirect: (_options, _response, request) => void seen.push((request as { headers?: unknown }).headers),
      });
      expect(seen).toHaveLength(1);
      expect(JSON.stringify(seen)).not.toContain(negotiateToken(a.requests[0]!)!);
      expect(seen[0]).toMatchObject({ Authorization: 'Negotiate [redacted]' });
    });

    it("applies the caller's validateStatus to the final hop", async () => {
      const a = await serve(
        '127.0.0.1',
        kerberosSite((request) =>
          request.url === '/new' ? { status: 404, body: 'gone' } : { status: 302, headers: { Location: '/new' } },
        ),
      );
      const { api } = client({ hosts: '127.0.0.1' });
      const error = (await rejectionOf(api.get(`${a.url}/old`))) as AxiosError;
      expect(error.response?.status).toBe(404);
      const response = await api.get(`${a.url}/old`, { validateStatus: (status) => status === 404 });
      expect(response.data).toBe('gone');
    });

    it('counts the whole chain against the timeout: two redirect hops together over it fail', async () => {
      const a = await serve('127.0.0.1', (request, response) => {
        setTimeout(() => oldToNew()(request, response), 350);
      });
      const { api } = client({ hosts: '127.0.0.1' });
      const error = (await rejectionOf(api.get(`${a.url}/old`, { timeout: 600 }))) as AxiosError;
      expect(['ECONNABORTED', 'ETIMEDOUT']).toContain(error.code);
      expect(error.config?.headers.Authorization).not.toMatch(/^Negotiate (?!\[redacted\])/);
    });

    it('cancels the chain when the signal aborts after the first hop; nothing more is sent', async () => {
      const controller = new AbortController();
      const a = await serve('127.0.0.1', (request, response) => {
        oldToNew()(request, response);
        if (request.url === '/old') controller.abort();
      });
      const { api } = client({ hosts: '127.0.0.1' });
      const error = await rejectionOf(api.get(`${a.url}/old`, { signal: controller.signal }));
      expect(axios.isCancel(error)).toBe(true);
      expect(paths(a)).toEqual(['GET /old']);
    });
  });

  describe('a challenged response streamed to the caller', () => {
    it('frees the connection of the 401 and of a redirect: one keep-alive socket is enough', async () => {
      const acceptor = fakeAcceptor();
      const a = await serve('127.0.0.1', (request, response) => {
        if (request.url === '/old') {
          const final = finalFor(request);
          if (final === undefined) response.writeHead(401, { 'WWW-Authenticate': 'Negotiate' }).end('x'.repeat(65536));
          else response.writeHead(302, { Location: '/new', 'WWW-Authenticate': final }).end('y'.repeat(65536));
        } else acceptor.handler(request, response);
      });
      const httpAgent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const { api } = client({}, new FakeGss(), { httpAgent });
        const response = await api.get(`${a.url}/old`, { responseType: 'stream' });
        const chunks: Buffer[] = [];
        for await (const chunk of response.data as AsyncIterable<Buffer | Uint8Array>) chunks.push(Buffer.from(chunk));
        expect(JSON.parse(Buffer.concat(chunks).toString())).toMatchObject({ user: 'alice@FAKE' });
      } finally {
        httpAgent.destroy();
      }
    });
  });

  describe('spent tokens after the response', () => {
    it('are redacted in response.config, JSON.stringify(response.config) and util.inspect(response)', async () => {
      const a = await serve(
        '127.0.0.1',
        kerberosSite(() => ({ status: 200, body: 'ok' })),
      );
      const { api } = client({ hosts: '127.0.0.1' });
      const response = await api.get(`${a.url}/x`);
      expect(response.config.headers.Authorization).toBe('Negotiate [redacted]');
      const secrets = sentSecrets(a);
      expect(secrets.length).toBeGreaterThan(0);
      for (const text of [JSON.stringify(response.config), inspect(response, { depth: 4 })]) {
        for (const secret of secrets) expect(text).not.toContain(secret);
      }
    });

    it('are redacted in the config of a mutual-authentication failure and of a rejection', async () => {
      const a = await serve('127.0.0.1', (request, response) => {
        if (request.url === '/forged') response.writeHead(200).end('forged');
        else response.writeHead(401, { 'WWW-Authenticate': 'Negotiate oQcwBaADCgEC' }).end('no');
      });
      const { api } = client({ hosts: '127.0.0.1' });
      const mutual = await kerberosAuthErrorOf(api.get(`${a.url}/forged`));
      const rejected = await kerberosAuthErrorOf(api.get(`${a.url}/rejected`));
      expect(mutual.code).toBe('ERR_KERBEROS_MUTUAL_AUTH');
      expect(rejected.code).toBe('ERR_KERBEROS_REJECTED');
      const secrets = sentSecrets(a);
      expect(mutual.config?.headers.Authorization).toBe('Negotiate [redacted]');
      expect(rejected.response?.config.headers.Authorization).toBe('Negotiate [redacted]');
      for (const kept of [mutual.config, rejected.config, rejected.response]) {
        const text = `${JSON.stringify(kept?.headers)}\n${inspect(kept, { depth: 4 })}`;
        expect(secrets.filter((secret) => text.includes(secret))).toEqual([]);
      }
    });
  });
});

describe('a redirect from https to plain http (http adapter)', () => {
  let tls: { dir: string; key: Buffer; cert: Buffer };

  beforeAll(() => {
    // A throwaway self-signed certificate for 127.0.0.1 (openssl: scripts/setup.sh installs it).
    const dir = mkdtempSync(join(tmpdir(), 'axios-kerberos-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    tls = { dir, key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  });

  afterAll(() => rmSync(tls.dir, { recursive: true, force: true }));

  it('sends no token to the plain-http hop, even to a listed host, and does not answer its challenge', async () => {
    const b = await serve(
      '127.0.0.2',
      kerberosSite(() => ({ status: 200, body: 'B' })),
    );
    const server = createHttpsServer({ key: tls.key, cert: tls.cert }, (request, response) => {
      const final = finalFor({ method: '', url: '', body: Buffer.alloc(0), headers: request.headers });
      response.writeHead(302, { Location: `${b.url}/plain`, ...(final ? { 'WWW-Authenticate': final } : {}) });
      response.end();
    });
    const a = track(await listen(server));
    const api = axios.create({ httpsAgent: new HttpsAgent({ ca: tls.cert }) });
    createPlugin(resolveOptions({ hosts: ['127.0.0.1', '127.0.0.2'] }), new FakeGss()).install(api);
    const error = (await rejectionOf(api.get(`https://127.0.0.1:${a.port}/start`))) as AxiosError;
    expect(error.response?.status).toBe(401);
    expect(authorizations(b)).toEqual([undefined]);
  });
});
