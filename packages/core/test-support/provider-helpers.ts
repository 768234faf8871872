/**
 * Helpers for provider tests on real loopback sockets, shared by the Node and
 * Bun suites (both run TypeScript that imports this file by path). Only
 * globals every runtime has (setTimeout, TextDecoder): no runtime imports.
 */
import type {
  BindOptions,
  DatagramEvents,
  InetAddress,
  RawSocketProvider,
  SocketAddress,
  StreamConnection,
  StreamEndpoint,
  StreamEvents,
} from '../src/index.js';

export const NO_FLAGS: BindOptions = { reuseAddr: false, reusePort: false, ipv6Only: false };
export const REUSE: BindOptions = { reuseAddr: true, reusePort: false, ipv6Only: false };
export const LOOP4 = (port = 0): InetAddress => ({ family: 'ipv4', address: '127.0.0.1', port });
export const LOOP6 = (port = 0): InetAddress => ({ family: 'ipv6', address: '::1', port });

/** Rejects if `p` does not settle within `ms`. */
export function within<T>(p: Promise<T>, ms = 5000, what = 'operation'): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Calls `fn` and returns what it threw (fails if it did not throw). */
export function thrown(fn: () => unknown): { errno?: number; code?: string; name?: string } {
  try {
    fn();
  } catch (err) {
    return err as { errno?: number; code?: string; name?: string };
  }
  throw new Error('expected a throw');
}

/** All chunks as one byte array. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Resolves waiters whenever a recorder sees an event and their condition holds. */
class Waiters {
  private waiters: Array<() => void> = [];
  notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }
  until(cond: () => boolean, ms: number, what: string): Promise<void> {
    return within(
      new Promise<void>((resolve) => {
        const check = () => (cond() ? resolve() : this.waiters.push(check));
        check();
      }),
      ms,
      what,
    );
  }
}

/** StreamEvents that record everything. */
export class StreamRecorder implements StreamEvents {
  chunks: Uint8Array[] = [];
  received = 0;
  written = 0;
  ended = false;
  errors: number[] = [];
  closed = 0;
  log: string[] = [];
  private readonly w = new Waiters();

  onData(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.received += chunk.byteLength;
    this.log.push(`data ${chunk.byteLength}`);
    this.w.notify();
  }
  onEnd(): void {
    this.ended = true;
    this.log.push('end');
    this.w.notify();
  }
  onWritten(bytes: number): void {
    this.written += bytes;
    this.w.notify();
  }
  /**
   * `conn.write(bytes)`, counting what the host wrote at once (write()'s
   * result) into `written` as onWritten counts the rest: `written` is then
   * every byte reported written, once.
   */
  write(conn: StreamConnection, bytes: Uint8Array): void {
    const now = conn.write(bytes);
    if (typeof now === 'number') this.written += now;
    this.w.notify();
  }
  onError(errno: number): void {
    this.errors.push(errno);
    this.log.push(`error ${errno}`);
    this.w.notify();
  }
  onClose(): void {
    this.closed++;
    this.log.push('close');
    this.w.notify();
  }
  bytes(): Uint8Array {
    return concatBytes(this.chunks);
  }
  text(): string {
    return new TextDecoder().decode(this.bytes());
  }
  until(cond: (r: this) => boolean, what: string, ms = 5000): Promise<void> {
    return this.w.until(() => cond(this), ms, what);
  }
}

/** DatagramEvents that record everything. */
export class DatagramRecorder implements DatagramEvents {
  messages: Array<{ data: string; from: InetAddress }> = [];
  errors: number[] = [];
  private readonly w = new Waiters();
  onMessage(data: Uint8Array, from: InetAddress): void {
    this.messages.push({ data: new TextDecoder().decode(data), from });
    this.w.notify();
  }
  onError(errno: number): void {
    this.errors.push(errno);
    this.w.notify();
  }
  until(cond: (r: this) => boolean, what: string, ms = 5000): Promise<void> {
    return this.w.until(() => cond(this), ms, what);
  }
}

/** listen/connect/pair helpers bound to one provider. */
export function providerHelpers(provider: RawSocketProvider) {
  /** A listening endpoint and the connections it accepted, in order. */
  function listen(address: SocketAddress, backlog = 16, endpoint?: StreamEndpoint) {
    const ep = endpoint ?? provider.createStream(address.family);
    if (!endpoint) ep.bind(address, NO_FLAGS);
    const accepted: StreamConnection[] = [];
    const errors: number[] = [];
    const w = new Waiters();
    const local = ep.listen(
      backlog,
      (c) => {
        accepted.push(c);
        w.notify();
      },
      (errno) => {
        errors.push(errno);
        w.notify();
      },
    );
    return {
      endpoint: ep,
      address: local,
      accepted,
      errors,
      /** The n-th accepted connection (0-based). */
      accept: async (n = 0) => {
        await w.until(() => accepted.length > n, 5000, 'accept');
        return accepted[n] as StreamConnection;
      },
    };
  }

  /** Connects; resolves with the connection or rejects with an Error carrying the errno. */
  function connect(address: SocketAddress, endpoint?: StreamEndpoint): Promise<StreamConnection> {
    const ep = endpoint ?? provider.createStream(address.family);
    return within(
      new Promise<StreamConnection>((resolve, reject) => {
        ep.connect(address, {
          onConnect: resolve,
          onError: (errno) => reject(Object.assign(new Error(`connect errno ${errno}`), { errno })),
        });
      }),
      5000,
      'connect',
    );
  }

  /** The errno a connect fails with (fails the test if it connects). */
  async function connectErrno(address: SocketAddress, endpoint?: StreamEndpoint): Promise<number> {
    try {
      const conn = await connect(address, endpoint);
      conn.reset();
    } catch (err) {
      return (err as { errno: number }).errno;
    }
    throw new Error('expected the connect to fail');
  }

  /** Accepted + connected pair over a loopback listener, both started with recorders. */
  async function pair(address: SocketAddress = LOOP4()) {
    const l = listen(address);
    const client = await connect(l.address);
    const server = await l.accept();
    const c = new StreamRecorder();
    const s = new StreamRecorder();
    client.start(c);
    server.start(s);
    return { listener: l, client, server, c, s };
  }

  /** True when an IPv6 loopback socket can be bound here. */
  function ipv6Available(): boolean {
    try {
      const d = provider.createDatagram('ipv6');
      d.bind(LOOP6(), NO_FLAGS);
      d.close();
      return true;
    } catch {
      return false;
    }
  }

  return { listen, connect, connectErrno, pair, ipv6Available };
}
