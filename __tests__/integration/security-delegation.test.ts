import axios from 'axios';
import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { kerberosAuth } from '../../lib';
import { guardEachTest, untrustedHostError } from '../helpers/security';
import { accessLogLength, realm } from './helpers/realm';
import { accessLogLines } from './helpers/security';

// Delegation takes its own allowlist. The realm's /deleg/ location stores delegated
// credentials in DELEG_DIR, in a file named after the client principal, and its echo CGI says
// whether this request delegated ("delegated", and KRB5CCNAME as "ccache").

interface DelegEcho {
  user: string | null;
  delegated: boolean;
  ccache: string | null;
}

guardEachTest();

function client(options: Parameters<typeof kerberosAuth>[0]) {
  const api = axios.create({ baseURL: realm.url });
  kerberosAuth(options).install(api);
  return api;
}

const echoPath = () => `/deleg/echo?run=${randomUUID()}`;

describe('delegation to the realm’s /deleg/ location', () => {
  it('`delegate: true` with hosts: localhost forwards the TGT: the server stores it under the principal’s name', async () => {
    const started = Date.now();
    const { data } = await client({ hosts: 'localhost', delegate: true }).get<DelegEcho>(echoPath());
    expect(data).toMatchObject({ user: realm.alice, delegated: true });
    const stored = join(realm.delegDir, realm.alice);
    expect(data.ccache).toBe(`FILE:${stored}`);
    expect(existsSync(stored)).toBe(true);
    expect(statSync(stored).mtimeMs).toBeGreaterThanOrEqual(started - 1000);
  });

  it('`delegate: true` also delegates when the listed host is answered on its challenge (preemptive: false)', async () => {
    const { data } = await client({ hosts: 'localhost', delegate: true, preemptive: false }).get<DelegEcho>(echoPath());
    expect(data).toMatchObject({ user: realm.alice, delegated: true });
  });

  it('does not delegate by default', async () => {
    const { data } = await client({ hosts: 'localhost' }).get<DelegEcho>(echoPath());
    expect(data).toEqual(expect.objectContaining({ user: realm.alice, delegated: false, ccache: null }));
  });

  it('does not delegate with no `hosts` (reactive)', async () => {
    const { data } = await client({}).get<DelegEcho>(echoPath());
    expect(data).toMatchObject({ user: realm.alice, delegated: false });
  });

  it('does not delegate to a listed host outside a narrower `delegate` list', async () => {
    const { data } = await client({ hosts: 'localhost', delegate: ['other.example'] }).get<DelegEcho>(echoPath());
    expect(data).toMatchObject({ user: realm.alice, delegated: false });
  });

  it('delegates to a host that is in both `hosts` and the `delegate` list', async () => {
    const { data } = await client({ hosts: ['localhost', 'other.example'], delegate: ['localhost'] }).get<DelegEcho>(
      echoPath(),
    );
    expect(data).toMatchObject({ user: realm.alice, delegated: true });
  });

  it('lets a request turn delegation off for a listed host', async () => {
    const { data } = await client({ hosts: 'localhost', delegate: true }).get<DelegEcho>(echoPath(), {
      kerberos: { delegate: false },
    });
    expect(data).toMatchObject({ delegated: false });
  });

  it('refuses a per-request `kerberos: { delegate: true }` to a host outside `hosts`: ERR_KERBEROS_UNTRUSTED_HOST, nothing sent', async () => {
    const path = echoPath();
    const before = accessLogLength();
    const error = await untrustedHostError(
      client({ hosts: 'other.example' }).get(path, { kerberos: { delegate: true } }),
    );
    expect(error.host).toBe('localhost');
    expect(await accessLogLines(before, path, 0, { quietMs: 300 })).toEqual([]);
  });
});

describe('a per-request `kerberos.spn` for a host outside `hosts`', () => {
  it('fails with ERR_KERBEROS_UNTRUSTED_HOST and nothing reaches the server', async () => {
    const path = `/negotiate/?run=${randomUUID()}`;
    const before = accessLogLength();
    const error = await untrustedHostError(
      client({ hosts: 'other.example' }).get(path, { kerberos: { spn: 'HTTP@localhost' } }),
    );
    expect(error).toMatchObject({ host: 'localhost', spn: 'HTTP@localhost' });
    expect(await accessLogLines(before, path, 0, { quietMs: 300 })).toEqual([]);
  });

  it('is honoured for a host in `hosts` (control)', async () => {
    const response = await client({ hosts: 'localhost' }).get('/negotiate/', { kerberos: { spn: 'HTTP@localhost' } });
    expect(response.headers['x-remote-user']).toBe(realm.alice);
  });
});
