/**
 * A loopback HTTP proxy that records what clients ask of it: CONNECT
 * host:port (how https goes through a proxy) and absolute-URI requests
 * (`POST http://host:port/ HTTP/1.1`, how plain http does). It forwards only
 * to loopback addresses (or to a fixed `upstream`); anything else is answered
 * 403 and recorded, so no test traffic leaves the machine.
 *
 * Also here: a TLS front for the fake STS (https://127.0.0.1:PORT that
 * decrypts and pipes to the plain-http fake), for https endpoint tests.
 */
import { createServer, request as httpRequest, type IncomingMessage, type IncomingHttpHeaders } from 'node:http';
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

export interface ProxiedRequest {
  /** CONNECT, or the method of an absolute-URI request. */
  method: string;
  /** `host:port` for CONNECT, the absolute URI otherwise. */
  target: string;
  headers: IncomingHttpHeaders;
  /** What the proxy answered itself (403, 407), or 'forwarded'. */
  outcome: number | 'forwarded';
}

export interface ProxyOptions {
  /** Require `Proxy-Authorization: Basic base64(user:password)`; answer 407 otherwise. */
  auth?: { user: string; password: string };
  /** Send every tunnel and request here (`127.0.0.1:PORT`) instead of to the named host. */
  upstream?: { host: string; port: number };
}

export interface RecordingProxy {
  url: string;
  port: number;
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\./.test(host);

function splitHostPort(target: string, defaultPort: number): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(target);
  return { host: m?.[1] ?? target, port: m?.[2] ? Number(m[2]) : defaultPort };
}

function trackSockets(server: { on(event: 'connection', listener: (s: Socket) => void): unknown }): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

export async function startRecordingProxy(options: ProxyOptions = {}): Promise<RecordingProxy> {
  const requests: ProxiedRequest[] = [];
  const expectedAuth = options.auth
    ? `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString('base64')}`
    : undefined;
  const authorized = (req: IncomingMessage) => !expectedAuth || req.headers['proxy-authorization'] === expectedAuth;
  const destination = (host: string, port: number) =>
    options.upstream ?? (isLoopback(host) ? { host, port } : undefined);

  const server = createServer((req, res) => {
    const target = req.url ?? '';
    const entry: ProxiedRequest = { method: req.method ?? '', target, headers: req.headers, outcome: 'forwarded' };
    requests.push(entry);
    if (!authorized(req)) {
      entry.outcome = 407;
      res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="test"', 'Content-Length': 0 }).end();
      return;
    }
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      entry.outcome = 400;
      res.writeHead(400, { 'Content-Length': 0 }).end();
      return;
    }
    const to = destination(url.hostname, Number(url.port || 80));
    if (!to) {
      entry.outcome = 403;
      res.writeHead(403, { 'Content-Length': 0 }).end();
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(
      { host: to.host, port: to.port, method: req.method, path: `${url.pathname}${url.search}`, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    const entry: ProxiedRequest = { method: 'CONNECT', target, headers: req.headers, outcome: 'forwarded' };
    requests.push(entry);
    if (!authorized(req)) {
      entry.outcome = 407;
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n',
      );
      return;
    }
    const { host, port } = splitHostPort(target, 443);
    const to = destination(host, port);
    if (!to) {
      entry.outcome = 403;
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const upstream = netConnect(to.port, to.host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });

  const sockets = trackSockets(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

export interface TlsFront {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** https://127.0.0.1:PORT with the given certificate, piping the decrypted stream to 127.0.0.1:upstreamPort. */
export async function startTlsFront(upstreamPort: number, cert: string, key: string): Promise<TlsFront> {
  const server = createTlsServer({ cert, key }, (tls) => {
    const upstream = netConnect(upstreamPort, '127.0.0.1');
    tls.pipe(upstream);
    upstream.pipe(tls);
    upstream.on('error', () => tls.destroy());
    tls.on('error', () => upstream.destroy());
  });
  const sockets = trackSockets(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** A loopback port with nothing listening: bound, closed, and handed back. */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
