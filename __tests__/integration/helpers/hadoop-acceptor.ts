import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const SOURCE = resolve(__dirname, '../peers/HadoopStyleAcceptor.java');

export interface HadoopAcceptor {
  url: string;
  /** Tokens accepted, 401s sent, requests served from a cookie. */
  stats(): Promise<{ tokens: number; challenges: number; onSession: number }>;
  /** A new cookie-signing secret: every cookie stops working (Hadoop's secret rollover). */
  rotate(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Compiles the Hadoop-style JGSS acceptor into a temp folder and starts it with the realm's
 * keytab (KRB5_KTNAME) and krb5.conf. `cookieLifetimeMs` is how long its cookies are valid.
 */
export async function startHadoopAcceptor(cookieLifetimeMs = 10 * 60_000): Promise<HadoopAcceptor> {
  const dir = mkdtempSync(join(tmpdir(), 'axios-kerberos-java-'));
  execFileSync('javac', ['-d', dir, SOURCE], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
  const env = process.env;
  const child = spawn(
    'java',
    [
      `-Djava.security.krb5.conf=${env.KRB5_CONFIG}`,
      '-cp',
      dir,
      'HadoopStyleAcceptor',
      `${env.KRB5_KTNAME}`,
      `${cookieLifetimeMs}`,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((done, fail) => {
    child.once('error', fail);
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => done(Number(line)));
    child.once('exit', (code) => fail(new Error(`the Java acceptor exited (${code}) before listening`)));
  });
  const url = `http://localhost:${port}`;
  return {
    url,
    stats: async () => (await (await fetch(`${url}/_stats`)).json()) as Awaited<ReturnType<HadoopAcceptor['stats']>>,
    rotate: async () => {
      await fetch(`${url}/_rotate`, { method: 'POST' });
    },
    close: async () => {
      await new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.stdin.end(); // the server stops when its stdin closes
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
