import axios, { type AxiosError, type AxiosRequestConfig } from 'axios';
import { request as httpRequest, type ServerResponse } from 'node:http';
import { inspect } from 'node:util';
import type { KerberosAuthOptions } from '../../lib/options';
import { isKerberosAuthError, type KerberosAuthError } from '../../lib/errors/kerberos-auth-error';
import { MutualAuthenticationError } from '../../lib/errors/mutual-authentication-error';
import { decodeToken, encodeToken, type FakeGss } from '../helpers/fake-gss';
import { pluginTestFile } from '../helpers/plugin-client';
import { negotiateToken, type Handler, type RecordedRequest, type TestServer } from '../helpers/server';
import { leaks, rejectionOf, sentSecrets, settleEventLoop, wireContextIds } from '../helpers/security';
import '../../lib/augment';

// Hostile and broken servers: each a real HTTP server on 127.0.0.1, port 0, and the
// fake GSS provider. Expected everywhere: a typed error or the unchanged response; never a
// crash, a hang, an unbounded loop, or an unhandled rejection.

const { rejections, serve, client } = pluginTestFile();
let server: TestServer | undefined;

/** The id of the fake client context whose token this request carries, if any. */
function contextId(request: RecordedRequest): number | undefined {
  const token = negotiateToken(request);
  return token === undefined ? undefined : decodeToken(token)?.id;
}

/** Answers every request with 401 and this WWW-Authenticate value (or values). */
function always401(challenge: string | string[]) {
  return (_request: RecordedRequest, response: ServerResponse): void => {
    response.setHeader('WWW-Authenticate', challenge);
    response.writeHead(401).end('unauthorized');
  };
}

/** 401 `Negotiate` to a request without our token; to one with it, `answer`. */
function afterOurToken(answer: (request: RecordedRequest, response: ServerResponse) => void) {
  return (request: RecordedRequest, response: ServerResponse): void => {
    if (negotiateToken(request) === undefined) {
      response.writeHead(401, { 'WWW-Authenticate': 'Negotiate' }).end('unauthorized');
      return;
    }
    answer(request, response);
  };
}

/** A 200 that verifies: the fake final token for the request's own context. */
function accept(request: RecordedRequest, response: ServerResponse, scheme = 'Negotiate '): void {
  const id = contextId(request)!;
  const final = encodeToken({ kind: 'final', id, spn: 'HTTP@127.0.0.1' });
  response.writeHead(200, { 'WWW-Authenticate': `${scheme}${final}` }).end('{"ok":true}');
}

/** The one fake context whose tokens went out; fails if tokens of several contexts did. */
function wireContext(gss: FakeGss) {
  const ids = wireContextIds(server!.requests);
  expect(ids).toHaveLength(1);
  return gss.contexts.find((context) => context.id === ids[0])!;
}

/** No server token reached GSS: every context only ever minted its first token. */
function nothingStepped(gss: FakeGss): boolean {
  return gss.contexts.every((context) => context.stepped.every((token) => token === ''));
}

const random = (bytes: number) => Buffer.from(Array.from({ length: bytes }, () => Math.floor(Math.random() * 256)));

// Transport that lets a response header bigger than Node's 16 KiB default through, so the
// plugin itself sees a 1 MiB WWW-Authenticate (axios has no `maxHeaderSize` option).
const bigHeaderTransport = {
  request: (options: Record<string, unknown>, callback: (res: unknown) => void) =>
    httpRequest({ ...options, maxHeaderSize: 4 * 1024 * 1024 }, callback as never),
};
const ONE_MIB = 1024 * 1024;

interface Outcome {
  error: unknown;
  secrets: string[];
}

/** Serves `handler`, sends GET /x through the plugin with `options`, and expects it to fail. */
async function failedRequest(
  handler: Handler,
  options: KerberosAuthOptions,
  config?: AxiosRequestConfig,
): Promise<Outcome> {
  server = await serve(handler);
  const { api } = client(options);
  return { error: await rejectionOf(api.get('/x', config)), secrets: sentSecrets(server) };
}

/**
 * The scenarios whose errors are also checked for token leaks below. Each sends at least one
 * token of ours before failing, so the leak check has something to look for.
 */
