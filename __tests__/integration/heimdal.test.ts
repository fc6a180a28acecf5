import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import axios from 'axios';
import { isKerberosAuthError, kerberosAuth } from '../../lib';
import { type DoctorJson, failedStep, requireBuiltCli, runBuiltCli } from '../cli/built-cli';
import { type HeimdalOutcome, heimdalKdcDown, heimdalKdcUp, heimdalPreload, heimdalRequest } from './helpers/heimdal';
import { realm, realmCommand, scratch, withRealEnv } from './helpers/realm';
import { closedPort, startSilentKdc } from './helpers/silent-kdc';

// The library on Heimdal's GSS-API (the addon built against Debian's Heimdal 7.8, the closest
// to macOS GSS.framework that runs on Linux), in child processes, against the MIT realm's
// Apache and KDC and against a Heimdal KDC (scripts/heimdal.sh). Every failure is produced by
// its real cause; with SPNEGO, Heimdal names none, so these also show the raw-Kerberos repeat.
let preload: string;
let heimdalDir: string;
let heimdal: Record<string, string>;

beforeAll(() => {
  requireBuiltCli();
  preload = heimdalPreload();
  heimdalDir = scratch('heimdal-kdc');
  heimdal = heimdalKdcUp(heimdalDir);
}, 60000);

afterAll(() => {
  if (heimdalDir !== undefined) heimdalKdcDown(heimdalDir);
});

function env(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}

/** A fresh cache of alice's TGT from the MIT KDC, with the file mode given. */
function aliceCache(name: string, mode = 0o600, lifetime?: string): string {
  const path = scratch(name);
  realmCommand('kinit', path, ...(lifetime === undefined ? [] : [lifetime]));
  chmodSync(path, mode);
  return path;
}

/** A copy of the MIT realm's krb5.conf with `edit` applied. */
function mitConf(name: string, edit: (text: string) => string): string {
  const file = scratch(name);
  writeFileSync(file, edit(readFileSync(process.env.KRB5_CONFIG as string, 'utf8')));
  return file;
}

function request(overrides: NodeJS.ProcessEnv, options: Record<string, unknown> = {}): Promise<HeimdalOutcome> {
  return heimdalRequest(preload, env(overrides), {
    url: `${realm.url}/negotiate/`,
    options: { hosts: 'localhost', ...options },
  });
}

async function doctor(overrides: NodeJS.ProcessEnv, args: string[] = []): Promise<DoctorJson> {
  const run = await runBuiltCli(
    ['doctor', '--json', `${realm.url}/negotiate/`, ...args],
    env({ ...overrides, NODE_OPTIONS: `--require ${preload}` }),
  );
  return JSON.parse(run.stdout) as DoctorJson;
}

