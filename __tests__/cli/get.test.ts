import { unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pluginOptions } from '../../lib/cli/auth-options';
import { type GetOptions, runGet } from '../../lib/cli/get';
import { FakeGss, decodeToken } from '../helpers/fake-gss';
import { negotiateToken, startServer, type TestServer } from '../helpers/server';
import { fakeCnames, negotiateHandler } from './fake-realm';
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

  it('builds the SPN with --include-port and --canonicalize cname, as the plugin options say', async () => {
    const withPort = new FakeGss();
    await expect(runGet(new URL(server.url), { ...base, includePort: true }, captureIo(), withPort)).resolves.toBe(0);
    expect(withPort.contexts.map((context) => context.spn)).toEqual([`HTTP@127.0.0.1:${server.port}`]);

    const canonical = new FakeGss();
    const dns = fakeCnames({ localhost: 'node7.example.' });
    const url = new URL(`http://localhost:${server.port}/`);
    await expect(runGet(url, { ...base, canonicalize: 'cname' }, captureIo(), canonical, dns)).resolves.toBe(0);
    expect(canonical.contexts.map((context) => context.spn)).toEqual(['HTTP@node7.example']);
    expect(decodeToken(negotiateToken(server.requests.at(-1)!)!)?.spn).toBe('HTTP@node7.example');
    expect(dns.lookups).toEqual(['localhost', 'node7.example']);
  });

  it('passes the SPN options to the plugin: none and false unless given', () => {
    expect(pluginOptions('h.example', base)).toMatchObject({ canonicalize: 'none', includePort: false });
    expect(pluginOptions('h.example', { ...base, canonicalize: 'cname', includePort: true })).toMatchObject({
      hosts: 'h.example',
      canonicalize: 'cname',
      includePort: true,
    });
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

  it('prints an error status without a server token like curl: body, status on stderr, exit 1', async () => {
    // Mutual authentication is required on http: by default; an error page with no server
    // token is still the server's answer, not a mutual-authentication failure.
    await server.close();
    server = await startServer((request, response) => {
      const authenticated = negotiateToken(request) !== undefined;
      response.writeHead(authenticated ? 404 : 401, authenticated ? {} : { 'WWW-Authenticate': 'Negotiate' });
      response.end(authenticated ? 'no such page\n' : '');
    });
    const io = captureIo();
    await expect(runGet(new URL(server.url), { ...base, include: true }, io, new FakeGss())).resolves.toBe(1);
    expect(io.out()).toMatch(/^HTTP\/1\.1 404 Not Found\r\n[\s\S]*\r\n\r\nno such page\n$/);
    expect(io.err()).toBe('axios-kerberos: HTTP 404 Not Found\n');
    expect(server.requests).toHaveLength(1);
  });

  it('refuses an error status whose server token does not verify, printing no body', async () => {
    await server.close();
    server = await startServer((_request, response) => {
      const forged = Buffer.from(JSON.stringify({ kind: 'final', id: 999, spn: 'x' })).toString('base64');
      response.writeHead(500, { 'WWW-Authenticate': `Negotiate ${forged}` }).end('forged body\n');
    });
    const io = captureIo();
    await expect(runGet(new URL(server.url), base, io, new FakeGss())).resolves.toBe(1);
    expect(io.out()).toBe('');
    expect(io.err()).toMatch(/^axios-kerberos: ERR_KERBEROS_MUTUAL_AUTH: /);
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
