import { runCli } from '../../lib/cli/program';
import { collectHeader, parseMethod, parseTimeout, parseUrl } from '../../lib/cli/option-parsers';
import { startServer } from '../helpers/server';
import { FakeGss } from '../helpers/fake-gss';
import { fakeCnames, fakeDeps, negotiateHandler } from './fake-realm';
import { captureIo } from './io';

const argv = (...args: string[]) => ['node', 'axios-kerberos', ...args];

describe('runCli: flags, help and exit codes', () => {
  it.each([
    [['doctor'], 'missing url'],
    [['doctor', 'not a url'], 'not a URL'],
    [['doctor', 'ftp://host/'], 'not http'],
    [['doctor', 'http://localhost/', '--mutual', 'sometimes'], 'bad choice'],
    [['doctor', 'http://localhost/', '--mechanism', 'ntlm'], 'bad mechanism'],
    [['doctor', 'http://localhost/', '--timeout', '0'], 'bad timeout'],
    [['doctor', 'http://localhost/', '--canonicalize', 'dns'], 'bad canonicalize mode'],
    [['get', 'http://localhost/', '--canonicalize'], 'canonicalize without a mode'],
    [['get', 'http://localhost/', '--include-port', 'yes'], '--include-port takes no value'],
    [['doctor', 'http://localhost/', '--spn', 'no-at-sign'], 'SPN rejected by the library'],
    [['get', 'http://localhost/', '-H', 'no colon'], 'bad header'],
    [['frobnicate'], 'unknown command'],
    [['get', 'http://localhost/', '--frobnicate'], 'unknown option'],
    [['get', 'http://localhost/', 'http://localhost/again'], 'two URLs'],
    [['doctor', 'http://localhost/', '-i'], 'a get flag given to doctor'],
    [['get', 'http://localhost/', '-X', 'GET /'], 'bad method'],
    [['help', 'frobnicate'], 'help for an unknown command'],
  ])('exits 2 for a usage error: %j (%s)', async (args) => {
    const io = captureIo();
    await expect(runCli(argv(...args), io, fakeDeps)).resolves.toBe(2);
    expect(io.err()).toMatch(/^error: .+\n\(run with --help for usage\)\n$/);
    expect(io.out()).toBe('');
  });

  it('names the flag and the wrong value in a usage error', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['get', 'http://localhost/', '--mutual', 'sometimes'],
        /--mutual <mode>' argument 'sometimes' is invalid\. Allowed choices are required, optional, disabled/,
      ],
      [['get', 'http://localhost/', '--timeout', '0'], /--timeout <ms>' argument '0' is invalid/],
      [
        ['get', 'http://localhost/', '-H', 'no colon'],
        /--header <header>' argument 'no colon' is invalid: expected 'Name: value'/,
      ],
      [['get'], /missing required argument 'url'/],
      [['get', 'ftp://host/'], /'ftp:\/\/host\/' is not an http: or https: URL/],
      [['get', 'http://localhost/', '--spn', 'no-at-sign'], /option `--spn`: expected an SPN/],
      [
        ['get', 'http://localhost/', '--spn', 'HTTP/h@R.TEST'],
        /option `--spn`: 'HTTP\/h@R\.TEST' is a principal name with a realm\. Fix: write the host-based form 'HTTP@h'/,
      ],
      [['frobnicate'], /unknown command 'frobnicate'/],
    ];
    for (const [args, message] of cases) {
      const io = captureIo();
      await expect(runCli(argv(...args), io, fakeDeps)).resolves.toBe(2);
      expect(io.err()).toMatch(message);
    }
  });

  it('does not echo a long -H value without a colon (a pasted credential)', async () => {
    const io = captureIo();
    const token = 'YIIGhgYGKwYBBQUCoIIGejCCBnagMDAuBgkqhkiC9xIBAgIGCSqGSIb3EgECAgYKKwYBBAGCNwICHgYKKwYBBAGCNwICCg';
    await expect(
      runCli(argv('get', 'http://localhost/', '-H', `Authorization Negotiate ${token}`), io, fakeDeps),
    ).resolves.toBe(2);
    expect(io.err()).toMatch(/--header <header>' argument <\d+ bytes, not shown> is invalid/);
    expect(io.err()).not.toContain(token.slice(0, 16));
  });

  it('prints the overview to standard error and exits 2 without a command', async () => {
    const io = captureIo();
    await expect(runCli(argv(), io)).resolves.toBe(2);
    expect(io.err()).toMatch(/^Usage: axios-kerberos \[options\] \[command\]/);
    expect(io.err()).toMatch(/doctor \[options\] <url>/);
  });

  it('exits 0 for --help and --version', async () => {
    const help = captureIo();
    await expect(runCli(argv('doctor', '--help'), help)).resolves.toBe(0);
    expect(help.out()).toMatch(/--spn <spn>/);
    expect(help.out()).toMatch(/--json/);
    expect(help.out()).toMatch(/--canonicalize <mode>[\s\S]*choices:\s+"none",\s+"cname",\s+default:\s+"none"/);
    expect(help.out()).toMatch(/--include-port/);
    const getHelp = captureIo();
    await expect(runCli(argv('get', '--help'), getHelp)).resolves.toBe(0);
    expect(getHelp.out()).toMatch(/--canonicalize <mode>/);
    expect(getHelp.out()).toMatch(/--include-port/);
    for (const flag of [
      '-i, --include',
      '-H, --header <header>',
      '-X, --request <method>',
      '-d, --data <data>',
      '--delegate',
    ]) {
      expect(getHelp.out()).toContain(flag);
    }
    expect(getHelp.out()).not.toContain('--json');
    const overview = captureIo();
    await expect(runCli(argv('--help'), overview)).resolves.toBe(0);
    expect(overview.out()).toMatch(/Commands:[\s\S]*doctor [\s\S]*get [\s\S]*help \[command\]/);
    const helpCommand = captureIo();
    await expect(runCli(argv('help', 'get'), helpCommand)).resolves.toBe(0);
    expect(helpCommand.out()).toBe(getHelp.out());
    const afterUrl = captureIo();
    await expect(runCli(argv('get', 'http://localhost/', '-h'), afterUrl)).resolves.toBe(0);
    expect(afterUrl.out()).toBe(getHelp.out());
    const version = captureIo();
    await expect(runCli(argv('--version'), version)).resolves.toBe(0);
    expect(version.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
    const short = captureIo();
    await expect(runCli(argv('-V'), short)).resolves.toBe(0);
    expect(short.out()).toBe(version.out());
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

  it('passes --canonicalize and --include-port to the SPN check and to the plugin', async () => {
    const server = await startServer(negotiateHandler());
    try {
      const gss = new FakeGss();
      const dns = fakeCnames({ localhost: 'node7.example' });
      const io = captureIo();
      const url = `http://localhost:${server.port}/`;
      const args = argv('doctor', url, '--canonicalize', 'cname', '--include-port');
      await expect(runCli(args, io, () => fakeDeps(gss, undefined, dns))).resolves.toBe(0);
      const spn = `HTTP@node7.example:${server.port}`;
      expect(io.out()).toContain(
        `✓ service principal      ${spn}: localhost is a CNAME for node7.example (--canonicalize cname); ` +
          `port ${server.port} included (--include-port); `,
      );
      expect(gss.contexts.map((context) => context.spn)).toEqual([spn, spn]);
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
    expect(() => parseTimeout('600001')).toThrow(/whole number/);
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
