/**
 * A typed view of the parts of the `Deno` namespace this provider uses.
 * The package compiles under plain `tsc` (no Deno types) and under
 * `deno check`, so the global is reached through `globalThis` with these
 * local types instead of `lib.deno.d.ts`. Shapes follow Deno 2's
 * `deno types` output (Deno.listen, Deno.connect, Deno.listenDatagram).
 */

export interface DenoNetAddr {
  readonly transport: 'tcp' | 'udp';
  readonly hostname: string;
  readonly port: number;
}

export interface DenoUnixAddr {
  readonly transport: 'unix' | 'unixpacket';
  /** null for an unnamed socket (a client that did not bind). */
  readonly path: string | null;
}

export type DenoAddr = DenoNetAddr | DenoUnixAddr;

export interface DenoConn {
  readonly localAddr: DenoAddr;
  readonly remoteAddr: DenoAddr;
  /** Bytes read, or null at EOF. */
  read(p: Uint8Array): Promise<number | null>;
  /** Bytes written; may be fewer than `p.byteLength`. */
  write(p: Uint8Array): Promise<number>;
  /** shutdown(SHUT_WR). */
  closeWrite(): Promise<void>;
  close(): void;
  /** TcpConn only. */
  setNoDelay?(noDelay?: boolean): void;
  /** TcpConn only. */
  setKeepAlive?(keepAlive?: boolean): void;
}

export interface DenoListener {
  readonly addr: DenoAddr;
  accept(): Promise<DenoConn>;
  close(): void;
}

export interface DenoMembership {
  leave(): Promise<void>;
  setLoopback(loopback: boolean): Promise<void>;
  /** IPv4 memberships only. */
  setTTL?(ttl: number): Promise<void>;
}

export interface DenoDatagramConn {
  readonly addr: DenoAddr;
  receive(p?: Uint8Array): Promise<[Uint8Array, DenoAddr]>;
  send(p: Uint8Array, addr: DenoNetAddr): Promise<number>;
  joinMulticastV4(address: string, networkInterface: string): Promise<DenoMembership>;
  joinMulticastV6(address: string, networkInterface: number): Promise<DenoMembership>;
  close(): void;
}

export interface DenoTcpListenOptions {
  transport?: 'tcp';
  hostname: string;
  port: number;
  /** Needs --unstable-net. */
  reusePort?: boolean;
}

export interface DenoUnixListenOptions {
  transport: 'unix';
  path: string;
}

export interface DenoUdpListenOptions {
  transport: 'udp';
  hostname: string;
  port: number;
  reuseAddress?: boolean;
  loopback?: boolean;
}

export interface DenoConnectOptions {
  transport?: 'tcp';
  hostname: string;
  port: number;
  signal?: unknown;
  autoSelectFamily?: boolean;
}

export interface DenoUnixConnectOptions {
  transport: 'unix';
  path: string;
}

export interface DenoPermissionStatus {
  readonly state: 'granted' | 'denied' | 'prompt';
}

export interface DenoNamespace {
  readonly build: { readonly os: string };
  readonly version: { readonly deno: string };
  listen(options: DenoTcpListenOptions | DenoUnixListenOptions): DenoListener;
  connect(options: DenoConnectOptions | DenoUnixConnectOptions): Promise<DenoConn>;
  /** Only present with --unstable-net. */
  listenDatagram?(options: DenoUdpListenOptions): DenoDatagramConn;
  readonly permissions?: { querySync?(desc: { name: 'net'; host?: string }): DenoPermissionStatus };
}

/** The host functions used besides `Deno` (every target runtime has them). */
interface HostGlobals {
  Deno?: DenoNamespace;
  queueMicrotask(callback: () => void): void;
  setTimeout(callback: () => void, ms: number): unknown;
  AbortController: new () => { readonly signal: unknown; abort(): void };
}

const host = globalThis as unknown as HostGlobals;

/** The Deno namespace; throws a `[rawsock]` error elsewhere. */
export function denoNamespace(): DenoNamespace {
  const d = host.Deno;
  if (d === undefined || typeof d.listen !== 'function') {
    throw new Error('[rawsock] @rawsock/deno runs on Deno only; on Node.js use @rawsock/node, on Bun use @rawsock/bun');
  }
  return d;
}

export function microtask(callback: () => void): void {
  host.queueMicrotask(callback);
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => host.setTimeout(resolve, ms));
}

export function abortController(): { readonly signal: unknown; abort(): void } {
  return new host.AbortController();
}
