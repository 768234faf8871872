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
 */
import { MSG_DONTWAIT, type BlockingSyscalls, type PollRequest, type SocketSyscalls, type SocketTable } from '@rawsock/core';
import type { GlueSyscalls } from './bridged-syscalls.js';

/** Runs `start` with the wasm stack suspended; returns its number once resumed. */
export type Suspend = (start: () => Promise<number>) => number;

/** SocketSyscalls with the waiting calls routed through `suspend`. */
export function suspendingSyscalls(sys: SocketSyscalls, blocking: BlockingSyscalls, table: SocketTable, suspend: Suspend): GlueSyscalls {
  const blocks = (fd: number, flags = 0): boolean => !(flags & MSG_DONTWAIT) && table.has(fd) && !table.get(fd).nonBlocking;
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

/** poll(2) that suspends up to `timeoutMs` for one of `requests`; resolves to the ready count. */
export function suspendingWait(blocking: BlockingSyscalls, suspend: Suspend): (requests: readonly PollRequest[], timeoutMs: number) => number {
  return (requests, timeoutMs) => suspend(() => blocking.poll(requests, new Array<number>(requests.length), timeoutMs));
}
