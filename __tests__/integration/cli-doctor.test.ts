import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DoctorJson, failedStep, requireBuiltCli, runBuiltCli } from '../cli/built-cli';
import { realm, realmCommand, scratch } from './helpers/realm';
import { closedPort } from './helpers/silent-kdc';

/** A PATH with an empty directory: klist cannot be found (the CLI runs by node's absolute path). */
function noKlistPath(): string {
  const dir = scratch('cli-empty-bin');
  mkdirSync(dir, { recursive: true });
  return dir;
}

function env(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}

async function doctorJson(
  args: string[],
  overrides: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; report: DoctorJson }> {
  const run = await runBuiltCli(['doctor', '--json', ...args], env(overrides));
  return { code: run.code, report: JSON.parse(run.stdout) as DoctorJson };
}

/** A fresh cache holding only alice's TGT: any service ticket needs the KDC. */
function freshCache(name: string, lifetime?: string): string {
  const path = scratch(name);
  realmCommand('kinit', path, ...(lifetime === undefined ? [] : [lifetime]));
  return `FILE:${path}`;
}

beforeAll(() => requireBuiltCli());

describe('axios-kerberos doctor against the realm', () => {
  it('passes every check on a working set-up: exit 0, mutual authentication verified', async () => {
    const run = await runBuiltCli(['doctor', `${realm.url}/negotiate/`], env());
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/✓ krb5 configuration +\S+krb5\.conf \(from KRB5_CONFIG\), default realm AK\.TEST/);
    expect(run.stdout).toMatch(
      /✓ credential cache +FILE:\S+: alice@AK\.TEST, ticket-granting ticket krbtgt\/AK\.TEST@AK\.TEST valid until/,
    );
    expect(run.stdout).toMatch(/✓ service principal +HTTP@localhost: mapped from the URL host localhost/);
    expect(run.stdout).toMatch(/✓ service ticket +service ticket for HTTP@localhost obtained/);
    expect(run.stdout).toMatch(/✓ server challenge +401 Unauthorized, offers Negotiate/);
    expect(run.stdout).toMatch(
      /✓ authenticated request +200 OK \(token sent up front\); mutual authentication verified/,
    );
    expect(run.stdout).toMatch(/✓ round trips +2 HTTP requests/);
    expect(run.stdout).toMatch(/works end to end\./);
    expect(run.stderr).toBe('');
  });

  it('prints the same as one JSON document with --json', async () => {
    const { code, report } = await doctorJson([`${realm.url}/negotiate/`]);
    expect(code).toBe(0);
    expect(report).toMatchObject({ url: `${realm.url}/negotiate/`, ok: true, roundTrips: 2 });
    expect(report.steps.map((step) => step.name)).toEqual([
      'krb5-config',
      'credential-cache',
      'service-principal',
      'service-ticket',
      'server-challenge',
      'authenticated-request',
      'round-trips',
    ]);
    expect(report.steps.every((step) => step.ok)).toBe(true);
    expect(report.ms).toBeGreaterThan(0);
  });

  it('empty credential cache: exit 1, ERR_KERBEROS_NO_CREDENTIALS, fix says kinit', async () => {
    const { code, report } = await doctorJson([`${realm.url}/negotiate/`], { KRB5CCNAME: 'FILE:/nonexistent' });
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    expect(failedStep(report)).toMatchObject({ name: 'credential-cache', code: 'ERR_KERBEROS_NO_CREDENTIALS' });
    expect(failedStep(report)?.fix).toMatch(/kinit/);
  });

  it('empty credential cache without klist: says klist is absent, and GSS gives the same code', async () => {
    const { code, report } = await doctorJson([`${realm.url}/negotiate/`], {
      KRB5CCNAME: 'FILE:/nonexistent',
      PATH: noKlistPath(),
    });
    expect(code).toBe(1);
    expect(report.steps[1]).toMatchObject({ name: 'credential-cache', ok: true });
    expect(report.steps[1]?.detail).toMatch(/klist not found/);
    expect(failedStep(report)).toMatchObject({ name: 'service-ticket', code: 'ERR_KERBEROS_NO_CREDENTIALS' });
    expect(failedStep(report)?.fix).toMatch(/kinit/);
  });

  it('expired ticket: exit 1, ERR_KERBEROS_EXPIRED from klist, and from GSS when klist is absent', async () => {
    // 1 s of life plus the realm's 5 s of clock-skew tolerance: every party then agrees it expired.
    const ccache = freshCache('cli-expired', '1s');
    await new Promise((resolve) => setTimeout(resolve, 6500));
    const withKlist = await doctorJson([`${realm.url}/negotiate/`], { KRB5CCNAME: ccache });
    expect(withKlist.code).toBe(1);
    expect(failedStep(withKlist.report)).toMatchObject({ name: 'credential-cache', code: 'ERR_KERBEROS_EXPIRED' });
    expect(failedStep(withKlist.report)?.fix).toMatch(/kinit alice@AK\.TEST/);
    const withoutKlist = await doctorJson([`${realm.url}/negotiate/`], { KRB5CCNAME: ccache, PATH: noKlistPath() });
    expect(withoutKlist.code).toBe(1);
    expect(failedStep(withoutKlist.report)).toMatchObject({ name: 'service-ticket', code: 'ERR_KERBEROS_EXPIRED' });
  }, 30000);

  it('unknown SPN (--spn): exit 1, ERR_KERBEROS_UNKNOWN_SPN, the override shown', async () => {
    const { code, report } = await doctorJson([`${realm.url}/negotiate/`, '--spn', 'HTTP@unknown.example.test']);
    expect(code).toBe(1);
    expect(report.steps[2]?.detail).toMatch(/^HTTP@unknown\.example\.test: from --spn/);
    expect(failedStep(report)).toMatchObject({ name: 'service-ticket', code: 'ERR_KERBEROS_UNKNOWN_SPN' });
    expect(failedStep(report)?.fix).toContain('HTTP@unknown.example.test');
    expect(report.roundTrips).toBe(0);
  });

  it('server without Negotiate (the public location): exit 1, says Negotiate is not offered', async () => {
    const run = await runBuiltCli(['doctor', `${realm.url}/public/`], env());
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /✗ server challenge +200 OK without any authentication challenge: Negotiate is not offered/,
    );
    expect(run.stdout).toMatch(/What to do: the server does not ask for Kerberos at this URL/);
  });

  it('server offering only Basic: exit 1, says Negotiate is not offered and what is', async () => {
    const basic: HttpServer = createHttpServer((_request, response) => {
      response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="legacy"' }).end();
    });
    await new Promise<void>((resolve) => basic.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = basic.address() as AddressInfo;
      const { code, report } = await doctorJson([`http://127.0.0.1:${port}/`]);
      expect(code).toBe(1);
      expect(failedStep(report)).toMatchObject({
        name: 'server-challenge',
        detail: '401 Unauthorized offering only Basic: Negotiate is not offered',
      });
    } finally {
      basic.closeAllConnections();
      await new Promise((resolve) => basic.close(resolve));
    }
  });

  it('stopped KDC: exit 1, ERR_KERBEROS_KDC_UNREACHABLE', async () => {
    const port = await closedPort();
    const config = scratch('cli-krb5-dead-kdc.conf');
    const original = readFileSync(process.env.KRB5_CONFIG as string, 'utf8');
    writeFileSync(config, original.replace(/kdc = 127\.0\.0\.1:\d+/, `kdc = 127.0.0.1:${port}`));
    const ccache = freshCache('cli-kdc-down');
    const { code, report } = await doctorJson([`${realm.url}/negotiate/`], { KRB5_CONFIG: config, KRB5CCNAME: ccache });
    expect(code).toBe(1);
    expect(report.steps[0]?.detail).toContain(config);
    expect(failedStep(report)).toMatchObject({ name: 'service-ticket', code: 'ERR_KERBEROS_KDC_UNREACHABLE' });
    expect(failedStep(report)?.fix).toMatch(/krb5\.conf/);
  });

  it('a missing KRB5_CONFIG file fails the first check', async () => {
    const { code, report } = await doctorJson([`${realm.url}/negotiate/`], { KRB5_CONFIG: scratch('no-such.conf') });
    expect(code).toBe(1);
    expect(failedStep(report)?.name).toBe('krb5-config');
    expect(failedStep(report)?.fix).toMatch(/KRB5_CONFIG/);
  });

  it('exits 2 for a usage error', async () => {
    const run = await runBuiltCli(['doctor', 'not-a-url'], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/not an absolute URL/);
  });
});
