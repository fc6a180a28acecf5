import { type AxiosResponse, isAxiosError } from 'axios';
import type { CnameResolver } from '../core/spn-resolver';
import { kerberosProvider } from '../gss/kerberos-provider';
import type { GssProvider } from '../gss/provider';
import { normalizeHostname } from '../names/hosts';
import type { CliAuthOptions } from './auth-options';
import { describeFailure, formatFailure } from './failure';
import { RequestCounter, createKerberosClient } from './http-client';
import { requestData } from './request-data';
import { formatResponseHead } from './response-head';

export interface GetOptions extends CliAuthOptions {
  include: boolean;
  /** `-H` values, already split into name and value. */
  headers: [string, string][];
  request: string | undefined;
  data: string | undefined;
}

export interface GetIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

/**
 * `get <url>`: one authenticated request, the body to stdout (with `-i`, the status line
 * and headers first, tokens redacted). Returns the exit code: 0 for a response below 400,
 * 1 for an error status (its body printed all the same, as `curl --fail-with-body` does) or
 * a failure, whose code and message go to stderr.
 */
export async function runGet(
  url: URL,
  options: GetOptions,
  io: GetIo,
  gss: GssProvider = kerberosProvider(),
  resolveCname?: CnameResolver,
): Promise<number> {
  let response: AxiosResponse<Buffer>;
  try {
    const data = options.data === undefined ? undefined : await requestData(options.data, io.stdin);
    const host = normalizeHostname(url);
    const client = createKerberosClient(
      new RequestCounter(),
      host,
      options,
      // axios's own status rule, so the plugin sees an error status as one: a server token
      // on it must verify, but a missing one is accepted (error pages often carry none),
      // exactly as in an application. The error response is printed below.
      { responseType: 'arraybuffer', validateStatus: (status) => status < 400 },
      { gss, resolveCname },
    );
    response = await client.request<Buffer>({
      url: url.href,
      method: options.request ?? (data === undefined ? 'GET' : 'POST'),
      headers: requestHeaders(options.headers, data !== undefined),
      data,
    });
  } catch (error) {
    if (!isAxiosError<Buffer>(error) || error.response === undefined) {
      io.stderr.write(`axios-kerberos: ${formatFailure(describeFailure(error))}\n`);
      return 1;
    }
    response = error.response;
  }
  if (options.include) io.stdout.write(formatResponseHead(response));
  io.stdout.write(Buffer.from(response.data));
  if (response.status < 400) return 0;
  io.stderr.write(`axios-kerberos: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}\n`);
  return 1;
}

/** `-H` headers; `-d` sends form data unless a Content-Type says otherwise, as curl does. */
function requestHeaders(headers: [string, string][], hasData: boolean): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of headers) result[name] = value;
  const typed = headers.some(([name]) => name.toLowerCase() === 'content-type');
  if (hasData && !typed) result['Content-Type'] = 'application/x-www-form-urlencoded';
  return result;
}
