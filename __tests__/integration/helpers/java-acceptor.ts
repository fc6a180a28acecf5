import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const SOURCE = resolve(__dirname, '../peers/SpnegoServer.java');

/** Which acceptor credentials the Java server holds (see peers/SpnegoServer.java). */
export type JavaCredentials = 'spnego' | 'any';

export interface JavaAcceptor {
  url: string;
  /** What the server wrote to stderr so far (its GSS errors). */
  readonly stderr: string;
  stop(): Promise<void>;
}

/** Compiles the Java peer once into a temporary folder; returns the class path. */
export function compileJavaPeer(): string {
  const classes = mkdtempSync(join(process.env.REALM_DIR ?? '/tmp', 'java-peer-'));
  execFileSync('javac', ['-d', classes, SOURCE], { stdio: ['ignore', 'ignore', 'pipe'] });
  return classes;
}

export function removeJavaPeer(classes: string): void {
  rmSync(classes, { recursive: true, force: true });
}

/**
 * Starts the JDK's own Negotiate acceptor (JAAS Krb5LoginModule + JGSS) for `principal` from
 * `keytab`, on 127.0.0.1 at a port it picks, and resolves once it listens.
 */
export async function startJavaAcceptor(
  classes: string,
  credentials: JavaCredentials,
  principal: string,
  keytab: string,
  krb5Conf: string,
): Promise<JavaAcceptor> {
  const child: ChildProcess = spawn(
    'java',
    [`-Djava.security.krb5.conf=${krb5Conf}`, '-cp', classes, 'SpnegoServer', credentials, principal, keytab],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const port = await new Promise<number>((done, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => done(Number(line)));
    child.once('exit', (code) => fail(new Error(`the Java acceptor exited (${code}): ${stderr}`)));
  });
  return {
    url: `http://localhost:${port}`,
    get stderr() {
      return stderr;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
