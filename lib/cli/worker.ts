import { runCli } from './program';
import { finish } from './supervise';

// `axios-kerberos get … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') finish(0);
  else throw error;
});

// The exit code is reported once the output is written; the supervisor then kills this
// process, which a GSS call stuck on a silent KDC, or idle keep-alive sockets, keep alive.
runCli(process.argv, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }).then(
  finish,
  (error: unknown) => {
    process.stderr.write(
      `axios-kerberos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    finish(1);
  },
);
