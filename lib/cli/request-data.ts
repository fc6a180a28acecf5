import { readFile } from 'node:fs/promises';

/** Reads all of a stream, for `-d @-`. */
async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/**
 * The body of `-d`: the text itself, `@file` for a file's bytes, `@-` for standard input,
 * as curl reads them (but sent as they are, like curl's --data-binary: no newlines removed).
 */
export async function requestData(data: string, stdin: NodeJS.ReadableStream): Promise<string | Buffer> {
  if (data === '@-') return readAll(stdin);
  if (data.startsWith('@')) return readFile(data.slice(1));
  return data;
}