const scenarios: Record<string, () => Promise<Outcome>> = {
  'an endless 401 Negotiate with ever-new tokens': () => {
    let n = 0;
    return failedRequest(
      (request, response) => {
        const id = contextId(request) ?? 0;
        const more = encodeToken({ kind: 'more', id, spn: `round ${++n}` } as never);
        response.writeHead(401, { 'WWW-Authenticate': `Negotiate ${more}` }).end();
      },
      { hosts: '127.0.0.1', maxRounds: 3 },
    );
  },
  'a 401 with a token that decodes to garbage': () =>
    failedRequest(always401(`Negotiate ${random(48).toString('base64')}`), { hosts: '127.0.0.1' }),
  'a 401 with a token that is not base64': () => failedRequest(always401('Negotiate abc-_def'), { hosts: '127.0.0.1' }),
  'a 401 with Negotiate repeated with different tokens': () =>
    failedRequest(always401(['Negotiate QUFBQQ==', 'Negotiate QkJCQg==']), { hosts: '127.0.0.1' }),
  'the SPNEGO reject token in a 401 after our token': () =>
    failedRequest(always401('Negotiate oQcwBaADCgEC'), { hosts: '127.0.0.1' }),
  'a 200 with a forged mutual token': () =>
    failedRequest(
      afterOurToken((_request, response) => {
        const forged = encodeToken({ kind: 'final', id: 999, spn: 'HTTP@127.0.0.1' });
        response.writeHead(200, { 'WWW-Authenticate': `Negotiate ${forged}` }).end('secret-payload-7f3a');
      }),
      {},
    ),
  'a 1 MiB WWW-Authenticate that the plugin gets to see': () =>
    failedRequest(
      always401(`Negotiate ${'A'.repeat(ONE_MIB)}`),
      { hosts: '127.0.0.1' },
      { transport: bigHeaderTransport },
    ),
  'a 1 MiB WWW-Authenticate that Node refuses': () =>
    failedRequest(always401(`Negotiate ${'A'.repeat(ONE_MIB)}`), { hosts: '127.0.0.1' }),
  'a 500 that carries a Negotiate token': () =>
    failedRequest(
      (request, response) => {
        const final = encodeToken({ kind: 'final', id: contextId(request) ?? 0, spn: 'HTTP@127.0.0.1' });
        response.writeHead(500, { 'WWW-Authenticate': `Negotiate ${final}` }).end('boom');
      },
      { hosts: '127.0.0.1' },
    ),
};

function kerberosError(error: unknown): KerberosAuthError {
  if (!isKerberosAuthError(error)) throw new Error(`expected a KerberosAuthError, got ${inspect(error, { depth: 1 })}`);
  return error;
}

describe('the unhandled-rejection probe of this file', () => {
  it('records a rejection that nobody handles', async () => {
    const before = rejections.seen.length;
    const orphan = Promise.reject(new Error('deliberately unhandled'));
    await settleEventLoop();
    orphan.catch(() => undefined); // handled late, so Jest does not fail this test for it
    await settleEventLoop();
    expect(rejections.seen.slice(before)).toEqual([expect.objectContaining({ message: 'deliberately unhandled' })]);
    rejections.seen.splice(before);
  });
});

