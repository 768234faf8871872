/**
 * The synchronous bridge's wire format. Requests travel by message (a
 * structured clone); answers come back in a SharedArrayBuffer the caller
 * waits on with Atomics.wait, so the caller's thread blocks for real while
 * the sockets live on in another thread's event loop.
 *
 * Layout: an Int32 header, the address region, then the payload region.
 * An answer's output bytes (received data, addresses, option values, poll
 * results) come back there; a request's input bytes (data to send, option
 * values, a sockaddr) go there too rather than in the message, because
 * Deno's worker_threads postMessage copies a Uint8Array at about 140 ns a
 * byte (9 ms for 64 KiB, where Node and Bun take tens of µs).
 */

/** Header slots (Int32 indexes). */
export const SLOT = {
  /** 0 idle, 1 request in flight, 2 answer ready. */
  state: 0,
  result: 1,
  addrlen: 2,
  msgFlags: 3,
  optlen: 4,
  value: 5,
  /** Bytes of payload written. */
  payloadLength: 6,
  /** Offset in the payload where the address output starts. */
  addrOffset: 7,
  /** The serving thread: 0 starting, 1 ready, 2 gone. */
  server: 8,
  /** A request's data bytes at the start of the payload region (when the message carries no `data`). */
  requestData: 9,
  /** A request's sockaddr bytes at the start of the address region (when the message carries no `addr`). */
  requestAddr: 10,
} as const;

/** The serving thread is starting. */
export const SERVER_STARTING = 0;
/** The serving thread answers calls. */
export const SERVER_READY = 1;
/** The serving thread has stopped; calls fail. */
export const SERVER_GONE = 2;

export const STATE_IDLE = 0;
export const STATE_REQUEST = 1;
export const STATE_ANSWER = 2;

/** Bytes before the payload region. */
export const HEADER_BYTES = 64;

/** Default payload capacity: the largest single receive the bridge carries. */
export const DEFAULT_PAYLOAD_BYTES = 1024 * 1024;

/** Room reserved in the payload for an address (sockaddr_storage). */
export const ADDR_BYTES = 128;

/** The calls the bridge carries. Each mirrors a SocketSyscalls/BlockingSyscalls method. */
export type BridgeOp =
  | 'socket'
  | 'socketpair'
  | 'bind'
  | 'connect'
  | 'listen'
  | 'accept4'
  | 'sendto'
  | 'recvfrom'
  | 'shutdown'
  | 'getsockname'
  | 'getpeername'
  | 'getsockopt'
  | 'setsockopt'
  | 'ioctl'
  | 'fcntl'
  | 'close'
  | 'dup'
  /** dup to exactly fd args[1] (free in the caller's fd space), FD_CLOEXEC if args[2]. */
  | 'dupto'
  | 'poll'
  | 'lookup'
  /** The program is ending: wait up to args[0] ms until the open streams' bytes are written; result: bytes still unwritten. */
  | 'drain';

/**
 * One request. `args` are numbers; `data`/`addr` carry input bytes, or are
 * left out when the caller wrote them into the shared memory
 * (`SLOT.requestData`/`SLOT.requestAddr` give their lengths).
 */
export interface BridgeRequest {
  /** The call. */
  readonly op: BridgeOp;
  /** Its numeric arguments, in the syscall's order. */
  readonly args: readonly number[];
  /** Bytes to send or an option value. */
  readonly data?: Uint8Array;
  /** A sockaddr argument. */
  readonly addr?: Uint8Array;
  /** A host name to resolve. */
  readonly text?: string;
  /**
   * Fd numbers the caller has free, in order, for a call that creates fds
   * (socket, accept4, socketpair, dup): where the caller owns the fd space
   * (an Emscripten FS), the serving side allocates from these.
   */
  readonly reserve?: readonly number[];
}

/** Creates the shared memory for one bridge. */
export function createBridgeMemory(payloadBytes = DEFAULT_PAYLOAD_BYTES): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + ADDR_BYTES + payloadBytes);
}
