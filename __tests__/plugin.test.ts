import axios from 'axios';
import { Readable } from 'node:stream';
import { createPlugin } from '../lib/interceptors/install';
import { resolveOptions, type KerberosAuthOptions } from '../lib/options';
import { isKerberosAuthError, KerberosAuthError } from '../lib/errors/kerberos-auth-error';
import { MutualAuthenticationError } from '../lib/errors/mutual-authentication-error';
import { FakeGss, decodeToken, encodeToken } from './helpers/fake-gss';
import { fakeAcceptor } from './helpers/acceptor';
import { negotiateToken, startServer, type TestServer } from './helpers/server';
import '../lib/augment';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function client(options: KerberosAuthOptions, gss = new FakeGss()) {
  const api = axios.create({ baseURL: server?.url });
  const handle = createPlugin(resolveOptions(options), gss).install(api);
  return { api, gss, handle };
}

describe('pre-emptive authentication', () => {
  it('sends a Negotiate token with the first request to a host in `hosts`, in one round trip', async () => {
    const acceptor = fakeAcceptor();
    server = await startServer(acceptor.handler);
    const { api, gss } = client({ hosts: '127.0.0.1' });
    const response = await api.get('/x');
    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(1);
    expect(decodeToken(negotiateToken(server.requests[0]!)!)).toMatchObject({ kind: 'init', spn: 'HTTP@127.0.0.1' });
    expect(gss.contexts[0]!.complete).toBe(true);
  });

  it('leaves requests to hosts outside `hosts` untouched, even when they challenge', async () => {
    const acceptor = fakeAcceptor();
    server = await startServer(acceptor.handler);
    const { api, gss } = client({ hosts: 'api.example.test' });
    await expect(api.get('/x')).rejects.toMatchObject({ response: { status: 401 } });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(gss.contexts).toHaveLength(0);
  });

  it('leaves a request alone when the caller set Authorization or `auth`', async () => {
    server = await startServer((_req, res) => res.writeHead(200).end('ok'));
    const { api, gss } = client({ hosts: '127.0.0.1' });
    await api.get('/x', { headers: { Authorization: 'Bearer abc' } });
    await api.get('/x', { auth: { username: 'u', password: 'p' } });
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer abc', 'Basic dTpw']);
    expect(gss.contexts).toHaveLength(0);
  });

  it('returns a 401 unchanged to a caller who authenticates the request itself', async () => {
    server = await startServer((_req, res) =>
      res.writeHead(401, { 'WWW-Authenticate': 'Negotiate, Basic realm="x"' }).end(),
    );
    const { api, gss } = client({});
    await expect(api.get('/x', { headers: { Authorization: 'Bearer abc' } })).rejects.toMatchObject({
      response: { status: 401 },
    });
    await expect(api.get('/x', { auth: { username: 'u', password: 'p' } })).rejects.toMatchObject({
      response: { status: 401 },
    });
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer abc', 'Basic dTpw']);
    expect(gss.contexts).toHaveLength(0);
  });

  it('skips the plugin for a request with `kerberos: false`', async () => {
    server = await startServer((_req, res) => res.writeHead(200).end('ok'));
    const { api, gss } = client({ hosts: '127.0.0.1' });
    await api.get('/x', { kerberos: false });
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(gss.contexts).toHaveLength(0);
  });

  it('waits for the challenge when `preemptive` is false', async () => {
    const acceptor = fakeAcceptor();
    server = await startServer(acceptor.handler);
    const { api } = client({ hosts: '127.0.0.1', preemptive: false });
    await api.get('/x');
    expect(server.requests.map((r) => r.headers.authorization === undefined)).toEqual([true, false]);
  });

  it('uses a fresh context for every request, also when they run concurrently', async () => {
    const acceptor = fakeAcceptor();
    server = await startServer(acceptor.handler);
    const { api, gss } = client({ hosts: '127.0.0.1' });
    await Promise.all(Array.from({ length: 20 }, () => api.get('/x')));
    expect(acceptor.seen).toHaveLength(20);
    expect(new Set(acceptor.seen).size).toBe(20);
    // Each sent token's context was completed by its own server token (spares stay unused).
    expect(gss.contexts.filter((c) => c.complete)).toHaveLength(20);
  });
});

