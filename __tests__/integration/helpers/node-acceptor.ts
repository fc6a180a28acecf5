import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as kerberos from 'kerberos';

export interface AcceptorServer {
  url: string;
  /** Authorization headers received, in order. */
  tokens: string[];
  close(): Promise<void>;
}

/**
 * A real GSS acceptor in Node (`kerberos.initializeServer` with the realm's keytab via
 * KRB5_KTNAME): 401 Negotiate without a token, 200 with the server's own mutual-auth token
 * after accepting one. `finalToken` replaces that token, to play a forging server.
 */
export async function startNodeAcceptor(
  finalToken?: (real: string | null) => string | undefined,
): Promise<AcceptorServer> {
  const tokens: string[] = [];
  const server: Server = createServer((req, res) => {
    const header = req.headers.authorization;
    if (header === undefined || !header.startsWith('Negotiate ')) {
      res.writeHead(401, { 'WWW-Authenticate': 'Negotiate' }).end();
      return;
    }
    tokens.push(header);
    void (async () => {
      try {
        const acceptor = await kerberos.initializeServer('HTTP@localhost');
        await acceptor.step(header.slice('Negotiate '.length));
        const reply = finalToken === undefined ? acceptor.response : finalToken(acceptor.response);
        const headers: Record<string, string> = { 'X-Remote-User': acceptor.username };
        if (reply !== undefined && reply !== null) headers['WWW-Authenticate'] = `Negotiate ${reply}`;
        res.writeHead(200, headers).end('secret data');
      } catch (error) {
        res.writeHead(401, { 'WWW-Authenticate': 'Negotiate' }).end(String(error));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    tokens,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
