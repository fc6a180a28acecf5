import axios, { type AxiosInstance } from 'axios';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isKerberosAuthError, kerberosAuth, type KerberosAuthError, type KerberosAuthOptions } from '../../lib';
import { requireBuiltCli, runBuiltCli } from '../cli/built-cli';
import { type AdRealm, startAdRealm } from './helpers/ad-realm';
import { heimdalPreload, heimdalRequest } from './helpers/heimdal';

// One Samba AD DC (KDC only) with Apache/mod_auth_gssapi in front serves the whole file.
// The users below are set up by their real causes before the tests run: an account disabled
// after it got a ticket, a password that must be changed, a password changed after a client
// keytab was made, an account marked sensitive, and an SPN written on a second account below
// Samba's uniqueness check (as a replication conflict or a direct LDAP write leaves it).
let ad: AdRealm;
const caches: Record<string, string> = {};
const saved: Record<string, string | undefined> = {};
const setRealEnv = (globalThis as unknown as { __setRealEnv: (n: string, v: string | undefined) => void }).__setRealEnv;

/**
 * Sets a variable both where GSS reads it (the real environment) and where this file's code
 * (and so the plugin) reads it: Jest gives each test file its own copy of `process.env`.
 */
function setEnv(name: string, value: string | undefined): void {
  setRealEnv(name, value);
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** `setEnv` for the time of `fn`. */
async function withEnv<T>(name: string, value: string, fn: () => Promise<T>): Promise<T> {
  const before = process.env[name];
  setEnv(name, value);
  try {
    return await fn();
  } finally {
    setEnv(name, before);
  }
}

beforeAll(() => {
  ad = startAdRealm();
  for (const name of ['KRB5_CONFIG', 'KRB5CCNAME', 'KRB5_CLIENT_KTNAME']) saved[name] = process.env[name];
  setEnv('KRB5_CONFIG', ad.env.KRB5_CONFIG);
  setEnv('KRB5CCNAME', ad.env.KRB5CCNAME);
  setEnv('KRB5_CLIENT_KTNAME', undefined);
  ad.command(
    'ldb',
    `
from samba import dckeytab
from samba.net import Net
for user in ["dora", "pat", "kim", "sue"]:
    db.newuser(user, user + "-Passw0rd")
for user in ["dora", "pat", "kim"]:
    Net(None, lp).export_keytab(keytab="${ad.dir}/" + user + ".keytab", principal=user)
`,
  );
  for (const user of ['dora', 'pat', 'crowd', 'club']) caches[user] = ad.kinit(user);
  ad.command(
    'ldb',
    `
from samba.dsdb import UF_NOT_DELEGATED
db.disable_account("(sAMAccountName=dora)")
m = ldb.Message(ldb.Dn(db, "CN=pat,CN=Users," + base))
m["pwdLastSet"] = ldb.MessageElement("0", ldb.FLAG_MOD_REPLACE, "pwdLastSet")
db.modify(m)
db.setpassword("(sAMAccountName=kim)", "kim-Changed-Passw0rd", False)
db.toggle_userAccountFlags("(sAMAccountName=sue)", UF_NOT_DELEGATED, on=True)
# The partition file itself, without Samba's modules (and so without its SPN uniqueness check).
raw = ldb.Ldb(lp.private_path("sam.ldb.d/" + base.upper() + ".ldb"))
for user in ["httpsvc", "alice"]:
    m = ldb.Message(ldb.Dn(raw, "CN=" + user + ",CN=Users," + base))
    m["servicePrincipalName"] = ldb.MessageElement("HTTP/dup.ad.ak.test", ldb.FLAG_MOD_ADD, "servicePrincipalName")
    raw.modify(m)
`,
  );
  caches.sue = ad.kinit('sue');
}, 180000);

afterAll(() => {
  for (const [name, value] of Object.entries(saved)) setEnv(name, value);
  ad?.down();
});

function client(options: KerberosAuthOptions = { hosts: 'localhost' }, baseURL = ad.env.HTTP_URL): AxiosInstance {
  const api = axios.create({ baseURL });
  kerberosAuth(options).install(api);
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

/** Runs `fn` with no ticket at all and the user's client keytab, as a service account runs. */
function withClientKeytab<T>(user: string, fn: () => Promise<T>): Promise<T> {
  return withEnv('KRB5CCNAME', `FILE:${ad.path(`empty-${user}.ccache`)}`, () =>
    withEnv('KRB5_CLIENT_KTNAME', ad.path(`${user}.keytab`), fn),
  );
}

interface Echo {
  user: string;
  delegated: boolean;
}

describe('against a Samba Active Directory DC with Apache in front', () => {
  it('authenticates pre-emptively and verifies the server, with SPNEGO and raw krb5', async () => {
    const spnego = await client().get('/negotiate/');
    expect(spnego.headers['x-remote-user']).toBe('alice@AD.AK.TEST');
    const raw = await client({ hosts: 'localhost', mechanism: 'kerberos' }).get('/negotiate/');
    expect(raw.headers['x-remote-user']).toBe('alice@AD.AK.TEST');
  });

  it('answers the 401 challenge of a host not listed up front', async () => {
    const response = await client({}).post<Echo>('/negotiate/echo', 'reactive');
    expect(response.data.user).toBe('alice@AD.AK.TEST');
  });

  it('passes every check of `doctor`', async () => {
    requireBuiltCli();
    const env = { ...process.env, KRB5_CONFIG: ad.env.KRB5_CONFIG, KRB5CCNAME: ad.env.KRB5CCNAME };
    const run = await runBuiltCli(['doctor', '--json', `${ad.env.HTTP_URL}/negotiate/`], env);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true });
  });

  it('delegates a forwardable ticket, although the service account is not "trusted for delegation"', async () => {
    const response = await client({ hosts: 'localhost', delegate: true }).post<Echo>('/deleg/echo', 'x');
    expect(response.data).toMatchObject({ user: 'alice@AD.AK.TEST', delegated: true });
  });
});

