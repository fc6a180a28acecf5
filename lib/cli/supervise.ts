import { fork } from 'node:child_process';

/** The message a worker sends when its output is written: the exit code of the command. */
interface Done {
  exitCode: number;
}

/**
 * Runs the command (`worker`, a script) in a process of its own with the same arguments,
 * standard streams and environment, and exits with its exit code as soon as it reports one,
 * killing the worker. A GSS call stuck on a silent KDC cannot be cancelled, and it keeps a
 * process from exiting, `process.exit()` included, until it returns (measured: about 28 s
 * with MIT krb5, 67 s with Heimdal). Killed, the worker takes it along: the CLI exits once
 * the command has timed out (`--timeout`), not when GSS gives up.
 */
export function supervise(worker: string): void {
  const child = fork(worker, process.argv.slice(2), { stdio: 'inherit' });
  child.on('message', (message: Done) => {
    if (typeof message.exitCode !== 'number') return;
    child.kill('SIGKILL');
    process.exit(message.exitCode);
  });
  // A worker that ends on its own (a crash, or before it could report) passes its status on.
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128 + signalNumber(signal))));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      // The worker may be stuck in GSS and ignore the signal: it is not waited for.
      child.kill('SIGKILL');
      process.exit(128 + signalNumber(signal));
    });
  }
}

/** In the worker: reports the exit code once the output is written (run on its own: exits). */
export function finish(code: number): void {
  process.stdout.write('', () =>
    process.stderr.write('', () => {
      if (process.send === undefined) process.exit(code);
      process.send({ exitCode: code } satisfies Done);
    }),
  );
}

function signalNumber(signal: NodeJS.Signals): number {
  return ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Partial<Record<NodeJS.Signals, number>>)[signal] ?? 1;
}
