/**
 * Who is on the other end of a loopback connection, on Linux: the kernel's
 * table of TCP sockets (/proc/net/tcp) names the owner (uid) of both ends.
 * The console's one-time address is answered only for a client of the same
 * user as stsenv: another local user who read the address from the process
 * list gets nothing, and is reported.
 */
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';

/** `0100007F:1F90` for 127.0.0.1:8080, as /proc/net/tcp writes an IPv4 address and port. */
function procAddress(address: string, port: number): string {
  const bytes = address.split('.').map(Number).reverse();
  return `${bytes
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase()}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
}

export interface PeerOwners {
  /** The owner of the client's end. */
  client: number;
  /** The owner of our end: stsenv itself. */
  server: number;
}

/** The owners of both ends of an accepted IPv4 connection, or undefined where the kernel does not say (not Linux). */
export function peerOwners(socket: Socket): PeerOwners | undefined {
  const { localAddress, localPort, remoteAddress, remotePort } = socket;
  if (!localAddress || !localPort || !remoteAddress || !remotePort || !/^\d+\.\d+\.\d+\.\d+$/.test(remoteAddress))
    return undefined;
  let table: string;
  try {
    table = readFileSync('/proc/net/tcp', 'utf8');
  } catch {
    return undefined;
  }
  const ours = procAddress(localAddress, localPort);
  const theirs = procAddress(remoteAddress, remotePort);
  let client: number | undefined;
  let server: number | undefined;
  for (const line of table.split('\n').slice(1)) {
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid ...
    const fields = line.trim().split(/\s+/);
    if (fields.length < 8) continue;
    if (fields[1] === theirs && fields[2] === ours) client = Number(fields[7]);
    else if (fields[1] === ours && fields[2] === theirs) server = Number(fields[7]);
  }
  return client !== undefined && server !== undefined ? { client, server } : undefined;
}
