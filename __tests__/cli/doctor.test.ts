import { renderJson, renderText } from '../../lib/cli/doctor/render';
import { runDoctor } from '../../lib/cli/doctor/run';
import type { CliAuthOptions } from '../../lib/cli/auth-options';
import { FakeGss, decodeToken } from '../helpers/fake-gss';
import { negotiateToken, startServer, type TestServer } from '../helpers/server';
import { dnsError, fakeCnames, fakeDeps, fakeKlist, negotiateHandler } from './fake-realm';

const options: CliAuthOptions = { mechanism: 'spnego', timeout: 2000 };
let servers: TestServer[] = [];

afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

async function server(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const started = await startServer(handler);
  servers.push(started);
  return started;
}

describe('runDoctor on Active Directory problems', () => {
  it('checks DNS before sending a mistyped host to cross-realm trusts', async () => {
    const gss = new FakeGss();
    gss.failWith = new Error('Server krbtgt/EXAMPLE.COM@AK.TEST not found in Kerberos database');
    const url = new URL('http://reprots.example.com/');
    const lookedUp: string[] = [];
    const deps = {
      ...fakeDeps(gss),
      lookupHost: (host: string) => {
        lookedUp.push(host);
        return Promise.reject(dnsError('ENOTFOUND', host));
      },
    };
    const report = await runDoctor(url, options, deps);
    const last = report.steps.at(-1);
    expect(last).toMatchObject({ name: 'service-ticket', ok: false, code: 'ERR_KERBEROS_WRONG_REALM' });
    expect(last?.detail).toMatch(/reprots\.example\.com does not resolve in DNS \(ENOTFOUND\)/);
    expect(last?.fix).toMatch(/typo/);
    expect(last?.fix).not.toMatch(/trust/);
    expect(lookedUp).toEqual(['reprots.example.com']);

    const resolving = await runDoctor(url, options, fakeDeps(gss));
    expect(resolving.steps.at(-1)?.fix).toMatch(/cross-realm trust/);
  });

  it('connects a large token to the 400 the server answers it with', async () => {
    const gss = new FakeGss();
    gss.padding = 9000;
    const target = await server((request, response) => {
      if ((request.headers.authorization ?? '').length > 8190) response.writeHead(400).end('too large');
      else response.writeHead(401, { 'WWW-Authenticate': 'Negotiate' }).end();
    });
    const report = await runDoctor(new URL(target.url), options, fakeDeps(gss));
    expect(report.steps.find((step) => step.name === 'service-ticket')?.detail).toMatch(
      /large \(\d+ characters .*ERR_KERBEROS_TOKEN_TOO_LARGE/,
    );
    const last = report.steps.at(-1);
    expect(last).toMatchObject({ name: 'authenticated-request', ok: false, code: 'ERR_KERBEROS_TOKEN_TOO_LARGE' });
    expect(last?.fix).toMatch(/LimitRequestFieldSize/);
  });
});

describe('runDoctor (fake GSS, real HTTP on 127.0.0.1)', () => {
  it('runs all seven checks in order and passes when authentication works end to end', async () => {
    const target = await server(negotiateHandler());
    const report = await runDoctor(new URL(`${target.url}/x`), options, fakeDeps());
    expect(report.steps.map((step) => [step.name, step.ok])).toEqual([
      ['krb5-config', true],
      ['credential-cache', true],
      ['service-principal', true],
      ['service-ticket', true],
      ['server-challenge', true],
      ['authenticated-request', true],
      ['round-trips', true],
    ]);
    expect(report.ok).toBe(true);
    expect(report.roundTrips).toBe(2);
    expect(report.steps[4]?.detail).toBe('401 Unauthorized, offers Negotiate (also offers Basic)');
    expect(report.steps[5]?.detail).toBe('200 OK (token sent up front); mutual authentication verified');
    expect(report.steps[6]?.detail).toMatch(/^2 HTTP requests \(1 without credentials, 1 authenticated\) in \d+ ms/);
  });

  it('stops at the first failure: no ticket, no GSS and no HTTP', async () => {
    const gss = new FakeGss();
    const target = await server(negotiateHandler());
    const report = await runDoctor(new URL(target.url), options, fakeDeps(gss, fakeKlist('', false)));
    expect(report.ok).toBe(false);
    expect(report.steps.map((step) => step.name)).toEqual(['krb5-config', 'credential-cache']);
    expect(report.steps[1]).toMatchObject({ ok: false, code: 'ERR_KERBEROS_NO_CREDENTIALS' });
    expect(gss.contexts).toHaveLength(0);
    expect(target.requests).toHaveLength(0);
    expect(report.roundTrips).toBe(0);
  });

  it('reports the mapped code and fix when GSS cannot get a service ticket', async () => {
    const gss = new FakeGss();
    gss.failWith = new Error('Server HTTP/nowhere@AK.TEST not found in Kerberos database');
    const target = await server(negotiateHandler());
    const report = await runDoctor(new URL(target.url), { ...options, spn: 'HTTP@nowhere' }, fakeDeps(gss));
    const last = report.steps.at(-1);
    expect(last).toMatchObject({ name: 'service-ticket', ok: false, code: 'ERR_KERBEROS_UNKNOWN_SPN' });
    expect(last?.fix).toMatch(/HTTP@nowhere/);
    expect(target.requests).toHaveLength(0);
  });

  it('names the cause SPNEGO hides (Heimdal) in the service-ticket check, as the plugin does', async () => {
    const gss = new FakeGss();
    gss.failFirstStep = {
      spnego: new Error(' An unsupported mechanism was requested: unknown mech-code 0 for mech unknown'),
      kerberos: new Error(
        ' Miscellaneous failure (see text): Matching credential not found (krbtgt/AK.TEST@AK.TEST) (HTTP/localhost@AK.TEST)',
      ),
    };
    const target = await server(negotiateHandler());
    const report = await runDoctor(new URL(target.url), options, fakeDeps(gss));
    expect(report.steps.at(-1)).toMatchObject({ name: 'service-ticket', ok: false, code: 'ERR_KERBEROS_EXPIRED' });
    expect(report.steps.at(-1)?.fix).toMatch(/kinit/);
    expect(target.requests).toHaveLength(0);
  });

  it('tells a realm with no trust path from an unknown SPN by krb5.conf when the KDC names no principal', async () => {
    const gss = new FakeGss();
    // MIT's words when a Heimdal KDC refuses the name, whatever the reason.
    gss.failWith = new Error(
      'Unspecified GSS failure.  Minor code may provide more information: Server not found in Kerberos database',
    );
    const deps = fakeDeps(gss);
    deps.configFs = {
      read: (path) =>
        path === '/r/krb5.conf'
          ? '[libdefaults]\ndefault_realm = AK.TEST\n[domain_realm]\n.other.test = OTHER.TEST\n'
          : undefined,
      list: () => [],
    };
    const target = await server(negotiateHandler());
    const foreign = await runDoctor(new URL(target.url), { ...options, spn: 'HTTP@svc.other.test' }, deps);
    expect(foreign.steps.at(-1)).toMatchObject({ name: 'service-ticket', code: 'ERR_KERBEROS_WRONG_REALM' });
    expect(foreign.steps.at(-1)?.fix).toMatch(
      /OTHER\.TEST \(\[domain_realm\] \.other\.test\), not to your realm AK\.TEST/,
    );
    const home = await runDoctor(new URL(target.url), { ...options, spn: 'HTTP@svc.example.test' }, deps);
    expect(home.steps.at(-1)).toMatchObject({ name: 'service-ticket', code: 'ERR_KERBEROS_UNKNOWN_SPN' });
    gss.failWith = new Error('Server HTTP/svc.other.test@OTHER.TEST not found in Kerberos database');
    const named = await runDoctor(new URL(target.url), { ...options, spn: 'HTTP@svc.other.test' }, deps);
    expect(named.steps.at(-1)).toMatchObject({ name: 'service-ticket', code: 'ERR_KERBEROS_UNKNOWN_SPN' });
  });

  it('says Negotiate is not offered by a server that only knows Basic', async () => {
    const target = await server((_request, response) => {
      response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="x"' }).end();
    });
    const report = await runDoctor(new URL(target.url), options, fakeDeps());
    expect(report.steps.at(-1)).toMatchObject({
      name: 'server-challenge',
      ok: false,
      detail: '401 Unauthorized offering only Basic: Negotiate is not offered',
    });
  });

  it('names the schemes offered, but masks a token that stands where a scheme would', async () => {
    const token = 'YIIGhgYJKoZIhvcSAQICAQBuggZ1MIIGcaADAgEFoQMCAQ6iBwMFACAAAACjggS';
    const target = await server((_request, response) => {
      response.writeHead(401, { 'WWW-Authenticate': `Basic realm="x", ${token}` }).end();
    });
    const report = await runDoctor(new URL(target.url), options, fakeDeps());
    expect(report.steps.at(-1)?.detail).toBe(
      `401 Unauthorized offering only Basic, <redacted ${token.length} bytes>: Negotiate is not offered`,
    );
  });

  it('says Negotiate is not offered by a resource that needs no authentication', async () => {
    const target = await server((_request, response) => response.end('public'));
    const report = await runDoctor(new URL(target.url), options, fakeDeps());
    expect(report.steps.at(-1)?.detail).toBe('200 OK without any authentication challenge: Negotiate is not offered');
  });

  it('flags an unusable Negotiate challenge as ERR_KERBEROS_BAD_CHALLENGE', async () => {
    const target = await server((_request, response) => {
      response.writeHead(401, { 'WWW-Authenticate': 'Negotiate realm="x"' }).end();
    });
    const report = await runDoctor(new URL(target.url), options, fakeDeps());
    expect(report.steps.at(-1)).toMatchObject({ name: 'server-challenge', code: 'ERR_KERBEROS_BAD_CHALLENGE' });
  });

  it('fails mutual authentication (required on http:) when the server sends no final token', async () => {
    const target = await server((request, response) => {
      if (request.headers.authorization === undefined) response.writeHead(401, { 'WWW-Authenticate': 'Negotiate' });
      response.end('ok');
    });
    const report = await runDoctor(new URL(target.url), options, fakeDeps());
    expect(report.steps.at(-1)).toMatchObject({
      name: 'authenticated-request',
      ok: false,
      code: 'ERR_KERBEROS_MUTUAL_AUTH',
    });
    const optional = await runDoctor(new URL(target.url), { ...options, mutual: 'optional' }, fakeDeps());
    expect(optional.ok).toBe(true);
    expect(optional.steps[5]?.detail).toMatch(/mutual authentication not verified: the server sent no final token/);
  });

  it('fails when the server refuses the token, and when it forbids an authenticated request', async () => {
    const refusing = await server((_request, response) => {
      response.writeHead(401, { 'WWW-Authenticate': 'Negotiate' }).end();
    });
    const refused = await runDoctor(new URL(refusing.url), options, fakeDeps());
    expect(refused.steps.at(-1)).toMatchObject({ name: 'authenticated-request', code: 'ERR_KERBEROS_REJECTED' });

    const forbidding = await server(negotiateHandler('forbidden', 403));
    const forbidden = await runDoctor(new URL(forbidding.url), options, fakeDeps());
    expect(forbidden.steps.at(-1)).toMatchObject({ name: 'authenticated-request', ok: false });
    expect(forbidden.steps.at(-1)?.detail).toMatch(/authenticated, but the server refuses the request/);
  });

  it('reports a server that does not answer', async () => {
    const closed = await server(() => undefined);
    const url = new URL(closed.url);
    await closed.close();
    servers = [];
    const report = await runDoctor(url, options, fakeDeps());
    expect(report.steps.at(-1)).toMatchObject({ name: 'server-challenge', ok: false });
    expect(report.steps.at(-1)?.detail).toMatch(/ECONNREFUSED/);
  });
});

describe('runDoctor: the SPN with --canonicalize and --include-port (fake DNS)', () => {
  /** The SPN in the token the plugin sent with the authenticated request. */
  const sentSpn = (target: TestServer) =>
    decodeToken(negotiateToken(target.requests.find((request) => negotiateToken(request) !== undefined)!)!)?.spn;

  it('follows the URL host through its CNAME chain: step 3 says why, and steps 4 and 6 use that SPN', async () => {
    const gss = new FakeGss();
    const target = await server(negotiateHandler());
    // A load balancer whose CNAME answer changes between queries: the run must stay on the first one.
    let node = 6;
    const lookups: string[] = [];
    const resolveCname = (name: string): Promise<string[]> => {
      lookups.push(name);
      if (name === 'localhost') return Promise.resolve(['lb.example.']);
      if (name === 'lb.example') return Promise.resolve([`node${++node}.example`]);
      return Promise.reject(dnsError('ENODATA', name));
    };
    const url = new URL(`http://localhost:${target.port}/x`);
    const report = await runDoctor(url, { ...options, canonicalize: 'cname' }, fakeDeps(gss, undefined, resolveCname));
    expect(report.ok).toBe(true);
    expect(report.steps[2]?.detail).toBe(
      'HTTP@node7.example: localhost is a CNAME for node7.example via lb.example (--canonicalize cname); ' +
        `port ${target.port} left out as browsers and curl do (--include-port adds it); ` +
        'principal HTTP/node7.example in a realm the KDC decides (no [domain_realm] entry for node7.example); ' +
        'in the service@host form GSS-API wants on linux (on Windows: HTTP/node7.example)',
    );
    expect(gss.contexts.map((context) => context.spn)).toEqual(['HTTP@node7.example', 'HTTP@node7.example']);
    expect(report.steps[3]?.detail).toMatch(/^service ticket for HTTP@node7.example obtained/);
    expect(sentSpn(target)).toBe('HTTP@node7.example');
    expect(lookups).toEqual(['localhost', 'lb.example', 'node7.example']); // once each, shared with the plugin
    expect(renderText(report)).toContain(
      '✓ service principal      HTTP@node7.example: localhost is a CNAME for node7.example via lb.example (--canonicalize cname);',
    );
  });

  it('keeps the URL host when it has no CNAME record, or the lookup fails', async () => {
    const target = await server(negotiateHandler());
    const url = new URL(`http://localhost:${target.port}/`);
    const plain = new FakeGss();
    const none = await runDoctor(url, { ...options, canonicalize: 'cname' }, fakeDeps(plain));
    expect(none.ok).toBe(true);
    expect(none.steps[2]?.detail).toMatch(
      /^HTTP@localhost: mapped from the URL host localhost, which has no CNAME record \(--canonicalize cname\); /,
    );
    expect(plain.contexts.map((context) => context.spn)).toEqual(['HTTP@localhost', 'HTTP@localhost']);

    const failing = new FakeGss();
    const dns = fakeCnames({ localhost: dnsError('ESERVFAIL', 'localhost') });
    const failed = await runDoctor(url, { ...options, canonicalize: 'cname' }, fakeDeps(failing, undefined, dns));
    expect(failed.ok).toBe(true);
    expect(failed.steps[2]).toMatchObject({ ok: true });
    expect(failed.steps[2]?.detail).toMatch(
      /^HTTP@localhost: mapped from the URL host localhost; the CNAME lookup of localhost failed \(ESERVFAIL\), so localhost is used as the plugin does \(--canonicalize cname\); /,
    );
    expect(failing.contexts.map((context) => context.spn)).toEqual(['HTTP@localhost', 'HTTP@localhost']);
    expect(dns.lookups).toEqual(['localhost']);
  });

  it('asks DNS nothing without --canonicalize cname', async () => {
    const target = await server(negotiateHandler());
    const dns = fakeCnames({ '127.0.0.1': 'elsewhere.example' });
    const report = await runDoctor(new URL(target.url), options, fakeDeps(new FakeGss(), undefined, dns));
    expect(report.ok).toBe(true);
    expect(dns.lookups).toEqual([]);
  });

  it('adds the port with --include-port, in step 3 and in the SPN of steps 4 and 6', async () => {
    const gss = new FakeGss();
    const target = await server(negotiateHandler());
    const report = await runDoctor(new URL(target.url), { ...options, includePort: true }, fakeDeps(gss));
    const spn = `HTTP@127.0.0.1:${target.port}`;
    expect(report.ok).toBe(true);
    expect(report.steps[2]?.detail).toMatch(
      new RegExp(
        `^${spn}: mapped from the URL host 127\\.0\\.0\\.1; port ${target.port} included \\(--include-port\\); `,
      ),
    );
    expect(gss.contexts.map((context) => context.spn)).toEqual([spn, spn]);
    expect(sentSpn(target)).toBe(spn);
  });

  it('names the options that give another SPN when the KDC does not know this one', async () => {
    const gss = new FakeGss();
    gss.failWith = new Error('Server HTTP/localhost@AK.TEST not found in Kerberos database');
    const target = await server(negotiateHandler());
    const report = await runDoctor(new URL(`http://localhost:${target.port}/`), options, fakeDeps(gss));
    expect(report.steps.at(-1)).toMatchObject({ name: 'service-ticket', code: 'ERR_KERBEROS_UNKNOWN_SPN' });
    expect(report.steps.at(-1)?.fix).toMatch(
      /; on the command line: --spn <the registered name>, --canonicalize cname for an alias, --include-port for an SPN with the port$/,
    );
  });
});

describe('rendering', () => {
  const failing = {
    url: 'http://localhost/',
    ok: false,
    steps: [
      { name: 'krb5-config' as const, ok: true, detail: '/r/krb5.conf' },
      {
        name: 'credential-cache' as const,
        ok: false,
        detail: 'FILE:/x: nothing',
        code: 'ERR_KERBEROS_NO_CREDENTIALS',
        fix: 'run `kinit`',
      },
    ],
    roundTrips: 0,
    ms: 3,
  };

  it('prints ✓/✗ per check, the checks not run, and what to do', () => {
    const text = renderText(failing);
    expect(text).toContain('✓ krb5 configuration');
    expect(text).toContain('✗ credential cache       FILE:/x: nothing');
    expect(text).toContain('code: ERR_KERBEROS_NO_CREDENTIALS');
    expect(text).toContain('- service ticket         not checked (an earlier check failed)');
    expect(text).toContain('does not work: the credential cache check failed.');
    expect(text).toContain('What to do: run `kinit`.');
  });

  it('prints the verdict for a working set-up', () => {
    const text = renderText({ ...failing, ok: true, steps: [failing.steps[0]!] });
    expect(text).toContain('works end to end.');
  });

  it('prints one JSON document with the same content', () => {
    expect(JSON.parse(renderJson(failing))).toEqual(failing);
  });
});
