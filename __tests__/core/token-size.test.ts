import axios from 'axios';
import { createPlugin } from '../../lib/interceptors/install';
import { resolveOptions, type KerberosAuthOptions } from '../../lib/options';
import { isKerberosAuthError, type KerberosAuthError } from '../../lib/errors/kerberos-auth-error';
import { FakeGss } from '../helpers/fake-gss';
import { startServer, type TestServer } from '../helpers/server';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function client(options: KerberosAuthOptions, padding: number, adapter: 'http' | 'fetch' = 'http') {
  const gss = new FakeGss();
  gss.padding = padding;
  const api = axios.create({ baseURL: server?.url, adapter });
  createPlugin(resolveOptions(options), gss).install(api);
  return api;
}

async function failure(promise: Promise<unknown>): Promise<KerberosAuthError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isKerberosAuthError(error)) throw new Error(`expected a KerberosAuthError, got ${String(error)}`);
  return error;
}

// What Apache does with a header line above LimitRequestFieldSize (8190 bytes by default).
function apacheLike() {
  return startServer((request, response) => {
    const authorization = request.headers.authorization ?? '';
    if (`Authorization: ${authorization}`.length > 8190) {
      response
        .writeHead(400, { 'Content-Type': 'text/html' })
        .end('Size of a request header field exceeds server limit.');
    } else {
      response.writeHead(401, { 'WWW-Authenticate': 'Negotiate' }).end();
    }
  });
}

describe('a server refusing a large Negotiate token', () => {
  it('reports a 400 to a large token as ERR_KERBEROS_TOKEN_TOO_LARGE, with its size and the settings to raise', async () => {
    server = await apacheLike();
    const error = await failure(client({ hosts: '127.0.0.1' }, 9000).get('/x'));
    expect(error.code).toBe('ERR_KERBEROS_TOKEN_TOO_LARGE');
    expect(error.message).toMatch(
      /answered 400 .* \d{4,}-character \(\d+\.\d KiB\) Negotiate token for SPN HTTP@127\.0\.0\.1/,
    );
    expect(error.fix).toMatch(
      /LimitRequestFieldSize.*MaxFieldLength.*MaxRequestBytes.*large_client_header_buffers.*--max-http-header-size/,
    );
    expect(error.fix).toMatch(/groups/);
    expect(error.response?.status).toBe(400);
    expect(error.response?.data).toMatch(/exceeds server limit/);
  });

  it('says so with the fetch adapter too', async () => {
    server = await apacheLike();
    const error = await failure(client({ hosts: '127.0.0.1' }, 9000, 'fetch').get('/x'));
    expect(error.code).toBe('ERR_KERBEROS_TOKEN_TOO_LARGE');
    expect(error.response?.status).toBe(400);
  });

  it.each(['http', 'fetch'] as const)(
    'says so for the hop of a redirect that refused the token (%s adapter), with that hop as the config',
    async (adapter) => {
      server = await startServer((request, response) => {
        if (request.url === '/start') {
          response.writeHead(302, { Location: '/limited' }).end();
        } else if ((request.headers.authorization ?? '').length > 8000) {
          response.writeHead(400).end('Size of a request header field exceeds server limit.');
        } else {
          response.writeHead(200).end('ok');
        }
      });
      const error = await failure(client({ hosts: '127.0.0.1', mutual: 'disabled' }, 9000, adapter).get('/start'));
      expect(error.code).toBe('ERR_KERBEROS_TOKEN_TOO_LARGE');
      expect(error.response?.status).toBe(400);
      expect(String(error.config?.url)).toMatch(/\/limited$/);
      // The spent token is redacted on the config the caller gets.
      expect(String(error.config?.headers.Authorization)).toBe('Negotiate [redacted]');
    },
  );

  it('says so too when validateStatus lets the 400 through, instead of a mutual-authentication failure', async () => {
    server = await apacheLike();
    const error = await failure(client({ hosts: '127.0.0.1' }, 9000).get('/x', { validateStatus: () => true }));
    expect(error.code).toBe('ERR_KERBEROS_TOKEN_TOO_LARGE');
  });

  it("reports Node's own 431 (its 16 KiB header limit) the same way, after a 401 challenge", async () => {
    server = await startServer((_request, response) =>
      response.writeHead(401, { 'WWW-Authenticate': 'Negotiate' }).end(),
    );
    const error = await failure(client({}, 20000).get('/x'));
    expect(error.code).toBe('ERR_KERBEROS_TOKEN_TOO_LARGE');
    expect(error.message).toMatch(/answered 431/);
  });

  it('mentions delegation when the token carries a delegated ticket', async () => {
    server = await apacheLike();
    const error = await failure(client({ hosts: '127.0.0.1', delegate: true }, 9000).get('/x'));
    expect(error.message).toMatch(/delegate: true.*doubles/);
    expect(error.fix).toMatch(/leave out `delegate`/);
  });

  it('takes a 400 whose page speaks of header size for a token of 4 KiB or more', async () => {
    server = await startServer((_request, response) =>
      response.writeHead(400).end('Bad Request - Request Too Long: the size of the request headers is too long'),
    );
    const error = await failure(client({ hosts: '127.0.0.1', mutual: 'optional' }, 5000).get('/x'));
    expect(error.code).toBe('ERR_KERBEROS_TOKEN_TOO_LARGE');
  });

  it("leaves the application's own 400 alone: a page about something else, or an authenticated one", async () => {
    server = await startServer((request, response) => {
      const token = (request.headers.authorization ?? '').slice('Negotiate '.length);
      const headers: Record<string, string> =
        request.url === '/authenticated' ? { 'WWW-Authenticate': `Negotiate ${token}` } : {};
      response.writeHead(400, headers).end('{"error":"quantity must be positive"}');
    });
    const api = client({ hosts: '127.0.0.1', mutual: 'disabled' }, 5000);
    const plain: unknown = await api.get('/plain').catch((e: unknown) => e);
    expect(isKerberosAuthError(plain)).toBe(false);
    expect(plain).toMatchObject({ response: { status: 400 } });
    const big = client({ hosts: '127.0.0.1', mutual: 'disabled' }, 9000);
    const error: unknown = await big.get('/authenticated').catch((e: unknown) => e);
    expect(isKerberosAuthError(error)).toBe(false);
    expect(error).toMatchObject({ response: { status: 400 } });
  });

  it('leaves a 400 to a small token as the server sent it', async () => {
    server = await startServer((_request, response) => response.writeHead(400).end('bad input'));
    const error: unknown = await client({ hosts: '127.0.0.1', mutual: 'optional' }, 0)
      .get('/x')
      .catch((e: unknown) => e);
    expect(isKerberosAuthError(error)).toBe(false);
    expect(error).toMatchObject({ response: { status: 400, data: 'bad input' } });
  });
});