describe('prefetching the next token', () => {
  it('hands the next sequential request a token minted while the previous one was on the wire', async () => {
    const acceptor = fakeAcceptor();
    server = await startServer(acceptor.handler);
    const { api, gss } = client({ hosts: '127.0.0.1' });
    await api.get('/1');
    const before = gss.contexts.length; // the first request's context and one spare
    await api.get('/2');
    const secondToken = decodeToken(acceptor.seen[1]!);
    expect(secondToken!.id).toBeLessThanOrEqual(before);
    expect(new Set(acceptor.seen).size).toBe(2);
  });

  it('never hands one spare to two requests, however many run at once', async () => {
    const acceptor = fakeAcceptor();
    server = await startServer(acceptor.handler);
    const { api } = client({ hosts: '127.0.0.1' });
    await api.get('/warm-up');
    await Promise.all(Array.from({ length: 10 }, () => api.get('/x')));
    expect(new Set(acceptor.seen).size).toBe(acceptor.seen.length);
  });

  it('mints strictly on demand with `prefetch: false`', async () => {
    server = await startServer(fakeAcceptor().handler);
    const { api, gss } = client({ hosts: '127.0.0.1', prefetch: false });
    await api.get('/1');
    await api.get('/2');
    expect(gss.contexts).toHaveLength(2);
  });
});