describe('an endless 401 Negotiate', () => {
  it.each([1, 3, 10])(
    'stops after maxRounds=%i with ERR_KERBEROS_REJECTED, having sent maxRounds + 1 requests',
    async (maxRounds) => {
      const challenges: string[] = [];
      server = await serve((request, response) => {
        const more = encodeToken({ kind: 'more', id: contextId(request) ?? 0, spn: `r${challenges.length}` });
        challenges.push(more);
        response.writeHead(401, { 'WWW-Authenticate': `Negotiate ${more}` }).end();
      });
      const { api, gss } = client({ hosts: '127.0.0.1', maxRounds });
      const started = Date.now();
      const error = kerberosError(await rejectionOf(api.get('/x')));
      expect(error.code).toBe('ERR_KERBEROS_REJECTED');
      expect(error.message).toMatch(/maxRounds/);
      expect(server.requests).toHaveLength(maxRounds + 1);
      expect(new Set(challenges).size).toBe(challenges.length); // the server really sent new tokens
      expect(wireContext(gss).stepped).toHaveLength(maxRounds + 1); // one context, stepped once per round
      expect(Date.now() - started).toBeLessThan(2000);
    },
  );

  it('is bounded the same way when the first challenge already carries a token (no hosts, reactive)', async () => {
    server = await serve((request, response) => {
      const id = contextId(request);
      const token = id === undefined ? random(32).toString('base64') : encodeToken({ kind: 'more', id, spn: 'x' });
      response.writeHead(401, { 'WWW-Authenticate': `Negotiate ${token}` }).end();
    });
    const { api, gss } = client({ maxRounds: 3 });
    const error = kerberosError(await rejectionOf(api.get('/x')));
    expect(error.code).toBe('ERR_KERBEROS_REJECTED');
    expect(server.requests).toHaveLength(4);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
    // The stranger's token in the first challenge never reached GSS: the handshake started fresh.
    expect(wireContext(gss).stepped[0]).toBe('');
  });

  it('stops at once when every new token is one our context cannot step ("not for us")', async () => {
    server = await serve((_request, response) => {
      response.writeHead(401, { 'WWW-Authenticate': `Negotiate ${random(40).toString('base64')}` }).end();
    });
    const { api } = client({ hosts: '127.0.0.1', maxRounds: 10 });
    const error = kerberosError(await rejectionOf(api.get('/x')));
    expect(error.code).toBe('ERR_KERBEROS_REJECTED');
    expect(error.cause).toBeInstanceOf(Error);
    expect(server.requests).toHaveLength(1);
  });
});

