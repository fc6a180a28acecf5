#!/usr/bin/env node
import { runCli } from './program';

// Exit explicitly once the output is written: a GSS call stuck on a silent KDC keeps a
// libuv thread (and so the process) busy for ~25 s after it timed out for us, and idle
// keep-alive sockets would hold the process open too.
function exit(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

// `axios-kerberos get … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

runCli(process.argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }).then(exit, (error) => {
  process.stderr.write(`axios-kerberos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  exit(1);
});
