import axios from 'axios';
import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { kerberosAuth, isKerberosAuthError } from '../../lib';
import { realm, realmCommand, scratch, withCcache, withRealEnv } from './helpers/realm';

function client(options: Parameters<typeof kerberosAuth>[0] = { hosts: 'localhost' }) {
  const api = axios.create({ baseURL: realm.url });
  kerberosAuth(options).install(api);
  return api;
}

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; spn?: string }> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isKerberosAuthError(error)) throw new Error(`expected a KerberosAuthError, got ${String(error)}`);
  return error;
}

/** A copy of the realm's krb5.conf whose KDC is at another port, set as KRB5_CONFIG meanwhile. */
async function withKdcPort<T>(port: number, fn: () => Promise<T>): Promise<T> {
  const file = scratch(`krb5-${port}.conf`);
  const original = readFileSync(process.env.KRB5_CONFIG as string, 'utf8');
  writeFileSync(file, original.replace(/kdc = 127\.0\.0\.1:\d+/, `kdc = 127.0.0.1:${port}`));
  return withRealEnv('KRB5_CONFIG', file, fn);
}

/** A fresh cache holding only alice's TGT: any service ticket needs the KDC. */
function freshCache(name: string, lifetime?: string): string {
  const path = scratch(name);
  realmCommand('kinit', path, ...(lifetime === undefined ? [] : [lifetime]));
  return `FILE:${path}`;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('errors produced by their real causes, each naming the SPN and the fix', () => {
  it('ERR_KERBEROS_NO_CREDENTIALS for an empty credential cache, saying to run kinit', async () => {
    const error = await withCcache(`FILE:${scratch('no-such-cache')}`, () => failure(client().get('/negotiate/')));
    expect(error.code).toBe('ERR_KERBEROS_NO_CREDENTIALS');
    expect(error.spn).toBe('HTTP@localhost');
    expect(error.message).toMatch(/kinit/);
  });

  it('ERR_KERBEROS_EXPIRED for an expired ticket', async () => {
    // 1 s of life plus the realm's 5 s of clock-skew tolerance: then every party agrees it
    // has expired, whichever of them checks first.
    const ccache = freshCache('short-lived', '1s');
    await new Promise((resolve) => setTimeout(resolve, 6500));
    const error = await withCcache(ccache, () => failure(client().get('/negotiate/')));
    expect(error.code).toBe('ERR_KERBEROS_EXPIRED');
    expect(error.message).toMatch(/kinit/);
  }, 20000);

  it('ERR_KERBEROS_UNKNOWN_SPN for a service principal the KDC does not have', async () => {
    const error = await failure(client({ hosts: 'localhost', spn: 'HTTP@unknown.example.test' }).get('/negotiate/'));
    expect(error.code).toBe('ERR_KERBEROS_UNKNOWN_SPN');
    expect(error.message).toContain('HTTP@unknown.example.test');
  });

  it('ERR_KERBEROS_KDC_UNREACHABLE when no KDC listens', async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve)); // nothing listens there now
    const ccache = freshCache('kdc-down');
    const error = await withKdcPort(port, () => withCcache(ccache, () => failure(client().get('/negotiate/'))));
    expect(error.code).toBe('ERR_KERBEROS_KDC_UNREACHABLE');
    expect(error.message).toMatch(/krb5\.conf/);
  });

  it('ERR_KERBEROS_TIMEOUT within `timeout` for a KDC that accepts and never answers, while fs keeps working', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    const port = await listen(silent);
    const ccache = freshCache('kdc-silent');
    try {
      let reads = 0;
      let reading = true;
      const reader = (async () => {
        while (reading) {
          await readFile(__filename);
          reads++;
        }
      })();
      const started = Date.now();
      const error = await withKdcPort(port, () =>
        withCcache(ccache, () => failure(client({ hosts: 'localhost', timeout: 300 }).get('/negotiate/'))),
      );
      const elapsed = Date.now() - started;
      reading = false;
      await reader;
      expect(error.code).toBe('ERR_KERBEROS_TIMEOUT');
      expect(elapsed).toBeLessThan(3000);
      expect(reads).toBeGreaterThan(10);
    } finally {
      sockets.forEach((s) => s.destroy());
      silent.close();
    }
  });

  it('ERR_KERBEROS_WRONG_REALM when krb5.conf maps the host to a realm with no trust path', async () => {
    const file = scratch('krb5-other-realm.conf');
    const original = readFileSync(process.env.KRB5_CONFIG as string, 'utf8');
    writeFileSync(file, original.replace('[domain_realm]', '[domain_realm]\n    .other.test = OTHER.TEST'));
    const api = client({ hosts: 'localhost', spn: 'HTTP@svc.other.test' });
    const error = await withRealEnv('KRB5_CONFIG', file, () => failure(api.get('/negotiate/')));
    expect(error.code).toBe('ERR_KERBEROS_WRONG_REALM');
    expect(error.message).toMatch(/domain_realm/);
  });
});
