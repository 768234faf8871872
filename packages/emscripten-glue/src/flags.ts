/**
 * Link-time selection, decided in one place: given the emcc version and the
 * user's arguments, what rawsock-emcc adds (and removes). Nothing else about
 * the build is touched.
 */

/** An emcc version. */
export interface EmccVersion {
  /** Major version. */
  readonly major: number;
  /** Minor version. */
  readonly minor: number;
  /** Patch version. */
  readonly patch: number;
}

/** Files of the glue, by absolute path. */
export interface GluePaths {
  /** The JS libraries (--js-library), in order. */
  readonly libraries: readonly string[];
  /** The runtime bundle (--pre-js). */
  readonly runtime: string;
  /** The libc shim, compiled into every link. */
  readonly shim: string;
  /** Further C sources linked after the shim (rawsock_names.c: getaddrinfo & co.). */
  readonly sources?: readonly string[];
  /** rawsock_jspi.c, linked into -sJSPI builds only (their suspend mode). */
  readonly jspi?: string;
  /**
   * rawsock_pthread_start.js, a --pre-js of -pthread builds only: starts
   * their threads on Deno and Bun (see {@link pthreadWorkerTwin}).
   */
  readonly pthreadStart?: string;
  /**
   * A --pre-js recording the link-time choices (see {@link linkRecord});
   * the wrapper writes it for each link.
   */
  readonly record?: string;
}

/** What the wrapper does to a build. */
export interface GlueFlags {
  /** Arguments to add. */
  readonly add: readonly string[];
  /** User arguments kept, in order (with the ones rawsock replaces removed). */
  readonly keep: readonly string[];
  /** Messages for the user (printed once). */
  readonly notes: readonly string[];
  /** --rawsock-blocking (default 'auto'). */
  readonly blocking: string;
  /** An argument error: the link must not run. */
  readonly error?: string;
}

/** The modes --rawsock-blocking takes. */
export const BLOCKING_CHOICES = ['auto', 'suspend', 'worker', 'thread', 'never'] as const;

/**
 * Reads and removes `--rawsock-blocking=MODE` (or `--rawsock-blocking MODE`);
 * the last one wins. Returns the mode, the other arguments, and an error
 * for an unknown mode.
 */
export function blockingArg(args: readonly string[]): {
  /** The mode given (one of {@link BLOCKING_CHOICES} unless `error` is set); 'auto' when none was. */
  blocking: string;
  /** The arguments without the --rawsock-blocking ones, in order. */
  rest: string[];
  /** Set for an unknown mode: the message to print (the link must not run). */
  error?: string;
} {
  let blocking = 'auto';
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--rawsock-blocking') {
      blocking = args[++i] ?? '';
    } else if (a.startsWith('--rawsock-blocking=')) {
      blocking = a.slice('--rawsock-blocking='.length);
    } else {
      rest.push(a);
    }
  }
  if (!(BLOCKING_CHOICES as readonly string[]).includes(blocking)) {
    return { blocking, rest, error: `[rawsock] --rawsock-blocking=${blocking}: expected one of ${BLOCKING_CHOICES.join(', ')}` };
  }
  return { blocking, rest };
}

/** The text of the link record: a --pre-js the glue library reads at start. */
export function linkRecord(blocking: string): string {
  return `// rawsock-emcc link record\nvar RAWSOCK_LINK_BLOCKING = ${JSON.stringify(blocking)};\n`;
}

/** Reads `emcc --version` output ("emcc (...) 3.1.6 (...)"). */
export function parseEmccVersion(text: string): EmccVersion | undefined {
  const m = /emcc \([^)]*\)\s+(\d+)\.(\d+)\.(\d+)/.exec(text) ?? /\b(\d+)\.(\d+)\.(\d+)\b/.exec(text);
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : undefined;
}

const before = (v: EmccVersion, major: number, minor: number, patch: number) =>
  v.major !== major ? v.major < major : v.minor !== minor ? v.minor < minor : v.patch < patch;

/** True when the user set an emcc -s setting (`-sNAME`, `-sNAME=..`, `-s NAME=..`). */
function setsSetting(args: readonly string[], name: string): boolean {
  return args.some((a, i) => a === `-s${name}` || a.startsWith(`-s${name}=`) || (a === '-s' && (args[i + 1] === name || args[i + 1]?.startsWith(`${name}=`))));
}

/**
 * The glue's JS imports that may suspend the program in `suspend` mode (a
 * blocking call waiting), for ASYNCIFY_IMPORTS: Asyncify instruments only
 * the wasm paths that can reach these.
 */
export const SUSPENDING_IMPORTS = [
  '__syscall_connect',
  '__syscall_accept4',
  '__syscall_recvfrom',
  '__syscall_sendto',
  '__syscall_recvmsg',
  '__syscall_sendmsg',
  'wasi_snapshot_preview1.fd_read',
  'wasi_snapshot_preview1.fd_write',
  '__syscall_poll',
  '__syscall__newselect',
  'rawsock_epoll_wait',
] as const;

/** True if the arguments ask for JSPI (-sJSPI, or -sASYNCIFY=2). */
export function jspiOn(args: readonly string[]): boolean {
  const jspi = settingValueText(args, 'JSPI');
  return (jspi !== undefined && jspi !== '0') || settingValueText(args, 'ASYNCIFY') === '2';
}

/** True if the arguments turn Asyncify on (-sASYNCIFY, -sASYNCIFY=1). */
export function asyncifyOn(args: readonly string[]): boolean {
  const v = settingValueText(args, 'ASYNCIFY');
  return v !== undefined && v !== '0';
}

