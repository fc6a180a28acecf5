import { runCli } from '../../lib/cli/program';
import { collectHeader, parseMethod, parseTimeout, parseUrl } from '../../lib/cli/option-parsers';
import { startServer } from '../helpers/server';
import { fakeDeps, negotiateHandler } from './fake-realm';
import { captureIo } from './io';

const argv = (...args: string[]) => ['node', 'axios-kerberos', ...args];

describe('runCli: commander wiring and exit codes', () => {
  it.each([
    [[], 'no command'],
    [['doctor'], 'missing url'],
    [['doctor', 'not a url'], 'not a URL'],
    [['doctor', 'ftp://host/'], 'not http'],
    [['doctor', 'http://localhost/', '--mutual', 'sometimes'], 'bad choice'],
    [['doctor', 'http://localhost/', '--mechanism', 'ntlm'], 'bad mechanism'],
    [['doctor', 'http://localhost/', '--timeout', '0'], 'bad timeout'],
    [['doctor', 'http://localhost/', '--spn', 'no-at-sign'], 'SPN rejected by the library'],
    [['get', 'http://localhost/', '-H', 'no colon'], 'bad header'],
    [['frobnicate'], 'unknown command'],
  ])('exits 2 for a usage error: %j (%s)', async (args) => {
    const io = captureIo();
    await expect(runCli(argv(...args), io, fakeDeps)).resolves.toBe(2);
    expect(io.err()).not.toBe('');
  });

  it('exits 0 for --help and --version', async () => {
    const help = captureIo();
    await expect(runCli(argv('doctor', '--help'), help)).resolves.toBe(0);
    expect(help.out()).toMatch(/--spn <spn>/);
    expect(help.out()).toMatch(/--json/);
    const version = captureIo();
    await expect(runCli(argv('--version'), version)).resolves.toBe(0);
    expect(version.out()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('runs doctor --json: one JSON document, exit 0 when it works', async () => {
    const server = await startServer(negotiateHandler());
    try {
      const io = captureIo();
      await expect(runCli(argv('doctor', '--json', server.url), io, fakeDeps)).resolves.toBe(0);
      const report = JSON.parse(io.out()) as { ok: boolean; url: string; steps: unknown[]; roundTrips: number };
      expect(report).toMatchObject({ ok: true, url: `${server.url}/`, roundTrips: 2 });
      expect(report.steps).toHaveLength(7);
    } finally {
      await server.close();
    }
  });

  it('runs doctor as text, exit 1 when a check fails', async () => {
    const server = await startServer((_request, response) => response.end('public'));
    try {
      const io = captureIo();
      await expect(runCli(argv('doctor', server.url), io, fakeDeps)).resolves.toBe(1);
      expect(io.out()).toMatch(/✗ server challenge +200 OK without any authentication challenge/);
    } finally {
      await server.close();
    }
  });
});

describe('option parsers', () => {
  it('parses --timeout as whole milliseconds', () => {
    expect(parseTimeout('250')).toBe(250);
    expect(() => parseTimeout('1.5')).toThrow(/whole number/);
    expect(() => parseTimeout('-1')).toThrow(/whole number/);
  });

  it('collects -H headers in order and refuses ones without a name', () => {
    expect(collectHeader('B: 2', collectHeader('A:1'))).toEqual([
      ['A', '1'],
      ['B', '2'],
    ]);
    expect(collectHeader('X-Empty:')).toEqual([['X-Empty', '']]);
    expect(() => collectHeader(': x')).toThrow(/Name: value/);
  });

  it('upper-cases -X methods and refuses non-tokens', () => {
    expect(parseMethod('patch')).toBe('PATCH');
    expect(() => parseMethod('GET /')).toThrow(/not an HTTP method/);
  });

  it('accepts only absolute http: and https: URLs', () => {
    expect(parseUrl('https://h.example/x').href).toBe('https://h.example/x');
    expect(() => parseUrl('/relative')).toThrow(/absolute URL/);
    expect(() => parseUrl('file:///etc/passwd')).toThrow(/http: or https:/);
  });
});