describe('on Heimdal GSS-API against the MIT realm', () => {
  it('authenticates with SPNEGO and raw Kerberos, mutual authentication included; doctor passes', async () => {
    const ccache = `FILE:${aliceCache('heimdal-ok')}`;
    await expect(request({ KRB5CCNAME: ccache })).resolves.toEqual({ status: 200, user: 'alice@AK.TEST' });
    await expect(request({ KRB5CCNAME: ccache }, { mechanism: 'kerberos' })).resolves.toEqual({
      status: 200,
      user: 'alice@AK.TEST',
    });
    const report = await doctor({ KRB5CCNAME: ccache });
    expect(failedStep(report)).toBeUndefined();
    expect(report.ok).toBe(true);
  });

  it('ERR_KERBEROS_NO_CREDENTIALS without a cache file, learnt from raw Kerberos under SPNEGO', async () => {
    const outcome = await request({ KRB5CCNAME: `FILE:${scratch('heimdal-none')}` });
    expect(outcome.code).toBe('ERR_KERBEROS_NO_CREDENTIALS');
    expect(outcome.message).toMatch(/get-principal lstat\(.*heimdal-none\).*SPNEGO said only/);
    expect(outcome.message).toMatch(/kinit/);
  });

  it('ERR_KERBEROS_NO_CREDENTIALS for an empty cache file', async () => {
    const path = scratch('heimdal-empty');
    writeFileSync(path, '', { mode: 0o600 });
    const outcome = await request({ KRB5CCNAME: `FILE:${path}` });
    expect(outcome.code).toBe('ERR_KERBEROS_NO_CREDENTIALS');
    expect(outcome.message).toMatch(/Empty credential cache file/);
  });

  it('a cache others can read (0644, which MIT accepts): chmod 600, in the plugin and in doctor', async () => {
    const path = aliceCache('heimdal-readable', 0o644);
    const outcome = await request({ KRB5CCNAME: `FILE:${path}` });
    expect(outcome.code).toBe('ERR_KERBEROS_NO_CREDENTIALS');
    expect(outcome.message).toContain(`chmod 600 ${path}`);
    // MIT's klist reads the cache, so doctor gets as far as the service ticket, where Heimdal refuses.
    const step = failedStep(await doctor({ KRB5CCNAME: `FILE:${path}` }));
    expect(step).toMatchObject({ name: 'service-ticket', code: 'ERR_KERBEROS_NO_CREDENTIALS' });
    expect(step?.fix).toContain(`chmod 600 ${path}`);
  });

  it('ERR_KERBEROS_EXPIRED for an expired TGT', async () => {
    const ccache = `FILE:${aliceCache('heimdal-expired', 0o600, '1s')}`;
    // Heimdal checks the TGT's end time itself, with no skew allowance.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const outcome = await request({ KRB5CCNAME: ccache });
    expect(outcome.code).toBe('ERR_KERBEROS_EXPIRED');
    expect(outcome.message).toMatch(/Matching credential not found \(krbtgt\/AK\.TEST@AK\.TEST\)/);
  }, 20000);

  it('ERR_KERBEROS_UNKNOWN_SPN for a name the MIT KDC does not have (its LOOKING_UP_SERVER), in doctor too', async () => {
    const ccache = `FILE:${aliceCache('heimdal-spn')}`;
    const outcome = await request({ KRB5CCNAME: ccache }, { spn: 'HTTP@unknown.example.test' });
    expect(outcome.code).toBe('ERR_KERBEROS_UNKNOWN_SPN');
    expect(outcome.message).toContain('LOOKING_UP_SERVER (HTTP/unknown.example.test@AK.TEST)');
    const step = failedStep(await doctor({ KRB5CCNAME: ccache }, ['--spn', 'HTTP@unknown.example.test']));
    expect(step).toMatchObject({ name: 'service-ticket', code: 'ERR_KERBEROS_UNKNOWN_SPN' });
  });

  it('ERR_KERBEROS_KDC_UNREACHABLE when no KDC listens, in doctor too', async () => {
    const port = await closedPort();
    const conf = mitConf('heimdal-kdc-down.conf', (text) =>
      text.replace(/kdc = 127\.0\.0\.1:\d+/, `kdc = 127.0.0.1:${port}`),
    );
    const overrides = { KRB5CCNAME: `FILE:${aliceCache('heimdal-kdc-down')}`, KRB5_CONFIG: conf };
    const outcome = await request(overrides);
    expect(outcome.code).toBe('ERR_KERBEROS_KDC_UNREACHABLE');
    expect(failedStep(await doctor(overrides))).toMatchObject({
      name: 'service-ticket',
      code: 'ERR_KERBEROS_KDC_UNREACHABLE',
    });
  });

  it('ERR_KERBEROS_CLOCK_SKEW under SPNEGO when the token reaches Apache outside the skew window; raw Kerberos recovers', async () => {
    const ccache = `FILE:${aliceCache('heimdal-skew')}`;
    // Both at once; the first token of each waits 6 s. Under SPNEGO, Heimdal names no cause:
    // the KRB-ERROR is read from the server's token. Raw Kerberos in Heimdal answers the
    // server's KRB_AP_ERR_SKEW with a new token corrected by the server's time, and gets in.
    const [spnego, kerberos] = await Promise.all(
      (['spnego', 'kerberos'] as const).map((mechanism) =>
        heimdalRequest(preload, env({ KRB5CCNAME: ccache }), {
          url: `${realm.url}/negotiate/`,
          options: { hosts: 'localhost', mechanism },
          holdMs: 6000,
        }),
      ),
    );
    expect(spnego?.code).toBe('ERR_KERBEROS_CLOCK_SKEW');
    expect(spnego?.message).toMatch(/the server answered with KRB5KRB_AP_ERR_SKEW/);
    expect(kerberos).toEqual({ status: 200, user: 'alice@AK.TEST' });
  }, 20000);
});

