import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

/** Options of {@link TcpProxy}. */
export interface TcpProxyOptions {
  /**
   * Asked of every chunk the client sends, after it is forwarded: true ends that client's connection there (a FIN,
   * with no reply from the server any more), so the client sees its connection close with that request in flight.
   */
  readonly cutAfter?: (fromClient: Buffer) => boolean;
  /**
   * Takes over the forwarding of each connection, both ways (a proxy that reads the protocol it carries); the proxy
   * still tracks both sockets, drops the pair on an error and cuts them with `cut`.
   */
  readonly relay?: (client: Socket, upstream: Socket) => void;
}

/**
 * A TCP proxy in front of a real server, so a test can take the server away from the platform (every connection
 * dropped, the port closed: new connections are refused) and bring it back on the same port, without touching
 * the server other tests share.
 */
export class TcpProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #port = 0;
  /** Connections ended by `cutAfter`. */
  cuts = 0;

  private constructor(targetHost: string, targetPort: number, options: TcpProxyOptions) {
    this.#server = createServer((client) => {
      const upstream = connect(targetPort, targetHost);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      if (options.relay !== undefined) {
        options.relay(client, upstream);
        return;
      }
      upstream.pipe(client);
      const { cutAfter } = options;
      if (cutAfter === undefined) {
        client.pipe(upstream);
        return;
      }
      client.on('data', (chunk: Buffer) => {
        upstream.write(chunk);
        if (!cutAfter(chunk)) return;
        this.cuts += 1;
        upstream.unpipe(client);
        client.end();
        upstream.destroy();
      });
    });
  }

  static async start(targetHost: string, targetPort: number, options: TcpProxyOptions = {}): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetHost, targetPort, options);
    await proxy.#listen();
    return proxy;
  }

  get port(): number {
    return this.#port;
  }

  /** The server "goes away": open connections are cut and the port stops accepting. */
  async cut(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  /** The server is back, on the same port. */
  restore(): Promise<void> {
    return this.#listen();
  }

  async close(): Promise<void> {
    if (this.#server.listening) await this.cut();
  }

  #listen(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        this.#port = (this.#server.address() as AddressInfo).port;
        resolve();
      });
    });
  }
}
