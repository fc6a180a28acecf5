import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';

/** A KDC that never answers: it accepts TCP connections and takes UDP datagrams, and says nothing. */
export interface SilentKdc {
  port: number;
  /** A copy of `krb5Conf` whose every `kdc = 127.0.0.1:N` line points here, written to `path`. */
  config(krb5Conf: string, path: string): string;
  close(): Promise<void>;
}

export async function startSilentKdc(): Promise<SilentKdc> {
  const sockets: Socket[] = [];
  const tcp = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  const { port } = tcp.address() as AddressInfo;
  const udp: UdpSocket = createSocket('udp4');
  await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', resolve));
  return {
    port,
    config(krb5Conf, path) {
      writeFileSync(path, readFileSync(krb5Conf, 'utf8').replace(/kdc = 127\.0\.0\.1:\d+/g, `kdc = 127.0.0.1:${port}`));
      return path;
    },
    async close() {
      sockets.forEach((socket) => socket.destroy());
      udp.close();
      await new Promise((resolve) => tcp.close(resolve));
    },
  };
}

/** A port of 127.0.0.1 where nothing listens: a KDC there is unreachable. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