describe('on Heimdal GSS-API with a KDC that never answers', () => {
  it('ends every request with ERR_KERBEROS_TIMEOUT within `timeout` while the process keeps working', async () => {
    const kdc = await startSilentKdc();
    try {
      const overrides = {
        KRB5CCNAME: `FILE:${aliceCache('heimdal-silent')}`,
        KRB5_CONFIG: kdc.config(process.env.KRB5_CONFIG as string, scratch('heimdal-silent.conf')),
      };
      // Heimdal holds each call 67 s; with one slot, the queued requests give up at their own time-out.
      const report = await heimdalRequest(preload, env(overrides), {
        url: `${realm.url}/negotiate/`,
        options: { hosts: 'localhost', timeout: 500, maxConcurrentGss: 1 },
        count: 3,
      });
      expect(report.outcomes?.map((outcome) => outcome.code)).toEqual(Array(3).fill('ERR_KERBEROS_TIMEOUT'));
      expect(report.reads).toBeGreaterThan(10);
    } finally {
      await kdc.close();
    }
  }, 30000);
});

describe('against a Heimdal KDC', () => {
  it('ERR_KERBEROS_WRONG_REALM on Heimdal GSS-API for a host krb5.conf maps to a realm with no trust, in doctor too', async () => {
    const overrides = { KRB5_CONFIG: heimdal.HEIMDAL_KRB5_CONFIG, KRB5CCNAME: heimdal.HEIMDAL_KRB5CCNAME };
    const outcome = await request(overrides, { spn: 'HTTP@svc.other.test' });
    expect(outcome.code).toBe('ERR_KERBEROS_WRONG_REALM');
    expect(outcome.message).toContain('Server (HTTP/svc.other.test@HK.TEST) unknown (HTTP/svc.other.test@OTHER.TEST)');
    const step = failedStep(await doctor(overrides, ['--spn', 'HTTP@svc.other.test']));
    expect(step).toMatchObject({ name: 'service-ticket', code: 'ERR_KERBEROS_WRONG_REALM' });
  });

  it('ERR_KERBEROS_UNKNOWN_SPN on Heimdal GSS-API for a name of its own realm it does not have', async () => {
    const overrides = { KRB5_CONFIG: heimdal.HEIMDAL_KRB5_CONFIG, KRB5CCNAME: heimdal.HEIMDAL_KRB5CCNAME };
    const outcome = await request(overrides, { spn: 'HTTP@unknown.example.test' });
    expect(outcome.code).toBe('ERR_KERBEROS_UNKNOWN_SPN');
    expect(outcome.message).toContain('Server (HTTP/unknown.example.test@HK.TEST) unknown');
  });

  it('on MIT GSS-API, the Heimdal KDC’s nameless "Server not found" for another realm: UNKNOWN_SPN that mentions the realm mapping', async () => {
    const api = axios.create({ baseURL: realm.url });
    kerberosAuth({ hosts: 'localhost', spn: 'HTTP@svc.other.test' }).install(api);
    const error: unknown = await withRealEnv('KRB5_CONFIG', heimdal.HEIMDAL_KRB5_CONFIG as string, () =>
      withRealEnv('KRB5CCNAME', heimdal.HEIMDAL_KRB5CCNAME as string, () =>
        api.get('/negotiate/').catch((e: unknown) => e),
      ),
    );
    expect(isKerberosAuthError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_KERBEROS_UNKNOWN_SPN' });
    expect((error as Error).message).toMatch(/Server not found in Kerberos database.*\[domain_realm\]/);
  });

  it('doctor on MIT GSS-API tells that same nameless refusal apart by krb5.conf: ERR_KERBEROS_WRONG_REALM', async () => {
    const run = await runBuiltCli(
      ['doctor', '--json', `${realm.url}/negotiate/`, '--spn', 'HTTP@svc.other.test'],
      env({ KRB5_CONFIG: heimdal.HEIMDAL_KRB5_CONFIG, KRB5CCNAME: heimdal.HEIMDAL_KRB5CCNAME }),
    );
    const step = failedStep(JSON.parse(run.stdout) as DoctorJson);
    expect(step).toMatchObject({ name: 'service-ticket', code: 'ERR_KERBEROS_WRONG_REALM' });
    expect(step?.fix).toMatch(/OTHER\.TEST .*not to your realm HK\.TEST/);
  });
});
