/** Small helpers for the provider-level tests (no test library needed). */
import { E, ErrnoError, errnoName, type InetAddress, type SocketAddress, type StreamConnection, type StreamEndpoint } from '@rawsock/core';
import type { DenoProvider } from '../src/index.ts';

export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

export function assertEquals<T>(actual: T, expected: T, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

/** The ErrnoError `fn` throws; fails if it returns or throws something else. */
export function thrown(fn: () => unknown, what: string): ErrnoError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ErrnoError) return err;
    throw new Error(`${what}: expected an ErrnoError, got ${String(err)}`);
  }
  throw new Error(`${what}: expected an ErrnoError, got none`);
}

export function assertErrno(err: ErrnoError | number, name: keyof typeof E, what: string): void {
  const errno = typeof err === 'number' ? err : err.errno;
  if (errno !== E[name]) throw new Error(`${what}: expected ${name}, got ${errnoName(errno) ?? errno}`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `cond` until true or fails after `ms`. */
export async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

export const NO_REUSE = { reuseAddr: false, reusePort: false, ipv6Only: false } as const;
export const REUSE_ADDR = { reuseAddr: true, reusePort: false, ipv6Only: false } as const;
export const loopback4 = (port = 0): InetAddress => ({ family: 'ipv4', address: '127.0.0.1', port });

/** A StreamConnection started with recording callbacks. */
export class Recorder {
  readonly chunks: Uint8Array[] = [];
  received = 0;
  written = 0;
  ended = false;
  closed = false;
  errors: number[] = [];

  constructor(readonly conn: StreamConnection) {
    conn.start({
      onData: (chunk) => {
        this.chunks.push(chunk);
        this.received += chunk.byteLength;
      },
      onEnd: () => {
        this.ended = true;
      },
      onWritten: (bytes) => {
        this.written += bytes;
      },
      onError: (errno) => {
        this.errors.push(errno);
      },
      onClose: () => {
        this.closed = true;
      },
    });
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.received);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.byteLength;
    }
    return out;
  }

  text(): string {
    return new TextDecoder().decode(this.bytes());
  }
}

/** Starts listening on `endpoint`; accepted connections arrive (paused) in the returned array. */
export function listenOn(endpoint: StreamEndpoint, backlog = 16): { address: SocketAddress; accepted: StreamConnection[]; errors: number[] } {
  const accepted: StreamConnection[] = [];
  const errors: number[] = [];
  const address = endpoint.listen(backlog, (c) => accepted.push(c), (e) => errors.push(e));
  return { address, accepted, errors };
}

/** Connects `endpoint` to `address`; resolves with the connection or rejects with the errno. */
export function connectTo(endpoint: StreamEndpoint, address: SocketAddress): Promise<StreamConnection> {
  return new Promise((resolve, reject) =>
    endpoint.connect(address, {
      onConnect: resolve,
      onError: (errno) => reject(new ErrnoError(errno, `connect to ${JSON.stringify(address)}`)),
    }),
  );
}

/** A connected TCP pair through the provider: [client, server], neither started. */
export async function tcpPair(p: DenoProvider): Promise<{ client: StreamConnection; server: StreamConnection; close(): void }> {
  const l = p.createStream('ipv4');
  l.bind(loopback4(), NO_REUSE);
  const { address, accepted } = listenOn(l);
  const c = p.createStream('ipv4');
  const client = await connectTo(c, address);
  await until(() => accepted.length > 0, 'accept');
  const server = accepted[0] as StreamConnection;
  return {
    client,
    server,
    close: () => {
      client.close();
      server.close();
      l.close();
    },
  };
}

export function pattern(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export const utf8 = (s: string) => new TextEncoder().encode(s);