/** The text of the last -sNAME[=value] ('1' when bare), or undefined. */
function settingValueText(args: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const text = a === '-s' ? args[i + 1] ?? '' : a.startsWith('-s') ? a.slice(2) : undefined;
    if (text === undefined) continue;
    if (text === name) value = '1';
    else if (text.startsWith(`${name}=`)) value = text.slice(name.length + 1);
  }
  return value;
}

/** A list setting (-sNAME=[a,b] or -sNAME=a,b) as its items, or undefined. */
function settingValue(args: readonly string[], name: string): string[] | undefined {
  const text = settingValueText(args, name);
  if (text === undefined) return undefined;
  return text
    .replace(/^\[|\]$/g, '')
    .split(',')
    .map((x) => x.trim().replace(/^['"]|['"]$/g, ''))
    .filter(Boolean);
}

/** Drops every form of an -s setting from the arguments. */
function withoutSetting(args: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === `-s${name}` || a.startsWith(`-s${name}=`)) continue;
    if (a === '-s' && (args[i + 1] === name || args[i + 1]?.startsWith(`${name}=`))) {
      i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** True if the arguments build with threads (-pthread, -sUSE_PTHREADS[=1]). */
export function pthreadsOn(args: readonly string[]): boolean {
  const v = settingValueText(args, 'USE_PTHREADS');
  return args.includes('-pthread') || (v !== undefined && v !== '0');
}

/** The link's output file (-o FILE or -oFILE, the last one; emcc's default a.out.js). */
export function outputOf(args: readonly string[]): string {
  let out = 'a.out.js';
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-o') out = args[++i] ?? out;
    else if (a.startsWith('-o') && a.length > 2) out = a.slice(2);
  }
  return out;
}

/**
 * For a -pthread link whose output is a .js file: the pthread worker script
 * an emcc that emits one writes beside it (NAME.worker.js, emcc 3.1.6), and
 * the CommonJS starter rawsock-emcc writes beside that for Deno
 * (NAME.worker.cjs, a copy of lib/pthread_worker_deno.cjs), when it exists
 * after the link. Deno loads a worker's .js file as an ES module, where that
 * script cannot run; rawsock_pthread_start.js points Deno at the .cjs.
 */
export function pthreadWorkerTwin(args: readonly string[]):
  | {
      /** emcc's pthread worker script, NAME.worker.js (written only by emccs that emit one). */
      worker: string;
      /** The CommonJS starter for Deno beside it, NAME.worker.cjs. */
      twin: string;
    }
  | undefined {
  if (compileOnly(args) || !pthreadsOn(args)) return undefined;
  const out = outputOf(args);
  if (!/\.c?js$/.test(out)) return undefined;
  const base = out.replace(/\.c?js$/, '');
  return { worker: `${base}.worker.js`, twin: `${base}.worker.cjs` };
}

/** True if the arguments only compile (-c, -E, -S): nothing is linked, so no glue. */
export function compileOnly(args: readonly string[]): boolean {
  return args.some((a) => a === '-c' || a === '-E' || a === '-S');
}

/**
 * The glue for one link. Emscripten before 3.1.11 emits output that hands
 * the .wasm *path* to `fetch` when the runtime has a global fetch (Node ≥ 18,
 * Deno, Bun), which rejects it; those builds get synchronous compilation (the
 * wasm is read from disk) unless the user chose otherwise. Fixed upstream by
 * https://github.com/emscripten-core/emscripten/pull/16917 (merged 2022-05-09,
 * first released in 3.1.11; 3.1.10 is from 2022-05-02).
 */
export function glueFlags(version: EmccVersion, userArgs: readonly string[], paths: GluePaths): GlueFlags {
  const notes: string[] = [];
  const parsed = blockingArg(userArgs);
  let keep = parsed.rest;
  const blocking = parsed.blocking;
  if (parsed.error) return { add: [], keep, notes, blocking, error: parsed.error };
  if (setsSetting(keep, 'NODERAWSOCKETS')) {
    keep = withoutSetting(keep, 'NODERAWSOCKETS');
    notes.push('[rawsock] -sNODERAWSOCKETS ignored: rawsock provides sockets');
  }
  if (compileOnly(keep)) return { add: [], keep, notes, blocking };
  const add = [
    ...paths.libraries.flatMap((l) => ['--js-library', l]),
    ...(paths.record ? ['--pre-js', paths.record] : []),
    '--pre-js',
    paths.runtime,
    paths.shim,
    ...(paths.sources ?? []),
    ...(paths.jspi && jspiOn(keep) ? [paths.jspi] : []),
    ...(paths.pthreadStart && pthreadsOn(keep) ? ['--pre-js', paths.pthreadStart] : []),
  ];
  if (before(version, 3, 1, 11) && !setsSetting(keep, 'WASM_ASYNC_COMPILATION')) add.push('-sWASM_ASYNC_COMPILATION=0');
  if (asyncifyOn(keep) && !jspiOn(keep)) {
    // The glue's imports that can suspend must be Asyncify imports; the user's own ones are kept.
    const user = settingValue(keep, 'ASYNCIFY_IMPORTS');
    keep = withoutSetting(keep, 'ASYNCIFY_IMPORTS');
    add.push(`-sASYNCIFY_IMPORTS=[${[...(user ?? []), ...SUSPENDING_IMPORTS].join(',')}]`);
  }
  return { add, keep, notes, blocking };
}
