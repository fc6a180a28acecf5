import { unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GetOptions, runGet } from '../../lib/cli/get';
import { FakeGss } from '../helpers/fake-gss';
import { startServer, type TestServer } from '../helpers/server';
import { negotiateHandler } from './fake-realm';
import { captureIo } from './io';

const base: GetOptions = {
  mechanism: 'spnego',
  timeout: 2000,
  include: false,
  headers: [],
  request: undefined,
  data: undefined,
};
let server: TestServer;

beforeEach(async () => {
  server = await startServer(negotiateHandler('hello body\n'));
});
afterEach(() => server.close());

describe('runGet (fake GSS, real HTTP on 127.0.0.1)', () => {
  it('prints the body only, with the token sent up front, exit 0', async () => {
    const io = captureIo();
    await expect(runGet(new URL(server.url), base, io, new FakeGss())).resolves.toBe(0);
    expect(io.out()).toBe('hello body\n');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.headers.authorization).toMatch(/^Negotiate /);
  });

  it('with -i prints the status line and headers first, tokens redacted', async () => {
    const io = captureIo();
    await runGet(new URL(server.url), { ...base, include: true }, io, new FakeGss());
    const [head, body] = io.out().split('\r\n\r\n') as [string, string];
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toMatch(/\r\nWWW-Authenticate: Negotiate <redacted \d+ bytes>(\r\n|$)/);
    expect(body).toBe('hello body\n');
    const token = /Negotiate (\S+)/.exec(String(server.requests[0]?.headers.authorization))?.[1] as string;
    expect(io.out()).not.toContain(token);
  });

  it('sends -X, -H and -d (text, @file, @-) like curl', async () => {
    const file = join(tmpdir(), `axios-kerberos-get-${process.pid}.bin`);
    writeFileSync(file, 'from a file');
    await runGet(new URL(server.url), { ...base, data: 'a=1', headers: [['X-One', '1']] }, captureIo(), new FakeGss());
    await runGet(new URL(server.url), { ...base, data: `@${file}`, request: 'PUT' }, captureIo(), new FakeGss());
    await runGet(
      new URL(server.url),
      { ...base, data: '@-', headers: [['content-type', 'text/plain']] },
      captureIo('from stdin'),
      new FakeGss(),
    );
    unlinkSync(file);
    const [form, put, piped] = server.requests;
    expect(form).toMatchObject({ method: 'POST', body: Buffer.from('a=1') });
    expect(form?.headers).toMatchObject({ 'x-one': '1', 'content-type': 'application/x-www-form-urlencoded' });
    expect(put).toMatchObject({ method: 'PUT', body: Buffer.from('from a file') });
    expect(piped?.body.toString()).toBe('from stdin');
    expect(piped?.headers['content-type']).toBe('text/plain');
  });

  it('exits 1 with the error code and fix on stderr when Kerberos fails, printing no body', async () => {
    const gss = new FakeGss();
    gss.failWith = new Error('No Kerberos credentials available');
    const io = captureIo();
    await expect(runGet(new URL(server.url), base, io, gss)).resolves.toBe(1);
    expect(io.out()).toBe('');
    expect(io.err()).toMatch(/^axios-kerberos: ERR_KERBEROS_NO_CREDENTIALS: .*Fix: .*kinit/);
    expect(server.requests).toHaveLength(0);
  });

  it('exits 1 for an error status, still printing the body', async () => {
    await server.close();
    server = await startServer(negotiateHandler('missing\n', 404));
    const io = captureIo();
    await expect(runGet(new URL(server.url), base, io, new FakeGss())).resolves.toBe(1);
    expect(io.out()).toBe('missing\n');
    expect(io.err()).toBe('axios-kerberos: HTTP 404 Not Found\n');
  });
});
