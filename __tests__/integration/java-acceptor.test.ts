import axios from 'axios';
import { createHash } from 'node:crypto';
import { isKerberosAuthError, kerberosAuth } from '../../lib';
import type { KerberosAuthOptions } from '../../lib';
import { requireBuiltCli, runBuiltCli } from '../cli/built-cli';
import { compileJavaPeer, type JavaAcceptor, removeJavaPeer, startJavaAcceptor } from './helpers/java-acceptor';
import { realm } from './helpers/realm';

// The stack of Tomcat, Spring Security Kerberos, Jetty and Hadoop: JAAS logs the service in
// from the realm's keytab, JGSS accepts. Two credential set-ups: SPNEGO only (Tomcat's
// SpnegoAuthenticator) and SPNEGO + krb5 (Hadoop's authentication handler).
let classes: string;
const servers: Partial<Record<'spnego' | 'any', JavaAcceptor>> = {};

beforeAll(async () => {
  classes = compileJavaPeer();
  const keytab = process.env.KRB5_KTNAME as string;
  const conf = process.env.KRB5_CONFIG as string;
  const principal = `HTTP/localhost@${realm.realm}`;
  [servers.spnego, servers.any] = await Promise.all([
    startJavaAcceptor(classes, 'spnego', principal, keytab, conf),
    startJavaAcceptor(classes, 'any', principal, keytab, conf),
  ]);
}, 60000);

afterAll(async () => {
  await Promise.all([servers.spnego?.stop(), servers.any?.stop()]);
  if (classes !== undefined) removeJavaPeer(classes);
});

function client(server: JavaAcceptor, options: KerberosAuthOptions = { hosts: 'localhost' }) {
  const api = axios.create({ baseURL: server.url });
  kerberosAuth(options).install(api);
  return api;
}

interface Echo {
  user: string;
  mech: string;
  method: string;
  delegated: boolean;
  sha256: string;
  length: number;
}

describe('against a Java JGSS acceptor', () => {
  it.each(['spnego', 'any'] as const)('authenticates and verifies the server (%s credentials)', async (kind) => {
    const server = servers[kind] as JavaAcceptor;
    const response = await client(server).get<Echo>('/pre-emptive');
    expect(response.status).toBe(200);
    expect(response.data.user).toBe(realm.alice);
    // The server sent its own token and the plugin verified it (it throws otherwise).
    expect(String(response.headers['www-authenticate'])).toMatch(/^Negotiate \S+/);
  });

  it('answers the 401 challenge and re-sends a POST body intact', async () => {
    const body = JSON.stringify({ report: 'x'.repeat(10000) });
    const response = await client(servers.spnego as JavaAcceptor, {}).post<Echo>('/reactive', body, {
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.data).toMatchObject({
      user: realm.alice,
      method: 'POST',
      length: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
    });
  });

  it('authenticates 50 concurrent requests, each with its own context', async () => {
    const api = client(servers.any as JavaAcceptor);
    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => api.get<Echo>(`/concurrent/${i}`)));
    expect(responses.map((r) => r.data.user)).toEqual(Array(50).fill(realm.alice));
  });

  it('delegates to it when asked', async () => {
    const response = await client(servers.any as JavaAcceptor, { hosts: 'localhost', delegate: true }).get<Echo>('/d');
    expect(response.data.delegated).toBe(true);
  });

  it('authenticates with raw krb5 tokens where the server holds krb5 credentials', async () => {
    const response = await client(servers.any as JavaAcceptor, { hosts: 'localhost', mechanism: 'kerberos' }).get<Echo>(
      '/raw',
    );
    expect(response.data.mech).toBe('1.2.840.113554.1.2.2');
  });

  it('says to use SPNEGO when a SPNEGO-only server refuses a raw krb5 token', async () => {
    const server = servers.spnego as JavaAcceptor;
    const error: unknown = await client(server, { hosts: 'localhost', mechanism: 'kerberos' })
      .get('/raw')
      .catch((e: unknown) => e);
    expect(server.stderr).toMatch(/No credential found for: 1\.2\.840\.113554\.1\.2\.2 usage: Accept/);
    if (!isKerberosAuthError(error)) throw error;
    expect(error.code).toBe('ERR_KERBEROS_REJECTED');
    expect(error.message).toMatch(/SPNEGO only: use `mechanism: 'spnego'`/);
  });

  it('gives the same advice on the command line, as a flag', async () => {
    requireBuiltCli();
    const server = servers.spnego as JavaAcceptor;
    const run = await runBuiltCli(['doctor', '--mechanism', 'kerberos', `${server.url}/cli`], process.env);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/ERR_KERBEROS_REJECTED/);
    expect(run.stdout).toMatch(/the server may accept SPNEGO only: use `--mechanism spnego`/);
  });
});