describe('a 1 MiB WWW-Authenticate header', () => {
  it("fails cleanly with axios's parse error when Node's 16 KiB header limit refuses it", async () => {
    server = await serve(always401(`Negotiate ${'A'.repeat(ONE_MIB)}`));
    const { api, gss } = client({});
    const error = await rejectionOf(api.get('/x'));
    expect(axios.isAxiosError(error)).toBe(true);
    expect((error as AxiosError).code).toBe('HPE_HEADER_OVERFLOW');
    expect((error as AxiosError).response).toBeUndefined();
    expect(gss.contexts).toHaveLength(0);
    expect(server.requests).toHaveLength(1);
  });

  it('is refused as ERR_KERBEROS_BAD_CHALLENGE, quickly, when a bigger header limit lets it through', async () => {
    server = await serve(always401(`Negotiate ${'A'.repeat(ONE_MIB)}`));
    const { api, gss } = client({});
    const started = Date.now();
    const error = kerberosError(await rejectionOf(api.get('/x', { transport: bigHeaderTransport })));
    expect(error.code).toBe('ERR_KERBEROS_BAD_CHALLENGE');
    expect(error.message).toMatch(/longer than/);
    expect(error.message.length).toBeLessThan(2000); // the attacker's value is not echoed
    expect(gss.contexts).toHaveLength(0);
    expect(server.requests).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('is refused after our token too, without a second request', async () => {
    const outcome = await scenarios['a 1 MiB WWW-Authenticate that the plugin gets to see']!();
    expect(kerberosError(outcome.error).code).toBe('ERR_KERBEROS_BAD_CHALLENGE');
    expect(server!.requests).toHaveLength(1);
    expect(outcome.secrets.length).toBeGreaterThan(0);
  });

  it('of 1 MiB of other challenges and junk parameters leaves the 401 unchanged, quickly', async () => {
    const junk = 'Basic realm="a,b", x=1, '.repeat(Math.ceil(ONE_MIB / 24));
    server = await serve(always401(junk));
    const { api, gss } = client({});
    const started = Date.now();
    const error = await rejectionOf(api.get('/x', { transport: bigHeaderTransport }));
    expect(axios.isAxiosError(error) && (error as AxiosError).response?.status).toBe(401);
    expect(gss.contexts).toHaveLength(0);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('Negotiate tokens that are not base64, empty, or garbage', () => {
  it.each([
    ['a length that is not a multiple of 4', 'Negotiate abcde'],
    ['base64url characters', 'Negotiate abc-_def'],
    ['padding in the middle', 'Negotiate QU=FQQ=='],
  ])('refuses a token with %s after our token: ERR_KERBEROS_BAD_CHALLENGE, nothing re-sent', async (_what, header) => {
    server = await serve(always401(header));
    const { api, gss } = client({ hosts: '127.0.0.1' });
    const error = kerberosError(await rejectionOf(api.get('/x')));
    expect(error.code).toBe('ERR_KERBEROS_BAD_CHALLENGE');
    expect(error).toMatchObject({ host: '127.0.0.1', spn: 'HTTP@127.0.0.1' });
    expect(server.requests).toHaveLength(1);
    expect(nothingStepped(gss)).toBe(true); // the bad token never reached GSS
  });

  it('refuses a first challenge whose token is not base64 before minting anything (no hosts)', async () => {
    server = await serve(always401('Negotiate abcde'));
    const { api, gss } = client({});
    const error = kerberosError(await rejectionOf(api.get('/x')));
    expect(error.code).toBe('ERR_KERBEROS_BAD_CHALLENGE');
    expect(gss.contexts).toHaveLength(0);
    expect(server.requests).toHaveLength(1);
  });

  it('returns the 401 unchanged when the host is not allowed, however bad its token', async () => {
    server = await serve(always401('Negotiate abcde'));
    const { api, gss } = client({ hosts: 'elsewhere.example' });
    const error = await rejectionOf(api.get('/x'));
    expect(axios.isAxiosError(error)).toBe(true);
    expect((error as AxiosError).response?.status).toBe(401);
    expect(gss.contexts).toHaveLength(0);
  });

  it.each([
    ['an empty token', 'Negotiate '],
    ['an empty quoted string', 'Negotiate ""'],
    ['characters outside token68', 'Negotiate a!b?c'],
  ])('answers %s after our token with a typed error and no second request', async (_what, header) => {
    server = await serve(always401(header));
    const { api } = client({ hosts: '127.0.0.1' });
    const error = kerberosError(await rejectionOf(api.get('/x')));
    expect(['ERR_KERBEROS_REJECTED', 'ERR_KERBEROS_BAD_CHALLENGE']).toContain(error.code);
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ['random bytes', () => random(64).toString('base64')],
    ['zero bytes', () => 'AAAAAAAAAAAAAAAA'],
    ['JSON for another context', () => encodeToken({ kind: 'more', id: 424242, spn: 'HTTP@127.0.0.1' })],
  ])('answers a 401 token of %s after ours with ERR_KERBEROS_REJECTED and no second request', async (_what, token) => {
    server = await serve(always401(`Negotiate ${token()}`));
    const { api } = client({ hosts: '127.0.0.1' });
    const error = kerberosError(await rejectionOf(api.get('/x')));
    expect(error.code).toBe('ERR_KERBEROS_REJECTED');
    expect(error.message).toMatch(/could not be processed/);
    expect(server.requests).toHaveLength(1);
  });

  it('does not feed a garbage token in the first challenge to GSS, but starts a fresh handshake', async () => {
    server = await serve((request, response) => {
      if (negotiateToken(request) === undefined) {
        response.writeHead(401, { 'WWW-Authenticate': `Negotiate ${random(32).toString('base64')}` }).end();
      } else accept(request, response);
    });
    const { api, gss } = client({});
    const response = await api.get('/x');
    expect(response.status).toBe(200);
    expect(wireContext(gss).stepped[0]).toBe('');
    expect(wireContext(gss).complete).toBe(true);
  });
});

describe('Negotiate repeated with different tokens', () => {
  it.each([
    ['two header lines', ['Negotiate QUFBQQ==', 'Negotiate QkJCQg==']],
    ['one comma-joined line', 'Negotiate QUFBQQ==, Negotiate QkJCQg=='],
    ['a line mixed with Basic', 'Basic realm="x", Negotiate QUFBQQ==, negotiate QkJCQg=='],
  ])('in a 401 after our token (%s) is ERR_KERBEROS_BAD_CHALLENGE', async (_what, header) => {
    server = await serve(always401(header));
    const { api, gss } = client({ hosts: '127.0.0.1' });
    const error = kerberosError(await rejectionOf(api.get('/x')));
    expect(error.code).toBe('ERR_KERBEROS_BAD_CHALLENGE');
    expect(error.message).toMatch(/several different/);
    expect(server.requests).toHaveLength(1);
    expect(nothingStepped(gss)).toBe(true);
  });

  it('in a first 401 is ERR_KERBEROS_BAD_CHALLENGE before anything is minted (no hosts)', async () => {
    server = await serve(always401(['Negotiate QUFBQQ==', 'Negotiate QkJCQg==']));
    const { api, gss } = client({});
    expect(kerberosError(await rejectionOf(api.get('/x'))).code).toBe('ERR_KERBEROS_BAD_CHALLENGE');
    expect(gss.contexts).toHaveLength(0);
  });

  it('in a 200 fails mutual authentication and withholds the response', async () => {
    server = await serve((request, response) => {
      const final = encodeToken({ kind: 'final', id: contextId(request)!, spn: 'HTTP@127.0.0.1' });
      response.setHeader('WWW-Authenticate', [`Negotiate ${final}`, 'Negotiate QkJCQg==']);
      response.writeHead(200).end('secret-payload-7f3a');
    });
    const { api } = client({ hosts: '127.0.0.1' });
    const error = kerberosError(await rejectionOf(api.get('/x')));
    expect(error).toBeInstanceOf(MutualAuthenticationError);
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain('secret-payload-7f3a');
  });

  it('is accepted when the same token is merely repeated (as some proxies do)', async () => {
    server = await serve((request, response) => {
      const final = encodeToken({ kind: 'final', id: contextId(request)!, spn: 'HTTP@127.0.0.1' });
      response.setHeader('WWW-Authenticate', [`Negotiate ${final}`, `Negotiate ${final}`]);
      response.writeHead(200).end('ok');
    });
    const { api, gss } = client({ hosts: '127.0.0.1' });
    expect((await api.get('/x')).status).toBe(200);
    expect(wireContext(gss).complete).toBe(true);
  });
});

describe('odd casing and whitespace', () => {
  it('answers a first challenge spelt nEgOtIaTe, amid other schemes and extra spaces', async () => {
    server = await serve((request, response) => {
      if (negotiateToken(request) === undefined) {
        response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="x" ,   nEgOtIaTe  ,Digest nonce="n"' }).end();
      } else accept(request, response);
    });
    const { api } = client({});
    expect((await api.get('/x')).status).toBe(200);
    expect(server.requests).toHaveLength(2);
  });

  it('continues a round and verifies the final token written `nEgOtIaTe   <tok>` and `NEGOTIATE\\t<tok>`', async () => {
    server = await serve((request, response) => {
      const id = contextId(request);
      const token = id === undefined ? undefined : decodeToken(negotiateToken(request)!);
      if (token?.kind === 'init') {
        const more = encodeToken({ kind: 'more', id: id!, spn: 'HTTP@127.0.0.1' });
        response.writeHead(401, { 'WWW-Authenticate': `nEgOtIaTe   ${more}` }).end();
      } else if (token?.kind === 'continue') accept(request, response, 'NEGOTIATE\t');
      else response.writeHead(401, { 'WWW-Authenticate': 'Negotiate' }).end();
    });
    const { api, gss } = client({ hosts: '127.0.0.1' });
    const response = await api.get('/x');
    expect(response.status).toBe(200);
    expect(server.requests.map((r) => decodeToken(negotiateToken(r)!)?.kind)).toEqual(['init', 'continue']);
    expect(wireContext(gss).complete).toBe(true);
  });
});

describe('a 200 with a forged mutual token', () => {
  it('fails with MutualAuthenticationError and the response data is nowhere on the error (pre-emptive)', async () => {
    server = await serve((_request, response) => {
      const forged = encodeToken({ kind: 'final', id: 999, spn: 'HTTP@127.0.0.1' });
      response.writeHead(200, { 'WWW-Authenticate': `Negotiate ${forged}` }).end('secret-payload-7f3a');
    });
    const { api } = client({ hosts: '127.0.0.1' });
    const error = kerberosError(await rejectionOf(api.get('/x')));
    expect(error).toBeInstanceOf(MutualAuthenticationError);
    expect(error.code).toBe('ERR_KERBEROS_MUTUAL_AUTH');
    expect(error.response).toBeUndefined();
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain('secret-payload-7f3a');
  });

  it('fails the same way after a 401 round, without the withheld 200 on the error (reactive)', async () => {
    const outcome = await scenarios['a 200 with a forged mutual token']!();
    const error = kerberosError(outcome.error);
    expect(error).toBeInstanceOf(MutualAuthenticationError);
    expect(error.response?.status).not.toBe(200);
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain('secret-payload-7f3a');
    expect(JSON.stringify(error)).not.toContain('secret-payload-7f3a');
  });
});

describe('a 500 that carries a Negotiate token', () => {
  it("passes axios's 500 error through unchanged, body included", async () => {
    const outcome = await scenarios['a 500 that carries a Negotiate token']!();
    const error = outcome.error as AxiosError;
    expect(axios.isAxiosError(error)).toBe(true);
    expect(isKerberosAuthError(error)).toBe(false);
    expect(error.code).toBe('ERR_BAD_RESPONSE');
    expect(error.response?.status).toBe(500);
    expect(error.response?.data).toBe('boom');
    expect(server!.requests).toHaveLength(1);
  });

  it("checks the token when the caller's validateStatus accepts the 500: a valid one passes", async () => {
    server = await serve((request, response) => {
      const final = encodeToken({ kind: 'final', id: contextId(request)!, spn: 'HTTP@127.0.0.1' });
      response.writeHead(500, { 'WWW-Authenticate': `Negotiate ${final}` }).end('boom');
    });
    const { api, gss } = client({ hosts: '127.0.0.1' });
    const response = await api.get('/x', { validateStatus: () => true });
    expect(response.status).toBe(500);
    expect(wireContext(gss).complete).toBe(true);
  });

  it("checks the token when the caller's validateStatus accepts the 500: a forged one is refused", async () => {
    server = await serve((_request, response) => {
      const forged = encodeToken({ kind: 'final', id: 999, spn: 'HTTP@127.0.0.1' });
      response.writeHead(500, { 'WWW-Authenticate': `Negotiate ${forged}` }).end('boom');
    });
    const { api } = client({ hosts: '127.0.0.1' });
    const error = await rejectionOf(api.get('/x', { validateStatus: () => true }));
    expect(error).toBeInstanceOf(MutualAuthenticationError);
  });
});

describe('the SPNEGO reject token (negResult reject, oQcwBaADCgEC)', () => {
  it('in a 401 after our token fails with ERR_KERBEROS_REJECTED after one request', async () => {
    const outcome = await scenarios['the SPNEGO reject token in a 401 after our token']!();
    const error = kerberosError(outcome.error);
    expect(error.code).toBe('ERR_KERBEROS_REJECTED');
    expect(error).toMatchObject({ host: '127.0.0.1', spn: 'HTTP@127.0.0.1' });
    expect(server!.requests).toHaveLength(1);
  });

  it('in a 401 after our re-sent token (no hosts) fails with ERR_KERBEROS_REJECTED after two requests', async () => {
    server = await serve(
      afterOurToken((_request, response) => {
        response.writeHead(401, { 'WWW-Authenticate': 'Negotiate oQcwBaADCgEC' }).end();
      }),
    );
    const { api } = client({});
    expect(kerberosError(await rejectionOf(api.get('/x'))).code).toBe('ERR_KERBEROS_REJECTED');
    expect(server.requests).toHaveLength(2);
  });
});

describe('tokens never leak into errors', () => {
  it.each(Object.keys(scenarios))(
    'no token we sent is in util.inspect, JSON.stringify, String or message of the error from %s',
    async (name) => {
      const { error, secrets } = await scenarios[name]!();
      expect(secrets.length).toBeGreaterThan(0); // a token was sent, so there is something to find
      expect(leaks(error, secrets)).toEqual([]);
    },
  );
});