describe('answering a 401 challenge', () => {
  it('re-sends once with a Negotiate token after a 401 challenge', async () => {
    const acceptor = fakeAcceptor();
    server = await startServer(acceptor.handler);
    const { api } = client({});
    const response = await api.get('/x');
    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    expect(negotiateToken(server.requests[1]!)).toBeDefined();
  });

  it("answers when the caller's validateStatus lets the 401 through", async () => {
    const acceptor = fakeAcceptor();
    server = await startServer(acceptor.handler);
    const { api } = client({});
    const response = await api.get('/x', { validateStatus: () => true });
    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(2);
  });

  it('continues the same context through extra 401 rounds (RFC 4559 section 5)', async () => {
    const acceptor = fakeAcceptor({ extraRounds: 2 });
    server = await startServer(acceptor.handler);
    const { api, gss } = client({ hosts: '127.0.0.1' });
    const response = await api.get('/x');
    expect(response.status).toBe(200);
    expect(gss.contexts.filter((c) => c.stepped.length > 1)).toHaveLength(1);
    expect(server.requests.map((r) => decodeToken(negotiateToken(r)!)?.kind)).toEqual(['init', 'continue', 'continue']);
  });

  it('fails with ERR_KERBEROS_REJECTED past maxRounds instead of looping', async () => {
    const acceptor = fakeAcceptor({ extraRounds: 10 });
    server = await startServer(acceptor.handler);
    const { api } = client({ hosts: '127.0.0.1', maxRounds: 2 });
    await expect(api.get('/x')).rejects.toMatchObject({ code: 'ERR_KERBEROS_REJECTED' });
    expect(server.requests).toHaveLength(3);
  });

  it('fails with ERR_KERBEROS_REJECTED when the server answers our token with a bare challenge', async () => {
    server = await startServer((_req, res) => res.writeHead(401, { 'WWW-Authenticate': 'Negotiate' }).end());
    const { api } = client({ hosts: '127.0.0.1' });
    const error: unknown = await api.get('/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KerberosAuthError);
    expect(error).toMatchObject({ code: 'ERR_KERBEROS_REJECTED', host: '127.0.0.1', spn: 'HTTP@127.0.0.1' });
    expect(server.requests).toHaveLength(1);
  });

  it('returns a 401 without a Negotiate offer unchanged', async () => {
    server = await startServer((_req, res) => res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="x"' }).end());
    const { api } = client({});
    const error: unknown = await api.get('/x').catch((e: unknown) => e);
    expect(axios.isAxiosError(error)).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('finds Negotiate among several challenges joined in one header', async () => {
    const acceptor = fakeAcceptor({ challenge: 'Basic realm="a, Negotiate b", negotiate' });
    server = await startServer(acceptor.handler);
    const { api } = client({});
    expect((await api.get('/x')).status).toBe(200);
  });

  it('re-sends a JSON body once, serialised once, byte for byte', async () => {
    const acceptor = fakeAcceptor();
    server = await startServer(acceptor.handler);
    const { api } = client({});
    await api.post('/x', { name: 'ä', list: [1, 2] });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.body.toString()).toBe('{"name":"ä","list":[1,2]}');
    expect(server.requests[1]!.body.equals(server.requests[0]!.body)).toBe(true);
    expect(server.requests[1]!.headers['content-type']).toMatch(/application\/json/);
  });

  it('refuses to re-send a stream body with ERR_KERBEROS_BODY_NOT_REPLAYABLE', async () => {
    const acceptor = fakeAcceptor();
    server = await startServer(acceptor.handler);
    const { api, gss } = client({});
    const error: unknown = await api.post('/x', Readable.from([Buffer.from('abc')])).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_KERBEROS_BODY_NOT_REPLAYABLE', host: '127.0.0.1' });
    expect(server.requests).toHaveLength(1);
    expect(gss.contexts).toHaveLength(0);
  });

  it('sends later requests to an origin that challenged with the token up front', async () => {
    const acceptor = fakeAcceptor();
    server = await startServer(acceptor.handler);
    const { api } = client({});
    await api.get('/a');
    await api.get('/b');
    await api.get('/c');
    expect(server.requests.map((r) => r.headers.authorization === undefined)).toEqual([true, false, false, false]);
  });
});

describe('mutual authentication', () => {
  it('verifies the server token and completes the context', async () => {
    const acceptor = fakeAcceptor();
    server = await startServer(acceptor.handler);
    const { api, gss } = client({ hosts: '127.0.0.1' });
    await api.get('/x');
    expect(gss.contexts[0]!.stepped).toHaveLength(2);
    expect(gss.contexts[0]!.complete).toBe(true);
  });

  it('withholds the response when the server token is forged', async () => {
    const acceptor = fakeAcceptor({ finalToken: () => encodeToken({ kind: 'final', id: 999, spn: 'x' }) });
    server = await startServer(acceptor.handler);
    const { api } = client({ hosts: '127.0.0.1' });
    const error: unknown = await api.get('/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MutualAuthenticationError);
    expect(error).toMatchObject({ code: 'ERR_KERBEROS_MUTUAL_AUTH', name: 'MutualAuthenticationError' });
    expect((error as MutualAuthenticationError).response).toBeUndefined();
  });

  it("fails under 'required' when the response has no server token", async () => {
    server = await startServer(fakeAcceptor({ mutualToken: false }).handler);
    const { api } = client({ hosts: '127.0.0.1', mutual: 'required' });
    await expect(api.get('/x')).rejects.toMatchObject({ code: 'ERR_KERBEROS_MUTUAL_AUTH' });
  });

  it("defaults to 'required' on http: URLs", async () => {
    server = await startServer(fakeAcceptor({ mutualToken: false }).handler);
    const { api } = client({ hosts: '127.0.0.1' });
    await expect(api.get('/x')).rejects.toBeInstanceOf(MutualAuthenticationError);
  });

  it('is not switched off by a polluted Object.prototype (options and per-request values are own properties)', async () => {
    server = await startServer(fakeAcceptor({ mutualToken: false }).handler);
    const proto = Object.prototype as Record<string, unknown>;
    const { api } = client({ hosts: '127.0.0.1' });
    proto.mutual = 'disabled';
    proto.kerberos = { mutual: 'disabled' };
    try {
      const { api: polluted } = client({ hosts: '127.0.0.1' });
      await expect(polluted.get('/x')).rejects.toBeInstanceOf(MutualAuthenticationError);
      await expect(api.get('/x')).rejects.toBeInstanceOf(MutualAuthenticationError);
    } finally {
      delete proto.mutual;
      delete proto.kerberos;
    }
  });

  it("accepts a response without a server token under 'optional'", async () => {
    server = await startServer(fakeAcceptor({ mutualToken: false }).handler);
    const { api } = client({ hosts: '127.0.0.1', mutual: 'optional' });
    expect((await api.get('/x')).status).toBe(200);
  });

  it("still fails under 'optional' when a server token does not verify", async () => {
    server = await startServer(fakeAcceptor({ finalToken: () => 'AAAA' }).handler);
    const { api } = client({ hosts: '127.0.0.1', mutual: 'optional' });
    await expect(api.get('/x')).rejects.toBeInstanceOf(MutualAuthenticationError);
  });

  it("neither asks for nor checks the server token under 'disabled'", async () => {
    server = await startServer(fakeAcceptor({ finalToken: () => 'AAAA' }).handler);
    const { api, gss } = client({ hosts: '127.0.0.1', mutual: 'disabled' });
    expect((await api.get('/x')).status).toBe(200);
    expect(gss.contexts[0]!.options.mutual).toBe(false);
  });

  it('lets a request override `mutual`', async () => {
    server = await startServer(fakeAcceptor({ mutualToken: false }).handler);
    const { api } = client({ hosts: '127.0.0.1' });
    expect((await api.get('/x', { kerberos: { mutual: 'optional' } })).status).toBe(200);
  });
});

describe('errors from GSS', () => {
  it('turns a missing ticket into ERR_KERBEROS_NO_CREDENTIALS that says to run kinit', async () => {
    server = await startServer((_req, res) => res.writeHead(200).end());
    const gss = new FakeGss();
    gss.failWith = new Error('No Kerberos credentials available (default cache: FILE:/tmp/none)');
    const { api } = client({ hosts: '127.0.0.1' }, gss);
    const error: unknown = await api.get('/x').catch((e: unknown) => e);
    expect(isKerberosAuthError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_KERBEROS_NO_CREDENTIALS', spn: 'HTTP@127.0.0.1' });
    expect((error as Error).message).toMatch(/kinit/);
    expect((error as Error).cause).toBe(gss.failWith);
    expect(server.requests).toHaveLength(0);
  });

  it('names the cause SPNEGO hides (Heimdal) by asking raw Kerberos once, and sends neither token', async () => {
    server = await startServer((_req, res) => res.writeHead(200).end());
    const gss = new FakeGss();
    gss.failFirstStep = {
      spnego: new Error(' An unsupported mechanism was requested: unknown mech-code 0 for mech unknown'),
      kerberos: new Error(' Miscellaneous failure (see text): Refuses to open group/other readable files FILE:/tmp/cc'),
    };
    const { api } = client({ hosts: '127.0.0.1' }, gss);
    const error: unknown = await api.get('/x').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_KERBEROS_NO_CREDENTIALS', spn: 'HTTP@127.0.0.1' });
    expect((error as Error).message).toMatch(/chmod 600 \/tmp\/cc/);
    expect(gss.contexts.map((context) => context.options.mechanism)).toEqual(['spnego', 'kerberos']);
    expect(server.requests).toHaveLength(0);
  });

  it('reads the cause from the KRB-ERROR in the server token when GSS names none (Heimdal SPNEGO)', async () => {
    // Apache's answer to a token outside the skew window, recorded: SPNEGO reject + KRB_AP_ERR_SKEW.
    const skew =
      'oXAwbqADCgEComcEZWBjBgkqhkiG9xIBAgIDAH5UMFKgAwIBBaEDAgEepBEYDzIwMjYxMjA2MTY0NzQ2WqUFAgMK3ZymAwIBJakJGwdBSy5URVNUqhwwGqADAgEBoRMwERsESFRUUBsJbG9jYWxob3N0';
    server = await startServer((_req, res) => res.writeHead(401, { 'WWW-Authenticate': `Negotiate ${skew}` }).end());
    const { api } = client({ hosts: '127.0.0.1' });
    // The fake GSS cannot step this token ("defective token"), as Heimdal's SPNEGO cannot name it.
    const error: unknown = await api.get('/x').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_KERBEROS_CLOCK_SKEW' });
    expect((error as Error).message).toMatch(/KRB5KRB_AP_ERR_SKEW/);
    expect(server.requests).toHaveLength(1);
  });

  it('times out a GSS call that never returns with ERR_KERBEROS_TIMEOUT', async () => {
    server = await startServer((_req, res) => res.writeHead(200).end());
    const gss = new FakeGss();
    gss.delayMs = 2000;
    const { api } = client({ hosts: '127.0.0.1', timeout: 50 }, gss);
    await expect(api.get('/x')).rejects.toMatchObject({ code: 'ERR_KERBEROS_TIMEOUT' });
  });
});

describe('SPN mapping and NTLM', () => {
  it("sends the token for the canonical name with canonicalize: 'cname', matching hosts on the URL host", async () => {
    server = await startServer(fakeAcceptor().handler);
    const gss = new FakeGss();
    const api = axios.create({ baseURL: `http://localhost:${server.port}` });
    const resolveCname = (name: string) => Promise.resolve(name === 'localhost' ? ['real.example'] : []);
    createPlugin(resolveOptions({ hosts: 'localhost', canonicalize: 'cname' }), gss, 'linux', resolveCname).install(
      api,
    );
    await api.get('/x');
    expect(decodeToken(negotiateToken(server.requests[0]!)!)).toMatchObject({ spn: 'HTTP@real.example' });
  });

  it('does no SPN work (no CNAME lookup) for a host that gets no token up front', async () => {
    server = await startServer((_request, response) => response.writeHead(200).end());
    const lookups: string[] = [];
    const api = axios.create({ baseURL: `http://localhost:${server.port}` });
    const resolveCname = (name: string) => {
      lookups.push(name);
      return Promise.resolve([]);
    };
    const options = resolveOptions({ hosts: 'elsewhere.example', canonicalize: 'cname' });
    createPlugin(options, new FakeGss(), 'linux', resolveCname).install(api);
    await api.get('/x');
    expect(server.requests).toHaveLength(1);
    expect(lookups).toEqual([]);
  });

  it('refuses to send an NTLM token with ERR_KERBEROS_NTLM_REFUSED', async () => {
    server = await startServer(fakeAcceptor().handler);
    const gss = new FakeGss();
    gss.ntlm = true;
    const { api } = client({ hosts: '127.0.0.1' }, gss);
    await expect(api.get('/x')).rejects.toMatchObject({ code: 'ERR_KERBEROS_NTLM_REFUSED', host: '127.0.0.1' });
    expect(server.requests).toHaveLength(0);
  });

  it('sends an NTLM token only with allowNtlm', async () => {
    server = await startServer((_req, res) => res.writeHead(200).end());
    const gss = new FakeGss();
    gss.ntlm = true;
    const { api } = client({ hosts: '127.0.0.1', allowNtlm: true, mutual: 'optional' }, gss);
    await api.get('/x');
    expect(negotiateToken(server.requests[0]!)).toMatch(/^TlRMTVNTUA/);
  });
});

describe('on Windows (SSPI), with the platform injected', () => {
  it('asks SSPI for HTTP/host, the form it wants, for tokens up front and on challenge', async () => {
    server = await startServer(fakeAcceptor().handler);
    const gss = new FakeGss();
    const api = axios.create({ baseURL: server.url });
    createPlugin(resolveOptions({ hosts: '127.0.0.1', spn: 'HTTP@alias.example' }), gss, 'win32').install(api);
    await api.get('/x');
    await api.get('/y', { kerberos: { spn: 'HTTP@other.example' } });
    expect(gss.contexts.filter((c) => c.complete).map((c) => c.spn)).toEqual([
      'HTTP/alias.example',
      'HTTP/other.example',
    ]);
  });
});

describe('install and eject', () => {
  it('throws when installed twice on one instance, and can be installed again after eject', () => {
    const api = axios.create();
    const plugin = createPlugin(resolveOptions({}), new FakeGss());
    const handle = plugin.install(api);
    expect(() => plugin.install(api)).toThrow(/already installed/);
    handle.eject();
    handle.eject();
    expect(() => plugin.install(api).eject()).not.toThrow();
  });

  it('removes both interceptors on eject', async () => {
    server = await startServer(fakeAcceptor().handler);
    const { api, handle } = client({ hosts: '127.0.0.1' });
    handle.eject();
    await expect(api.get('/x')).rejects.toMatchObject({ response: { status: 401 } });
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('works on the default axios export', async () => {
    server = await startServer(fakeAcceptor().handler);
    const handle = createPlugin(resolveOptions({ hosts: '127.0.0.1' }), new FakeGss()).install(axios);
    try {
      expect((await axios.get(`${server.url}/x`)).status).toBe(200);
    } finally {
      handle.eject();
    }
  });
});
