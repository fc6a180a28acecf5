import { HTTP_TOKEN } from '../http/challenge';

/** A wrong command line: the CLI prints the message and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `--timeout <ms>`: a whole number of milliseconds, within what the plugin accepts. */
export function parseTimeout(value: string): number {
  const ms = Number(value);
  if (!/^\d+$/.test(value) || ms < 1 || ms > 600_000) {
    throw new UsageError(
      `option '--timeout <ms>' argument '${value}' is invalid: expected a whole number of milliseconds from 1 to 600000.`,
    );
  }
  return ms;
}

/** `-H 'Name: value'`, repeatable: collected in order. */
export function collectHeader(value: string, previous: [string, string][] = []): [string, string][] {
  const colon = value.indexOf(':');
  const name = colon === -1 ? '' : value.slice(0, colon).trim();
  if (!HTTP_TOKEN.test(name)) {
    // The argument is echoed only while it is short: a long one may be a credential pasted
    // without its colon (`-H "Authorization Negotiate YII..."`).
    const shown = value.length <= 32 ? `'${value}'` : `<${Buffer.byteLength(value)} bytes, not shown>`;
    throw new UsageError(`option '-H, --header <header>' argument ${shown} is invalid: expected 'Name: value'.`);
  }
  return [...previous, [name, value.slice(colon + 1).trim()]];
}

/** `-X <method>`: an HTTP method token, upper-cased as curl users write it anyway. */
export function parseMethod(value: string): string {
  if (!HTTP_TOKEN.test(value))
    throw new UsageError(`option '-X, --request <method>': '${value}' is not an HTTP method.`);
  return value.toUpperCase();
}

/** The `<url>` argument: an absolute http: or https: URL. */
export function parseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`'${value}' is not an absolute URL (such as https://host.example.com/path).`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`'${value}' is not an http: or https: URL.`);
  }
  return url;
}
