/**
 * An HTTP server on 127.0.0.1 and a free port, for the two things stsenv
 * serves to its own machine (exec --server's credentials endpoint, the
 * console's one-time browser address). close() also ends kept-alive
 * connections, so that nothing outlives it.
 *
 * Any local process can connect, so none can hold the server: a connection
 * must send its headers within seconds and its whole request soon after,
 * an idle kept-alive one is closed, and past a cap on open connections the
 * idle ones go first (oldest first), so that a flood of idle connections
 * cannot use up the file descriptors and keep the real client out
 * (README "exec --server").
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface LoopbackServer {
  port: number;
  close(): Promise<void>;
}

export interface ConnectionLimits {
  /** From connecting to the end of the request's headers. */
  headersTimeoutMs: number;
  /** From connecting to the end of the whole request. */
  requestTimeoutMs: number;
  /** A connection with no request under way is closed after this. */
  idleTimeoutMs: number;
  /** Open connections; past it the oldest idle one is dropped for each new one. */
  maxConnections: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  idleTimeoutMs: 5_000,
  maxConnections: 256,
};

export async function listenOnLoopback(
  listener: RequestListener,
  limits: ConnectionLimits = DEFAULT_LIMITS,
): Promise<LoopbackServer> {
  /** Open connections, oldest first (a Map keeps insertion order), each with the number of its requests under way. */
  const sockets = new Map<Socket, { busy: number }>();
  // The check of headers and request timeouts runs this often; Node's default (30 s) would let idle connections pile up.
  const server = createServer(
    {
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
    },
    (req, res) => {
      const state = sockets.get(req.socket);
      if (state) {
        state.busy++;
        res.on('close', () => state.busy--);
      }
      listener(req, res);
    },
  );
  server.keepAliveTimeout = limits.idleTimeoutMs;
  server.on('connection', (socket: Socket) => {
    if (sockets.size >= limits.maxConnections) {
      for (const [open, state] of sockets) {
        if (state.busy > 0) continue;
        open.destroy();
        sockets.delete(open);
        break;
      }
    }
    if (sockets.size >= limits.maxConnections) {
      // Every one of them busy: the newcomer waits its turn elsewhere.
      socket.destroy();
      return;
    }
    sockets.set(socket, { busy: 0 });
    socket.setTimeout(limits.idleTimeoutMs);
    socket.on('close', () => sockets.delete(socket));
  });
  // Silence without a request under way (a connection that never sends its headers, too) ends it; an
  // answer still being made (a renewal at STS) is waited for. With this listener Node closes nothing itself.
  server.on('timeout', (socket: Socket) => {
    if ((sockets.get(socket)?.busy ?? 0) === 0) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closed: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets.keys()) socket.destroy();
      });
      return closed;
    },
  };
}
