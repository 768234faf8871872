/**
 * The bridge's serving side: runs where the sockets live (a worker), takes
 * one request at a time, performs it with blocking semantics and writes the
 * answer into shared memory, then wakes the caller.
 */
import type { BlockingSyscalls } from '../blocking.js';
import { E } from '../errno.js';
import { monotonicMs, nextLoopTurn, sleep, utf8 } from '../host.js';
import { ADDR_BYTES, HEADER_BYTES, SERVER_GONE, SERVER_READY, SLOT, STATE_ANSWER, type BridgeRequest } from './protocol.js';

interface AtomicsHost {
  store(a: Int32Array, i: number, v: number): number;
  notify(a: Int32Array, i: number, count?: number): number;
}

/** How a serving thread answers. */
export interface BridgeServeOptions {
  /**
   * Keep the serving thread's event loop turning (setImmediate) for 50 µs
   * after each answer, so the next request finds it awake (default true).
   * Pass false on Deno: there these turns delay the next request's message
   * instead (a bare round trip took 63–75 µs with them, 34–40 µs without,
   * `@rawsock/deno/sync`, Deno 2.9).
   */
  readonly keepLoopWarm?: boolean;
}

/**
 * Performs one request and publishes the answer. `beforeAnswer` runs after
 * the call and before the caller wakes (the socket worker publishes the
 * readiness of what the call changed there, so the caller never sees
 * readiness older than the answer).
 */
export async function answerBridgeRequest(
  memory: SharedArrayBuffer,
  blocking: BlockingSyscalls,
  req: BridgeRequest,
  beforeAnswer?: (result: number) => void | Promise<void>,
  options: BridgeServeOptions = {},
): Promise<void> {
  const header = new Int32Array(memory, 0, HEADER_BYTES / 4);
  const addr = new Uint8Array(memory, HEADER_BYTES, ADDR_BYTES);
  const payload = new Uint8Array(memory, HEADER_BYTES + ADDR_BYTES);
  // Input bytes the caller staged in the shared memory (see protocol.ts).
  // Views, not copies: the core copies what it keeps as it takes it (as
  // from wasm memory), and nothing rewrites these regions before this
  // request's answer (the caller waits for it; no op with input bytes
  // writes output bytes).
  const staged = (region: Uint8Array, length: number | undefined) => (length && length > 0 ? region.subarray(0, Math.min(length, region.byteLength)) : undefined);
  const data = req.data ?? staged(payload, header[SLOT.requestData]);
  const inAddr = req.addr ?? staged(addr, header[SLOT.requestAddr]);
  const sys = blocking.sys;
  const a = req.args;
  const n = (i: number) => a[i] ?? 0;
  let result: number;
  let payloadLength = 0;
  try {
    switch (req.op) {
      case 'socket':
        result = sys.socket(n(0), n(1), n(2));
        break;
      case 'socketpair': {
        const fds = [0, 0];
        result = sys.socketpair(n(0), n(1), n(2), fds);
        header[SLOT.value] = fds[0] as number;
        header[SLOT.optlen] = fds[1] as number;
        break;
      }
      case 'bind':
        result = sys.bind(n(0), inAddr ?? new Uint8Array(0), n(1));
        break;
      case 'connect':
        result = await blocking.connect(n(0), inAddr ?? new Uint8Array(0), n(1));
        break;
      case 'listen':
        result = sys.listen(n(0), n(1));
        break;
      case 'accept4':
        result = await blocking.accept4(n(0), addr, ADDR_BYTES, n(1));
        break;
      case 'sendto':
        // args[3]: bytes of the same send(2) earlier pieces moved (see BlockingSyscalls.sendto).
        result = await blocking.sendto(n(0), data ?? new Uint8Array(0), n(1), inAddr ?? null, n(2), n(3));
        break;
      case 'recvfrom': {
        const max = Math.min(n(1), payload.byteLength);
        result = await blocking.recvfrom(n(0), payload.subarray(0, max), n(2), addr, ADDR_BYTES);
        payloadLength = result > 0 ? Math.min(result, max) : 0;
        break;
      }
      case 'shutdown':
        result = sys.shutdown(n(0), n(1));
        break;
      // The caller's address length travels along only so a negative one gets
      // the core's EINVAL; the address itself comes back whole.
      case 'getsockname':
        result = sys.getsockname(n(0), addr, n(1) < 0 ? n(1) : ADDR_BYTES);
        break;
      case 'getpeername':
        result = sys.getpeername(n(0), addr, n(1) < 0 ? n(1) : ADDR_BYTES);
        break;
      case 'getsockopt':
        result = sys.getsockopt(n(0), n(1), n(2), payload, Math.min(n(3), payload.byteLength));
        payloadLength = sys.out.optlen;
        break;
      case 'setsockopt':
        result = sys.setsockopt(n(0), n(1), n(2), data ?? new Uint8Array(0));
        break;
      case 'ioctl':
        result = sys.ioctl(n(0), n(1), n(2));
        break;
      case 'fcntl':
        result = sys.fcntl(n(0), n(1), n(2));
        break;
      case 'close':
        result = sys.close(n(0));
        break;
      case 'dup':
        result = sys.dup(n(0));
        break;
      case 'dupto':
        try {
          result = sys.table.dup(n(0), n(1));
          sys.table.setCloexec(result, n(2) !== 0);
        } catch (e) {
          result = -((e as { errno?: number }).errno ?? E.EIO);
        }
        break;
      case 'poll': {
        // args: timeout, then fd/events pairs; revents come back as Int32s in the payload.
        const requests = [];
        for (let i = 1; i + 1 < a.length; i += 2) requests.push({ fd: n(i), events: n(i + 1) });
        const revents = new Int32Array(requests.length);
        result = await blocking.poll(requests, revents, n(0));
        payload.set(new Uint8Array(revents.buffer));
        payloadLength = revents.byteLength;
        break;
      }
      case 'lookup': {
        const family = (['any', 'ipv4', 'ipv6'] as const)[n(0)] ?? 'any';
        try {
          const found = await sys.table.context.provider.lookup(req.text ?? '', family);
          const text = utf8(found.map((f) => f.address).join('\n'));
          const len = Math.min(text.byteLength, payload.byteLength);
          payload.set(text.subarray(0, len));
          payloadLength = len;
          result = found.length;
        } catch (e) {
          result = -((e as { errno?: number }).errno ?? E.EIO);
        }
        break;
      }
      case 'drain': {
        // The serving thread ends with the program, and with it whatever the
        // host has not written yet (Deno's writes are asynchronous); the
        // kernel would send it after the process is gone. The process's end
        // closes every fd, as on Linux; the bytes go out while they move, and
        // a stream whose peer took none for n(0) ms is reset (a peer that
        // never reads must not hold the exit for ever).
        sys.table.closeAll();
        sys.table.programEnded(n(0));
        while ((result = sys.table.unsentBytes()) > 0) await sleep(2);
        break;
      }
      default:
        result = -E.ENOSYS;
    }
  } catch {
    result = -E.EIO;
  }
  header[SLOT.result] = result;
  header[SLOT.addrlen] = sys.out.addrlen;
  header[SLOT.msgFlags] = sys.out.msgFlags;
  if (req.op !== 'socketpair') {
    header[SLOT.optlen] = sys.out.optlen;
    header[SLOT.value] = sys.out.value;
  }
  header[SLOT.payloadLength] = payloadLength;
  try {
    await beforeAnswer?.(result);
  } catch {
    // Publishing readiness must never keep the caller waiting.
  }
  const atomics = (globalThis as unknown as { Atomics: AtomicsHost }).Atomics;
  atomics.store(header, SLOT.state, STATE_ANSWER);
  atomics.notify(header, SLOT.state);
  if (options.keepLoopWarm !== false) keepLoopWarm();
}

