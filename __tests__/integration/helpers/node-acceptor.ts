import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import * as kerberos from 'kerberos';
import { listen } from '../../helpers/server';

export interface NodeAcceptor {
  url: string;
  /** Authorization headers received, in order. */
  tokens: string[];
  /** Client principals the acceptor authenticated from those tokens. */
  accepted: string[];
  /** Every request, in order, as URL + whether it carried a Negotiate token. */
  requests: { url: string; negotiate: boolean }[];
  close(): Promise<void>;
}

export interface NodeAcceptorOptions {
  /**
   * The reply once a token was accepted, given the acceptor's own output token. Default: 200
   * `secret data` with X-Remote-User and that token as `WWW-Authenticate: Negotiate <token>`.
   */
  answer?: (response: ServerResponse, serverToken: string | null, request: IncomingMessage) => void;
  /**
   * For the default answer: the token to send instead of the real one (none when it returns
   * undefined), to play a forging server.
   */
  finalToken?: (real: string | null) => string | undefined;
}

/**
 * A Node server with a real GSS acceptor (`kerberos.initializeServer` with the realm's keytab
 * via KRB5_KTNAME), on 127.0.0.1 and reached as localhost: `401 Negotiate` to a request without
 * a token; a token is really accepted (so the test knows the client's token was genuine), then
 * the options' `answer` replies; a token the acceptor refuses gets a 500.
 */
export async function startNodeAcceptor(options: NodeAcceptorOptions = {}): Promise<NodeAcceptor> {
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
        const serverToken = acceptor.response ?? null;
        if (options.answer !== undefined) {
          options.answer(res, serverToken, req);
          return;
        }
        const reply = options.finalToken === undefined ? serverToken : options.finalToken(serverToken);
        const headers: Record<string, string> = { 'X-Remote-User': acceptor.username };
        if (reply !== undefined && reply !== null) headers['WWW-Authenticate'] = `Negotiate ${reply}`;
        res.writeHead(200, headers).end('secret data');
      } catch (error) {
        res.writeHead(500).end(`acceptor failed: ${String(error)}`);
      }
    })();
  });
  const { port, close } = await listen(server);
  return { url: `http://localhost:${port}`, tokens, accepted, requests, close };
}
