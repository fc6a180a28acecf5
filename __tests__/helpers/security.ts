import { inspect } from 'node:util';
import { runInThisContext } from 'node:vm';
import { isKerberosAuthError, type KerberosAuthError } from '../../lib/errors/kerberos-auth-error';
import type { TestServer } from './server';

/** Settles a promise into the value it rejected with; fails if it resolved. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  let resolved = false;
  const error = await promise.then(
    () => {
      resolved = true;
      return undefined;
    },
    (e: unknown) => e,
  );
  if (resolved) throw new Error('expected the request to fail, but it succeeded');
  return error;
}

/** The KerberosAuthError a promise rejects with; fails if it resolved or rejected with anything else. */
export async function kerberosAuthErrorOf(promise: Promise<unknown>): Promise<KerberosAuthError> {
  const error = await rejectionOf(promise);
  if (!isKerberosAuthError(error)) throw new Error(`expected a KerberosAuthError, got ${String(error)}`);
  return error;
}

/** The KerberosAuthError `fn` throws; fails if it returned or threw anything else. */
export function kerberosAuthErrorThrownBy(fn: () => unknown): KerberosAuthError {
  try {
    fn();
  } catch (error) {
    if (isKerberosAuthError(error)) return error;
    throw new Error(`expected a KerberosAuthError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected a KerberosAuthError, but the call returned');
}

/** The ERR_KERBEROS_UNTRUSTED_HOST error a promise rejects with; fails on any other outcome. */
export async function untrustedHostError(promise: Promise<unknown>): Promise<KerberosAuthError> {
  const error = await kerberosAuthErrorOf(promise);
  expect(error.code).toBe('ERR_KERBEROS_UNTRUSTED_HOST');
  return error;
}

/**
 * Every Authorization value a server received, with the bare token too: the secrets that must
 * not show up in any error.
 */
export function sentSecrets(...servers: TestServer[]): string[] {
  const secrets: string[] = [];
  for (const server of servers) {
    for (const request of server.requests) {
      const value = request.headers.authorization;
      if (typeof value !== 'string') continue;
      secrets.push(value);
      const token = value.replace(/^Negotiate\s+/i, '');
      if (token !== value) secrets.push(token);
    }
  }
  return secrets;
}

/** The four ways an error usually reaches a log. */
export function renderings(error: unknown): Record<string, string> {
  let json: string;
  try {
    json = JSON.stringify(error) ?? '';
  } catch (e) {
    json = `<JSON.stringify threw: ${String(e)}>`;
  }
  return {
    inspect: inspect(error, { depth: 10 }),
    json,
    string: String(error),
    message: error instanceof Error ? error.message : '',
  };
}

/**
 * Which renderings of `error` contain which secret: `[]` when nothing leaks. Returned (rather
 * than asserted) so that a failure says where the token leaked without printing the whole error.
 */
export function leaks(error: unknown, secrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const [how, text] of Object.entries(renderings(error))) {
    for (const secret of secrets) {
      if (text.includes(secret)) found.push(`${how} contains ${secret.slice(0, 24)}…`);
    }
  }
  return [...new Set(found)];
}

/**
 * Records unhandled promise rejections of the real Node process. Jest hands test files a copy
 * of `process` whose events never fire, so the listener goes on the real one, reached through
 * the main context. Jest also reports such rejections itself; this makes the check explicit.
 */
export function watchUnhandledRejections(): { readonly seen: unknown[]; dispose(): void } {
  const real = runInThisContext('process') as NodeJS.Process;
  const seen: unknown[] = [];
  const listener = (reason: unknown): void => {
    seen.push(reason);
  };
  real.on('unhandledRejection', listener);
  return {
    seen,
    dispose: () => {
      real.off('unhandledRejection', listener);
    },
  };
}

/** Lets pending rejections surface: Node reports them after the microtask queue drains. */
export function settleEventLoop(ms = 20): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The common frame of a test file (call it at the top level): after every test, close the
 * servers that test handed to `track`, let pending rejections surface, and fail the test if any
 * promise rejection went unhandled meanwhile. `rejections` is the probe, for a test of its own.
 */
export function guardEachTest(): {
  readonly rejections: { readonly seen: unknown[] };
  track: <S extends { close(): Promise<void> }>(server: S) => S;
} {
  const rejections = watchUnhandledRejections();
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()));
    await settleEventLoop();
    expect(rejections.seen).toEqual([]);
  });
  afterAll(() => rejections.dispose());
  return {
    rejections,
    track: (server) => {
      open.push(server);
      return server;
    },
  };
}

/** The fake-GSS context ids whose tokens these requests carried, in order of first use. */
export function wireContextIds(requests: readonly { headers: { authorization?: string } }[]): number[] {
  const ids: number[] = [];
  for (const request of requests) {
    const value = request.headers.authorization;
    if (typeof value !== 'string' || !value.startsWith('Negotiate ')) continue;
    try {
      const id = (
        JSON.parse(Buffer.from(value.slice('Negotiate '.length), 'base64').toString('utf8')) as { id?: unknown }
      ).id;
      if (typeof id === 'number' && !ids.includes(id)) ids.push(id);
    } catch {
      // not a fake-GSS token
    }
  }
  return ids;
}
