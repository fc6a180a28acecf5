import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as kerberos from 'kerberos';
import { accessLogSince } from './realm';

export interface RealTokenServer {
  url: string;
  /** Authorization headers received, in order. */
  tokens: string[];
  /** Client principals the acceptor authenticated from those tokens. */
  accepted: string[];
  /** Every request, in order, as method + URL + whether it carried a Negotiate token. */
  requests: { url: string; negotiate: boolean }[];
  close(): Promise<void>;
}

/**
 * A Node server with a real GSS acceptor (`kerberos.initializeServer` with the realm's keytab
 * via KRB5_KTNAME): `401 Negotiate` to a request without a token; a token is really accepted
 * (so the test knows the client's token was genuine), then `answer` decides the reply, given
 * the acceptor's own output token.
 */
export async function startRealTokenServer(
  answer: (response: ServerResponse, serverToken: string | null, request: IncomingMessage) => void,
): Promise<RealTokenServer> {
  const tokens: string[] = [];
  const accepted: string[] = [];
  const requests: { url: string; negotiate: boolean }[] = [];
  const server: Server = createServer((req, res) => {
    const header = req.headers.authorization;
    const negotiate = typeof header === 'string' && header.startsWith('Negotiate ');
    requests.push({ url: req.url ?? '', negotiate });
    req.resume();
    if (!negotiate) {
      res.writeHead(401, { 'WWW-Authenticate': 'Negotiate' }).end();
      return;
    }
    tokens.push(header);
    void (async () => {
      try {
        const acceptor = await kerberos.initializeServer('HTTP@localhost');
        await acceptor.step(header.slice('Negotiate '.length));
        accepted.push(acceptor.username);
        answer(res, acceptor.response ?? null, req);
      } catch (error) {
        res.writeHead(500).end(`acceptor failed: ${String(error)}`);
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    tokens,
    accepted,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Access-log lines after `from` whose line contains `marker`, once at least `count` of them
 * are there. Apache writes a line after it has sent the response, so a test that reads the
 * log right after its response can miss the last line; this polls (bounded) instead.
 * `quietMs` then waits a little longer, so that an unexpected extra line shows up too.
 */
export async function accessLogLines(
  from: number,
  marker: string,
  count: number,
  { timeoutMs = 5000, quietMs = 150 } = {},
): Promise<{ status: number; negotiate: boolean; line: string }[]> {
  const read = () => accessLogSince(from).filter((entry) => entry.line.includes(marker));
  const deadline = Date.now() + timeoutMs;
  while (read().length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  await new Promise((resolve) => setTimeout(resolve, quietMs));
  return read();
}
