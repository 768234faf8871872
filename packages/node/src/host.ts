/**
 * Typed views of the Node APIs rawsock feature-detects, since @types/node 20
 * does not describe them. Detection looks at the API itself, never at
 * version numbers, so a backport is picked up automatically.
 */
import dgram from 'node:dgram';
import net from 'node:net';

/** A bound-but-unadopted socket: https://nodejs.org/api/net.html#class-netboundsocket */
export interface BoundSocket {
  address(): { address: string; family: string; port: number } | string;
  close(): void;
}

export type BoundSocketOptions =
  | { host: string; port: number; ipv6Only?: boolean; reusePort?: boolean }
  | { path: string };

type BoundSocketConstructor = new (options: BoundSocketOptions) => BoundSocket;

/** `net.BoundSocket` where the running Node has it (synchronous TCP/unix bind). */
export const BoundSocketClass: BoundSocketConstructor | undefined = (() => {
  const ctor = (net as unknown as { BoundSocket?: unknown }).BoundSocket;
  return typeof ctor === 'function' ? (ctor as BoundSocketConstructor) : undefined;
})();

/** dgram.Socket with the synchronous bind/connect of newer Node versions. */
export interface SyncDgramSocket extends dgram.Socket {
  bindSync(options: { address?: string; port?: number }): { address: string; family: string; port: number };
  connectSync(port: number, address: string): void;
}

/** True when dgram.Socket has bindSync/connectSync. */
export const hasSyncDgram: boolean =
  typeof (dgram.Socket.prototype as Partial<SyncDgramSocket>).bindSync === 'function' &&
  typeof (dgram.Socket.prototype as Partial<SyncDgramSocket>).connectSync === 'function';

/**
 * SO_REUSEPORT: the Node builds that have net.BoundSocket pass `reusePort`
 * to uv_tcp_bind (UV_TCP_REUSEPORT), and their dgram.bindSync passes
 * UV_UDP_REUSEPORT. Older builds have neither flag in their libuv constants.
 */
export const hasReusePort: boolean = BoundSocketClass !== undefined && hasSyncDgram;
