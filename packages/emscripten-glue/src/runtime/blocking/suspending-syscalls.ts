/**
 * The glue's syscall interface in `suspend` mode (builds linked with
 * -sASYNCIFY): the calls that can wait (connect, accept4, recvfrom,
 * sendto) on a blocking fd run core's BlockingSyscalls and suspend the wasm
 * stack until its promise settles (Emscripten's Asyncify.handleAsync, passed
 * in by the JS library); everything else — and every call on a
 * non-blocking fd or with MSG_DONTWAIT — is core's SocketSyscalls as is.
 *
 * Asyncify re-enters the JS import when the stack is rewound: the call made
 * while unwinding returns a placeholder the glue's marshalling ignores, the
 * re-entered one returns the settled value.
 * https://emscripten.org/docs/porting/asyncify.html
 * JSPI builds (-sJSPI) get the same two calls from rawsock_jspi.c and
 * library_rawsock_jspi.js. There only main's stack can suspend: a blocking
 * call from a socket callback or a main-loop iteration gets the
 * non-blocking answer, with a one-time warning, instead of a JSPI trap.
 */
import { MSG_DONTWAIT, type BlockingSyscalls, type PollRequest, type SocketSyscalls, type SocketTable } from '@rawsock/core';
import type { GlueSyscalls } from './bridged-syscalls.js';

/** Runs `start` with the wasm stack suspended; returns its number once resumed. */
export type Suspend = (start: () => Promise<number>) => number;

/** How a suspend-mode build suspends, and whether it can at this moment. */
export interface Suspension {
  readonly suspend: Suspend;
  /** False where a wait cannot suspend (JSPI: outside main's stack); absent: always can. */
  readonly canSuspend?: () => boolean;
  /** Told once when a blocking call could not wait (defaults to console.warn). */
  readonly warn?: (message: string) => void;
  /** What `warn` is told (defaults to {@link CANNOT_SUSPEND_WARNING}). */
  readonly cannotWait?: string;
}

/** The warning printed once when a JSPI build's blocking call cannot suspend. */
export const CANNOT_SUSPEND_WARNING =
  "[rawsock] a blocking socket call outside main (in a socket callback or a main-loop iteration) cannot suspend a -sJSPI build: it returned at once (EAGAIN/EINPROGRESS; poll, select and epoll_wait did not wait). Make blocking calls from main, or use non-blocking sockets there.";

/** The warning printed once when a -sPROXY_TO_PTHREAD build's blocking call on the main thread (a socket callback) cannot wait. */
export const CANNOT_WAIT_ON_MAIN_WARNING =
  "[rawsock] a blocking socket call on the main JS thread of a -sPROXY_TO_PTHREAD build (in a socket callback) cannot wait: the main thread runs every thread's sockets. It returned at once (EAGAIN/EINPROGRESS; poll, select and epoll_wait did not wait). Make blocking calls from threads (main runs in one), or use non-blocking sockets there.";

const checks = new WeakMap<Suspension, () => boolean>();

/** True unless the build says it cannot suspend now; warns once per Suspension when it cannot. */
function suspensionCheck(s: Suspension): () => boolean {
  const known = checks.get(s);
  if (known) return known;
  let warned = false;
  const check = (): boolean => {
    if (!s.canSuspend || s.canSuspend()) return true;
    if (!warned) {
      warned = true;
      // eslint-disable-next-line no-console -- the program's stderr is where it learns why a call did not block
      (s.warn ?? console.warn)(s.cannotWait ?? CANNOT_SUSPEND_WARNING);
    }
    return false;
  };
  checks.set(s, check);
  return check;
}

/** SocketSyscalls with the waiting calls routed through `suspend`. */
export function suspendingSyscalls(sys: SocketSyscalls, blocking: BlockingSyscalls, table: SocketTable, suspension: Suspension): GlueSyscalls {
  const suspend = suspension.suspend;
  const can = suspensionCheck(suspension);
  const blocks = (fd: number, flags = 0): boolean => !(flags & MSG_DONTWAIT) && table.has(fd) && !table.get(fd).nonBlocking && can();
  const proxy = Object.create(sys) as GlueSyscalls;
  return Object.assign(proxy, {
    connect: (fd: number, addr: Uint8Array, addrlen: number) => (blocks(fd) ? suspend(() => blocking.connect(fd, addr, addrlen)) : sys.connect(fd, addr, addrlen)),
    accept4: (fd: number, addrOut: Uint8Array | null, addrOutLen: number, flags: number) =>
      blocks(fd) ? suspend(() => blocking.accept4(fd, addrOut, addrOutLen, flags)) : sys.accept4(fd, addrOut, addrOutLen, flags),
    recvfrom: (fd: number, buf: Uint8Array, flags: number, addrOut: Uint8Array | null, addrOutLen: number) =>
      blocks(fd, flags) ? suspend(() => blocking.recvfrom(fd, buf, flags, addrOut, addrOutLen)) : sys.recvfrom(fd, buf, flags, addrOut, addrOutLen),
    sendto: (fd: number, data: Uint8Array, flags: number, addr: Uint8Array | null, addrlen: number) =>
      blocks(fd, flags) ? suspend(() => blocking.sendto(fd, data, flags, addr, addrlen)) : sys.sendto(fd, data, flags, addr, addrlen),
  });
}

/**
 * poll(2) that suspends up to `timeoutMs` for one of `requests`; resolves to
 * the ready count. Where it cannot suspend it does not wait (0: the caller
 * looks again and answers at once).
 */
export function suspendingWait(blocking: BlockingSyscalls, suspension: Suspension): (requests: readonly PollRequest[], timeoutMs: number) => number {
  const can = suspensionCheck(suspension);
  return (requests, timeoutMs) => (can() ? suspension.suspend(() => blocking.poll(requests, new Array<number>(requests.length), timeoutMs)) : 0);
}
