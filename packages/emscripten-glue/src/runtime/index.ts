/**
 * What the glue's JS library calls into, bundled once into the program (a
 * --pre-js): picks the provider for the runtime it finds itself on, builds
 * the fd table with fds owned by Emscripten's FS, and hands the library one
 * syscall-shaped object. No socket semantics here: they are all in core.
 */
import {
  ErrnoError,
  LINUX_LP64_ABI,
  SocketSyscalls,
  SocketTable,
  linuxToEmscriptenErrno,
  type OptionAbi,
  type PolicySpec,
  type RawSocketProvider,
  NameResolver,
  type AsyncLookup,
} from '@rawsock/core';
import type * as NodeProviderModule from '@rawsock/node';
import { detectRuntime, type RuntimeName } from '../detect-runtime.js';
import { runtimeNameSources, type NameFiles } from './name-sources.js';
import { createNetdb, type Netdb } from './netdb.js';
import { resolvePolicy } from './policy-env.js';

/** What Module.rawsock may carry. */
export interface RawsockModuleOptions {
  /** A provider to use instead of the detected runtime's. */
  readonly provider?: RawSocketProvider;
  /** Network policy (spec or preset list); RAWSOCK_POLICY is read when absent. */
  readonly policy?: PolicySpec | string;
  /**
   * Resolves names for connects to getaddrinfo's placeholder addresses
   * (event-driven builds); default: the provider's lookup. A test hook, and
   * for embedders with their own resolver.
   */
  readonly lookup?: AsyncLookup;
  /** Other hosts/services files than /etc/hosts and /etc/services (tests). */
  readonly nameFiles?: NameFiles;
}

/** The library's view of the runtime. */
export interface GlueRuntime {
  readonly sys: SocketSyscalls;
  readonly table: SocketTable;
  /** Linux -errno → Emscripten's -errno. */
  errno(linuxNegative: number): number;
  /**
   * dup2/dup3/F_DUPFD: a second fd for `fd`'s socket at exactly `target`,
   * an fd number the FS has free. Returns `target` or -errno (Linux).
   */
  dupTo(fd: number, target: number, cloexec: boolean): number;
  /**
   * getaddrinfo & co. Blocking modes install a synchronous lookup with
   * `names.setSyncLookup(fn)` so names that need DNS get real answers.
   */
  readonly names: NameResolver;
  /** The asynchronous lookup a connect to a placeholder address uses. */
  readonly lookup: AsyncLookup;
  /** {@link names} in the shapes the netdb functions marshal. */
  readonly netdb: Netdb;
}

/** The parts of Emscripten's FS the runtime needs (fd allocation only). */
export interface GlueFs {
  /** Creates the FS stream for a new socket and returns its fd. */
  newSocketFd(): number;
  /** True if `fd` is an open FS stream that is not a socket. */
  isOtherFd(fd: number): boolean;
}

type ProviderClass = new () => RawSocketProvider;

/**
 * Each runtime's provider, loaded on first use: a require()d module stays
 * lazy in the bundle (esbuild runs its top level on the first require), so
 * a provider's load-time probes (node:net, Deno.*, Bun.*) run only when a
 * program opens a socket on that runtime — never for programs without
 * sockets. Deno's and Bun's are typed loosely: their sources need those
 * runtimes' own type definitions.
 */
const PROVIDERS: Record<RuntimeName, () => RawSocketProvider> = {
  node: () => new (require('@rawsock/node') as typeof NodeProviderModule).NodeProvider(),
  deno: () => new (require('@rawsock/deno') as { DenoProvider: ProviderClass }).DenoProvider(),
  bun: () => new (require('@rawsock/bun') as { BunProvider: ProviderClass }).BunProvider(),
};

/** Module.rawsock.provider wins; otherwise the detected runtime's (Deno, then Bun, then Node). */
function providerFor(options: RawsockModuleOptions): RawSocketProvider {
  if (options.provider) return options.provider;
  const runtime = detectRuntime();
  if (runtime) return PROVIDERS[runtime]();
  throw new Error('[rawsock] cannot open sockets: no supported runtime (Node.js, Deno, Bun) was detected; pass Module.rawsock = { provider }');
}

/** The policy resolved when the program started (see {@link startup}). */
let started: ReturnType<typeof resolvePolicy> | undefined;

/**
 * Run by the bundle as the program loads (before main): resolves
 * Module.rawsock.policy / RAWSOCK_POLICY so a malformed policy stops the
 * program at once with a `[rawsock]` message, never running it unguarded.
 */
export function startup(module: { rawsock?: RawsockModuleOptions } | undefined): void {
  started = resolvePolicy(module?.rawsock?.policy);
}

/** Builds the runtime; called once, on the first socket call. */
export function createGlueRuntime(fs: GlueFs, options: RawsockModuleOptions = {}, abi: OptionAbi = LINUX_LP64_ABI): GlueRuntime {
  const resolved = started ?? resolvePolicy(options.policy);
  // eslint-disable-next-line no-console -- the one place an embedder learns the variable was not read
  if (resolved.note) console.warn(`[rawsock] ${resolved.note}`);
  const policy = resolved.policy;
  const provider = providerFor(options);
  const table = new SocketTable({
    provider,
    allocateFd: () => fs.newSocketFd(),
    isOtherFd: (fd) => fs.isOtherFd(fd),
    ...(policy !== undefined ? { policy } : {}),
  });
  const dupTo = (fd: number, target: number, cloexec: boolean): number => {
    try {
      // The table's lowest free fd from `target` is `target` itself: every
      // socket fd is also an FS fd, and the FS has `target` free.
      const n = table.dup(fd, target);
      table.setCloexec(n, cloexec);
      return n;
    } catch (e) {
      if (e instanceof ErrnoError) return -e.errno;
      throw e;
    }
  };
  const names = new NameResolver(runtimeNameSources(options.nameFiles));
  const lookup: AsyncLookup = options.lookup ?? ((name, family) => provider.lookup(name, family));
  return { table, sys: new SocketSyscalls(table, { abi }), errno: linuxToEmscriptenErrno, dupTo, names, lookup, netdb: createNetdb(names, lookup) };
}
