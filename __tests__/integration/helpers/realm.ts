import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The realm brought up by global-setup, as seen through the environment it exported. */
export const realm = {
  get dir(): string {
    return required('REALM_DIR');
  },
  get url(): string {
    return required('HTTP_URL');
  },
  get urlIp(): string {
    return required('HTTP_URL_IP');
  },
  get port(): number {
    return Number(required('HTTP_PORT'));
  },
  get realm(): string {
    return required('REALM');
  },
  get alice(): string {
    return required('ALICE_PRINCIPAL');
  },
  get accessLog(): string {
    return required('ACCESS_LOG');
  },
  get delegDir(): string {
    return required('DELEG_DIR');
  },
};

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set: the integration global setup did not run`);
  return value;
}

const SCRIPT = resolve(__dirname, '../../../scripts/realm.sh');

/** Runs a `scripts/realm.sh` sub-command against the test realm. */
export function realmCommand(...args: string[]): string {
  return execFileSync('bash', [SCRIPT, args[0] as string, realm.dir, ...args.slice(1)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Access-log lines for `path` written after `from` lines, as [status, sentNegotiate]. */
export function accessLogSince(from: number, path?: string): { status: number; negotiate: boolean; line: string }[] {
  return readAccessLog()
    .slice(from)
    .filter((line) => path === undefined || line.includes(` ${path}`))
    .map((line) => ({ status: Number(/" (\d{3}) /.exec(line)?.[1]), negotiate: / neg=1/.test(line), line }));
}

export function accessLogLength(): number {
  return readAccessLog().length;
}

function readAccessLog(): string[] {
  return readFileSync(realm.accessLog, 'utf8').split('\n').filter(Boolean);
}

/**
 * Runs `fn` with an environment variable of the real process (the one GSS reads with
 * getenv, not Jest's copy) set to `value`, restoring it afterwards.
 */
export async function withRealEnv<T>(name: string, value: string, fn: () => Promise<T>): Promise<T> {
  const setRealEnv = (globalThis as unknown as { __setRealEnv: (n: string, v: string | undefined) => void })
    .__setRealEnv;
  const saved = process.env[name];
  setRealEnv(name, value);
  try {
    return await fn();
  } finally {
    setRealEnv(name, saved);
  }
}

/** Runs `fn` with KRB5CCNAME pointing elsewhere. */
export function withCcache<T>(ccache: string, fn: () => Promise<T>): Promise<T> {
  return withRealEnv('KRB5CCNAME', ccache, fn);
}

export function scratch(name: string): string {
  return join(realm.dir, `test-${process.pid}-${name}`);
}
