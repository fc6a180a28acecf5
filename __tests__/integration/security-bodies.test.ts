import axios, { type AxiosInstance } from 'axios';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { kerberosAuth } from '../../lib';
import { guardEachTest, kerberosAuthErrorOf } from '../helpers/security';
import { accessLogLength, realm } from './helpers/realm';
import { accessLogLines } from './helpers/security';

// Bodies are re-sent byte-identical after a 401: the realm's echo CGI hashes the body
// Apache handed it, and the access log proves the 401 round really happened. A stream cannot
// be sent twice: ERR_KERBEROS_BODY_NOT_REPLAYABLE, naming the host, and nothing sent again.

interface Echo {
  user: string | null;
  method: string;
  sha256: string;
  length: number;
}

guardEachTest();

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A unique echo path, so access-log lines of this request can be told apart. */
const echoPath = (name: string) => `/negotiate/echo?case=${name}-${randomUUID()}`;

function reactive(options: Parameters<typeof kerberosAuth>[0]): AxiosInstance {
  const api = axios.create({ baseURL: realm.url });
  kerberosAuth(options).install(api);
  return api;
}

/** The exact bytes plain axios sends for `data` (with `headers`), captured by a local server. */
async function bytesAxiosSends(data: unknown, headers: Record<string, string> = {}): Promise<Buffer> {
  let captured: Buffer | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      captured = Buffer.concat(chunks);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await axios.post(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, data, { headers });
  } finally {
    server.closeAllConnections();
    server.close();
  }
  return captured!;
}

function formWithBlob(): FormData {
  const form = new FormData();
  form.append('title', 'grüße, "quoted" & more');
  form.append('file', new Blob([randomBytes(20_000)], { type: 'application/octet-stream' }), 'payload.bin');
  form.append('empty', '');
  return form;
}

const BOUNDARY = 'axioskerberostestboundary0123456789';

/** A body to send, its headers, and the bytes that must reach the server. */
interface BodyCase {
  data: unknown;
  headers?: Record<string, string>;
  expected: Buffer;
}

const bodies: [string, () => BodyCase | Promise<BodyCase>][] = [
  [
    'a Buffer of binary bytes',
    () => {
      const bytes = randomBytes(64 * 1024);
      return { data: bytes, expected: bytes };
    },
  ],
  [
    'a string with non-ASCII text',
    () => {
      const text = `ärger ✓ ${'x'.repeat(10_000)} 日本語`;
      return { data: text, headers: { 'Content-Type': 'text/plain' }, expected: Buffer.from(text, 'utf8') };
    },
  ],
  [
    'a plain object (JSON)',
    () => {
      const object = { text: 'grüße', nested: { list: Array.from({ length: 300 }, (_, i) => i) }, nil: null };
      return { data: object, expected: Buffer.from(JSON.stringify(object)) };
    },
  ],
  [
    'URLSearchParams',
    () => {
      const params = new URLSearchParams({ a: '1', b: 'ä & ö', c: 'x'.repeat(5000) });
      params.append('a', 'twice');
      return { data: params, expected: Buffer.from(params.toString()) };
    },
  ],
  [
    'spec FormData with a Blob',
    async () => {
      const form = formWithBlob();
      const headers = { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` };
      return { data: form, headers, expected: await bytesAxiosSends(form, headers) };
    },
  ],
];

describe.each([
  ['with `preemptive: false`', { hosts: 'localhost', preemptive: false }],
  ['with no `hosts`', {}],
])('after a 401 from the realm %s', (_how, options) => {
  it.each(bodies)('re-sends %s byte-identical', async (_what, make) => {
    const { data, headers, expected } = await make();
    const path = echoPath('body');
    const before = accessLogLength();
    const response = await reactive(options).post<Echo>(path, data, { headers });
    expect(response.data).toMatchObject({ user: realm.alice, method: 'POST', length: expected.length });
    expect(response.data.sha256).toBe(sha256(expected));
    // The body really went twice: unauthenticated (401), then with the token.
    expect((await accessLogLines(before, path, 2)).map((e) => [e.status, e.negotiate])).toEqual([
      [401, false],
      [200, true],
    ]);
  });

  it('re-sends spec FormData with its default (random) boundary at the same length', async () => {
    const form = formWithBlob();
    const expected = await bytesAxiosSends(form);
    const path = echoPath('form');
    const response = await reactive(options).put<Echo>(path, form);
    expect(response.data).toMatchObject({ user: realm.alice, method: 'PUT', length: expected.length });
  });

  it('refuses to re-send a stream: ERR_KERBEROS_BODY_NOT_REPLAYABLE naming the host, sent only once', async () => {
    const path = echoPath('stream');
    const before = accessLogLength();
    const error = await kerberosAuthErrorOf(
      reactive(options).post(path, Readable.from([randomBytes(4096), randomBytes(4096)])),
    );
    expect(error.code).toBe('ERR_KERBEROS_BODY_NOT_REPLAYABLE');
    expect(error.host).toBe('localhost');
    expect(error.message).toContain('localhost');
    expect(error.message).toMatch(/hosts/);
    // Waits for the first line, then a while longer: a second attempt would be in the log by then.
    const log = await accessLogLines(before, path, 1, { quietMs: 300 });
    expect(log.map((e) => [e.status, e.negotiate])).toEqual([[401, false]]);
  });
});

describe('a stream body to a host in `hosts` (pre-emptive)', () => {
  it('goes once, with the token, and arrives intact', async () => {
    const chunks = [randomBytes(10_000), randomBytes(10_000), randomBytes(123)];
    const path = echoPath('stream-preemptive');
    const before = accessLogLength();
    const response = await reactive({ hosts: 'localhost' }).post<Echo>(path, Readable.from(chunks));
    expect(response.data).toMatchObject({ user: realm.alice, length: 20_123 });
    expect(response.data.sha256).toBe(sha256(Buffer.concat(chunks)));
    expect((await accessLogLines(before, path, 1)).map((e) => [e.status, e.negotiate])).toEqual([[200, true]]);
  });
});
