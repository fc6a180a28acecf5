import { Readable } from 'node:stream';
import type { GetIo } from '../../lib/cli/get';

/** Captured stdout/stderr and a given stdin, for running the commands in-process. */
export function captureIo(stdin = ''): GetIo & { out: () => string; err: () => string } {
  let out = Buffer.alloc(0);
  let err = '';
  const writer = (append: (chunk: Buffer) => void) =>
    ({
      write(chunk: string | Uint8Array) {
        append(Buffer.from(chunk));
        return true;
      },
    }) as unknown as NodeJS.WritableStream;
  return {
    stdout: writer((chunk) => (out = Buffer.concat([out, chunk]))),
    stderr: writer((chunk) => (err += chunk.toString())),
    stdin: Readable.from([Buffer.from(stdin)]),
    out: () => out.toString(),
    err: () => err,
  };
}