/**
 * How long the serving thread's event loop keeps turning without sleeping
 * after an answer (ms). The caller's next request usually comes within
 * tens of µs, and a thread woken from its event loop's sleep costs about
 * as much again on an idle machine.
 */
const WARM_MS = 0.05;
let warmUntil = 0;
let warming = false;

function turn(): void {
  if (monotonicMs() < warmUntil) nextLoopTurn?.(turn);
  else warming = false;
}

function keepLoopWarm(): void {
  if (!nextLoopTurn) return;
  warmUntil = monotonicMs() + WARM_MS;
  if (warming) return;
  warming = true;
  nextLoopTurn(turn);
}

/**
 * Serves requests as they arrive, strictly one after another (the caller
 * is blocked until each answer, so there is never more than one).
 */
export function createBridgeServer(memory: SharedArrayBuffer, blocking: BlockingSyscalls, options: BridgeServeOptions = {}): (req: BridgeRequest) => void {
  let chain: Promise<void> = Promise.resolve();
  setServerState(memory, SERVER_READY);
  return (req) => {
    chain = chain.then(() => answerBridgeRequest(memory, blocking, req, undefined, options));
  };
}

/**
 * Publishes the serving thread's state; SERVER_GONE also answers a waiting
 * call with EIO, so a caller never waits on a thread that died.
 */
export function setServerState(memory: SharedArrayBuffer, state: number): void {
  const header = new Int32Array(memory, 0, HEADER_BYTES / 4);
  const atomics = (globalThis as unknown as { Atomics: AtomicsHost }).Atomics;
  atomics.store(header, SLOT.server, state);
  atomics.notify(header, SLOT.server);
  if (state === SERVER_GONE) {
    header[SLOT.result] = -E.EIO;
    atomics.store(header, SLOT.state, STATE_ANSWER);
    atomics.notify(header, SLOT.state);
  }
}
