import { type DoctorJson, failedStep, requireBuiltCli, runBuiltCli } from '../cli/built-cli';
import { heimdalPreload } from './helpers/heimdal';
import { realm, realmCommand, scratch } from './helpers/realm';
import { type SilentKdc, startSilentKdc } from './helpers/silent-kdc';

// A GSS call stuck on a KDC that never answers cannot be cancelled and keeps a process alive,
// `process.exit()` included, until the GSS library gives up: about 28 s with MIT krb5, 67 s
// with Heimdal. The CLI runs its command in a worker it kills, so it exits once `--timeout`
// has passed. The runs below are killed after 15 s: a CLI held by the stuck call would be
// killed (exit code null) instead of exiting with 1.
const KILL_AFTER_MS = 15000;
let kdc: SilentKdc;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  requireBuiltCli();
  kdc = await startSilentKdc();
  const ccache = scratch('silent-kdc-cache');
  realmCommand('kinit', ccache); // a TGT only: the service ticket needs the KDC
  env = {
    ...process.env,
    KRB5_CONFIG: kdc.config(process.env.KRB5_CONFIG as string, scratch('silent-kdc.conf')),
    KRB5CCNAME: `FILE:${ccache}`,
  };
});

afterAll(async () => {
  await kdc?.close();
});

describe.each([
  ['MIT krb5', () => ({})],
  ['Heimdal', () => ({ NODE_OPTIONS: `--require ${heimdalPreload()}` })],
])('the CLI on %s with a KDC that never answers', (_name, extraEnv) => {
  it('get exits with ERR_KERBEROS_TIMEOUT instead of waiting for GSS to give up', async () => {
    const run = await runBuiltCli(
      ['get', '--timeout', '500', `${realm.url}/negotiate/`],
      { ...env, ...extraEnv() },
      KILL_AFTER_MS,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ERR_KERBEROS_TIMEOUT');
  }, 30000);

  it('doctor exits with its report, the service-ticket check timed out', async () => {
    const run = await runBuiltCli(
      ['doctor', '--json', '--timeout', '500', `${realm.url}/negotiate/`],
      { ...env, ...extraEnv() },
      KILL_AFTER_MS,
    );
    expect(run.code).toBe(1);
    expect(failedStep(JSON.parse(run.stdout) as DoctorJson)).toMatchObject({
      name: 'service-ticket',
      code: 'ERR_KERBEROS_TIMEOUT',
    });
  }, 30000);
});
