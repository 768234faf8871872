/**
 * @rawsock/core — the runtime-agnostic POSIX socket state machine.
 *
 * - {@link RawSockets}: the plain-JS API for embedders.
 * - {@link SocketSyscalls}: the syscall-shaped interface for libc glue.
 * - {@link RawSocketProvider}: what a runtime must offer (see @rawsock/node,
 *   @rawsock/deno, @rawsock/bun) and {@link MemoryProvider}, a virtual network.
 *
 * @module @rawsock/core
 */
export * from './errno.js';
export * from './constants.js';
export * from './address.js';
export * from './host-address.js';
export type * from './provider.js';
export * from './sockaddr.js';
export * from './buffers.js';
export { DEFAULT_LIMITS, type CoreLimits } from './limits.js';
export type { SocketState, StateTransition } from './socket/state.js';
export { getOption, setOption, optionName, type OptionValue, type OptionKind, type LingerValue, type TimevalValue, type MembershipValue } from './options.js';
export { decodeOption, encodeOption, LINUX_LP64_ABI, type OptionAbi, type TimevalLayout } from './option-codec.js';
export { SocketTable, domainFromNumber, type SocketTableOptions, type PollRequest, type AnySocket, type SubscribeOptions } from './table.js';
export { SocketSyscalls, type SyscallOut, type SyscallOptions } from './syscalls.js';
export { RawSockets, type Result, type ReceivedMessage, type Accepted, type DomainName, type SocketTypeName } from './api.js';
export { StreamSocket } from './socket/stream.js';
export { DatagramSocket, type DatagramReceipt } from './socket/datagram.js';
export * from './memory/index.js';
export * from './policy/index.js';
export { BlockingSyscalls } from './blocking.js';
export * from './bridge/index.js';
export * from './names/index.js';