describe('a token too large for the server (a user in many groups)', () => {
  it("reports Apache's 400 as ERR_KERBEROS_TOKEN_TOO_LARGE with the token's size (1600 groups)", async () => {
    const error = await withEnv('KRB5CCNAME', caches.crowd as string, () => failure(client().get('/negotiate/')));
    expect(error.code).toBe('ERR_KERBEROS_TOKEN_TOO_LARGE');
    expect(error.message).toMatch(/answered 400 .* (\d{5})-character/);
    expect(error.fix).toMatch(/LimitRequestFieldSize/);
    expect(error.response?.status).toBe(400);
  });

  it('says the same when validateStatus lets the 400 through, not a mutual-authentication failure', async () => {
    const error = await withEnv('KRB5CCNAME', caches.crowd as string, () =>
      failure(client().get('/negotiate/', { validateStatus: () => true })),
    );
    expect(error.code).toBe('ERR_KERBEROS_TOKEN_TOO_LARGE');
  });

  it('names delegation when only the delegated token is too large (500 groups)', async () => {
    await withEnv('KRB5CCNAME', caches.club as string, async () => {
      expect((await client().get('/negotiate/')).headers['x-remote-user']).toBe('club@AD.AK.TEST');
      const error = await failure(client({ hosts: 'localhost', delegate: true }).get('/deleg/'));
      expect(error.code).toBe('ERR_KERBEROS_TOKEN_TOO_LARGE');
      expect(error.message).toMatch(/delegate: true/);
    });
  });

  it('is what `get` and `doctor` report too, with the fix in their own terms', async () => {
    requireBuiltCli();
    const env = { ...process.env, KRB5_CONFIG: ad.env.KRB5_CONFIG, KRB5CCNAME: caches.crowd };
    const get = await runBuiltCli(['get', `${ad.env.HTTP_URL}/negotiate/`], env);
    expect(get.code).not.toBe(0);
    expect(get.stderr).toMatch(/ERR_KERBEROS_TOKEN_TOO_LARGE: .*answered 400.*Fix: raise the server's header limit/);
    const doctor = await runBuiltCli(['doctor', '--json', `${ad.env.HTTP_URL}/negotiate/`], env);
    const report = JSON.parse(doctor.stdout) as { steps: { name: string; code?: string; detail: string }[] };
    expect(report.steps.find((step) => step.name === 'service-ticket')?.detail).toMatch(/large/);
    expect(report.steps.at(-1)).toMatchObject({ name: 'authenticated-request', code: 'ERR_KERBEROS_TOKEN_TOO_LARGE' });
  });

  it("reports Node's 431 the same way", async () => {
    const server = createServer((_request, response) => response.writeHead(200).end());
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const url = `http://localhost:${(server.address() as AddressInfo).port}`;
    try {
      const error = await withEnv('KRB5CCNAME', caches.crowd as string, () =>
        failure(client({ hosts: 'localhost' }, url).get('/')),
      );
      expect(error.code).toBe('ERR_KERBEROS_TOKEN_TOO_LARGE');
      expect(error.message).toMatch(/answered 431/);
    } finally {
      server.close();
    }
  });
});

describe('account problems, each named by its real cause', () => {
  it('ERR_KERBEROS_ACCOUNT_REVOKED for a disabled account with a client keytab', async () => {
    const error = await withClientKeytab('dora', () => failure(client().get('/negotiate/')));
    expect(error.code).toBe('ERR_KERBEROS_ACCOUNT_REVOKED');
    expect(error.message).toMatch(/Client's credentials have been revoked/);
  });

  it('is what `doctor` names too, at the service ticket', async () => {
    requireBuiltCli();
    const env = {
      ...process.env,
      KRB5_CONFIG: ad.env.KRB5_CONFIG,
      KRB5CCNAME: `FILE:${ad.path('empty-doctor.ccache')}`,
      KRB5_CLIENT_KTNAME: ad.path('dora.keytab'),
    };
    const run = await runBuiltCli(['doctor', '--json', `${ad.env.HTTP_URL}/negotiate/`], env);
    const report = JSON.parse(run.stdout) as { steps: { name: string; code?: string; fix?: string }[] };
    expect(report.steps.at(-1)).toMatchObject({ name: 'service-ticket', code: 'ERR_KERBEROS_ACCOUNT_REVOKED' });
    expect(report.steps.at(-1)?.fix).toMatch(/enable or unlock the account/);
  });

  it('ERR_KERBEROS_KDC_POLICY for an account disabled after it got its ticket', async () => {
    const error = await withEnv('KRB5CCNAME', caches.dora as string, () => failure(client().get('/negotiate/')));
    expect(error.code).toBe('ERR_KERBEROS_KDC_POLICY');
  });

  it('ERR_KERBEROS_PASSWORD_EXPIRED for a password that must be changed, with a keytab or an older ticket', async () => {
    const withKeytab = await withClientKeytab('pat', () => failure(client().get('/negotiate/')));
    expect(withKeytab.code).toBe('ERR_KERBEROS_PASSWORD_EXPIRED');
    const withTicket = await withEnv('KRB5CCNAME', caches.pat as string, () => failure(client().get('/negotiate/')));
    expect(withTicket.code).toBe('ERR_KERBEROS_PASSWORD_EXPIRED');
  });

  it('ERR_KERBEROS_PREAUTH_FAILED for a client keytab made before a password change', async () => {
    const error = await withClientKeytab('kim', () => failure(client().get('/negotiate/')));
    expect(error.code).toBe('ERR_KERBEROS_PREAUTH_FAILED');
    expect(error.fix).toMatch(/new client keytab/);
  });

  it('ERR_KERBEROS_UNKNOWN_SPN pointing at setspn for an SPN held by two accounts', async () => {
    const error = await failure(client({ hosts: 'dup.ad.ak.test' }, 'http://dup.ad.ak.test:1').get('/'));
    expect(error.code).toBe('ERR_KERBEROS_UNKNOWN_SPN');
    expect(error.fix).toMatch(/setspn -Q .*setspn -X/);
  });
});

describe('on Heimdal GSS-API (in a child process), the same causes by the same codes', () => {
  // Heimdal's GSS-API gets no ticket from a client keytab (neither KRB5_CLIENT_KTNAME nor
  // KRB5_KTNAME, without a cache): the causes that show when a ticket is used, not when one is
  // got, are the ones to compare. Under SPNEGO, Heimdal names
  // none of them; the plugin learns each from raw Kerberos.
  function heimdal(ccache: string, url = `${ad.env.HTTP_URL}/negotiate/`, hosts = 'localhost') {
    const env: NodeJS.ProcessEnv = { ...process.env, KRB5_CONFIG: ad.env.KRB5_CONFIG, KRB5CCNAME: ccache };
    delete env.KRB5_CLIENT_KTNAME;
    return heimdalRequest(heimdalPreload(), env, { url, options: { hosts } });
  }

  it('KDC_POLICY, PASSWORD_EXPIRED and UNKNOWN_SPN (with the setspn hint) for a ticket from before', async () => {
    requireBuiltCli();
    await expect(heimdal(ad.env.KRB5CCNAME as string)).resolves.toMatchObject({ status: 200 });
    const policy = await heimdal(caches.dora as string);
    expect(policy).toMatchObject({ code: 'ERR_KERBEROS_KDC_POLICY' });
    expect(policy.message).toMatch(/KDC policy rejects request \(HTTP\/localhost@AD\.AK\.TEST\).*SPNEGO said only/);
    const expired = await heimdal(caches.pat as string);
    expect(expired).toMatchObject({ code: 'ERR_KERBEROS_PASSWORD_EXPIRED' });
    expect(expired.message).toMatch(/Password has expired \(HTTP\/localhost@AD\.AK\.TEST\)/);
    const duplicate = await heimdal(ad.env.KRB5CCNAME as string, 'http://dup.ad.ak.test:1/', 'dup.ad.ak.test');
    expect(duplicate).toMatchObject({ code: 'ERR_KERBEROS_UNKNOWN_SPN' });
    expect(duplicate.message).toMatch(/Server \(HTTP\/dup\.ad\.ak\.test@AD\.AK\.TEST\) unknown.*setspn -Q .*setspn -X/);
  }, 60000);
});

describe('krb5.conf mistakes', () => {
  it('calls a lower-case realm in [domain_realm] a case problem', async () => {
    const conf = ad.path('lower-case-realm.conf');
    writeFileSync(
      conf,
      readFileSync(ad.env.KRB5_CONFIG as string, 'utf8').replace('localhost = AD.AK.TEST', 'localhost = ad.ak.test'),
    );
    const error = await withEnv('KRB5_CONFIG', conf, () => failure(client().get('/negotiate/')));
    expect(error.code).toBe('ERR_KERBEROS_WRONG_REALM');
    expect(error.fix).toMatch(/case-sensitive.*`ad\.ak\.test`/);
  });
});

describe('delegation that cannot happen', () => {
  it('warns when the account is "sensitive and cannot be delegated", and the request still goes through', async () => {
    const warnings: Error[] = [];
    const stopListening = (
      globalThis as unknown as { __onRealProcessWarning: (listener: (warning: Error) => void) => () => void }
    ).__onRealProcessWarning((warning) => warnings.push(warning));
    try {
      const response = await withEnv('KRB5CCNAME', caches.sue as string, () =>
        client({ hosts: 'localhost', delegate: true }).post<Echo>('/deleg/echo', 'x'),
      );
      expect(response.data).toMatchObject({ user: 'sue@AD.AK.TEST', delegated: false });
      await new Promise((done) => setImmediate(done)); // warnings are emitted on the next tick
    } finally {
      stopListening();
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'AXIOS_KERBEROS_NOT_DELEGABLE' });
    expect(warnings[0]?.message).toMatch(/sue@AD\.AK\.TEST.*not forwardable/);
  });
});
