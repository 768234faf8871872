/**
 * What the glue's JS library calls into, bundled once into the program (a
 * --pre-js): picks the provider for the runtime it finds itself on, builds
 * the fd table with fds owned by Emscripten's FS, and hands the library one
 * syscall-shaped object. No socket semantics here: they are all in core.
 */
import {
  LINUX_LP64_ABI,
  SocketSyscalls,
  SocketTable,
  linuxToEmscriptenErrno,
  type OptionAbi,
  type PolicySpec,
  type RawSocketProvider,
} from '@rawsock/core';
import { NodeProvider } from '@rawsock/node';
import { detectRuntime } from '../detect-runtime.js';

/** What Module.rawsock may carry. */
export interface RawsockModuleOptions {
  /** A provider to use instead of the detected runtime's. */
  readonly provider?: RawSocketProvider;
  /** Network policy (spec or preset list); RAWSOCK_POLICY is read when absent. */
  readonly policy?: PolicySpec | string;
}

/** The library's view of the runtime. */
export interface GlueRuntime {
  readonly sys: SocketSyscalls;
  readonly table: SocketTable;
  /** Linux -errno → Emscripten's -errno. */
  errno(linuxNegative: number): number;
}

/** The parts of Emscripten's FS the runtime needs (fd allocation only). */
export interface GlueFs {
  /** Creates the FS stream for a new socket and returns its fd. */
  newSocketFd(): number;
  /** True if `fd` is an open FS stream that is not a socket. */
  isOtherFd(fd: number): boolean;
}

function providerFor(options: RawsockModuleOptions): RawSocketProvider {
  if (options.provider) return options.provider;
  const runtime = detectRuntime();
  if (runtime === 'node') return new NodeProvider();
  throw new Error(
    `[rawsock] no provider for ${runtime ?? 'this runtime'} yet in this build; pass Module.rawsock = { provider } or run on Node.js`,
  );
}

function policyFromEnvironment(): string | undefined {
  const g = globalThis as { process?: { env?: Record<string, string | undefined> } };
  return g.process?.env?.RAWSOCK_POLICY || undefined;
}

/** Builds the runtime; called once, on the first socket call. */
export function createGlueRuntime(fs: GlueFs, options: RawsockModuleOptions = {}, abi: OptionAbi = LINUX_LP64_ABI): GlueRuntime {
  const policy = options.policy ?? policyFromEnvironment();
  const table = new SocketTable({
    provider: providerFor(options),
    allocateFd: () => fs.newSocketFd(),
    isOtherFd: (fd) => fs.isOtherFd(fd),
    ...(policy !== undefined ? { policy } : {}),
  });
  return { table, sys: new SocketSyscalls(table, { abi }), errno: linuxToEmscriptenErrno };
}
