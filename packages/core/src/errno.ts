/**
 * errno tables: names ↔ numbers for Linux (what rawsock's syscall layer
 * returns) and for the WASI numbering that Emscripten's libc uses.
 *
 * Linux values: https://man7.org/linux/man-pages/man3/errno.3.html
 * (asm-generic/errno-base.h and errno.h). WASI values: wasi_snapshot_preview1
 * `errno` enum, which Emscripten's musl adopts in bits/errno.h.
 */

/** Linux errno numbers, by name. rawsock's core speaks these everywhere. */
export const LINUX_ERRNO = {
  /** Operation not permitted. */
  EPERM: 1,
  /** No such file or directory. */
  ENOENT: 2,
  /** No such process. */
  ESRCH: 3,
  /** Interrupted system call. */
  EINTR: 4,
  /** Input/output error. */
  EIO: 5,
  /** No such device or address. */
  ENXIO: 6,
  /** Argument list too long. */
  E2BIG: 7,
  /** Bad file descriptor. */
  EBADF: 9,
  /** Resource temporarily unavailable. */
  EAGAIN: 11,
  /** Cannot allocate memory. */
  ENOMEM: 12,
  /** Permission denied. */
  EACCES: 13,
  /** Bad address. */
  EFAULT: 14,
  /** Device or resource busy. */
  EBUSY: 16,
  /** File exists. */
  EEXIST: 17,
  /** No such device. */
  ENODEV: 19,
  /** Not a directory. */
  ENOTDIR: 20,
  /** Is a directory. */
  EISDIR: 21,
  /** Invalid argument. */
  EINVAL: 22,
  /** Too many open files in system. */
  ENFILE: 23,
  /** Too many open files. */
  EMFILE: 24,
  /** Inappropriate ioctl for device. */
  ENOTTY: 25,
  /** No space left on device. */
  ENOSPC: 28,
  /** Illegal seek. */
  ESPIPE: 29,
  /** Read-only file system. */
  EROFS: 30,
  /** Broken pipe. */
  EPIPE: 32,
  /** Numerical result out of range. */
  ERANGE: 34,
  /** Numerical argument out of domain. */
  EDOM: 33,
  /** File name too long. */
  ENAMETOOLONG: 36,
  /** Function not implemented. */
  ENOSYS: 38,
  /** Too many levels of symbolic links. */
  ELOOP: 40,
  /** Protocol error. */
  EPROTO: 71,
  /** Value too large for defined data type. */
  EOVERFLOW: 75,
  /** Socket operation on non-socket. */
  ENOTSOCK: 88,
  /** Destination address required. */
  EDESTADDRREQ: 89,
  /** Message too long. */
  EMSGSIZE: 90,
  /** Protocol wrong type for socket. */
  EPROTOTYPE: 91,
  /** Protocol not available. */
  ENOPROTOOPT: 92,
  /** Protocol not supported. */
  EPROTONOSUPPORT: 93,
  /** Socket type not supported. */
  ESOCKTNOSUPPORT: 94,
  /** Operation not supported. */
  EOPNOTSUPP: 95,
  /** Protocol family not supported. */
  EPFNOSUPPORT: 96,
  /** Address family not supported by protocol. */
  EAFNOSUPPORT: 97,
  /** Address already in use. */
  EADDRINUSE: 98,
  /** Cannot assign requested address. */
  EADDRNOTAVAIL: 99,
  /** Network is down. */
  ENETDOWN: 100,
  /** Network is unreachable. */
  ENETUNREACH: 101,
  /** Network dropped connection on reset. */
  ENETRESET: 102,
  /** Software caused connection abort. */
  ECONNABORTED: 103,
  /** Connection reset by peer. */
  ECONNRESET: 104,
  /** No buffer space available. */
  ENOBUFS: 105,
  /** Transport endpoint is already connected. */
  EISCONN: 106,
  /** Transport endpoint is not connected. */
  ENOTCONN: 107,
  /** Cannot send after transport endpoint shutdown. */
  ESHUTDOWN: 108,
  /** Connection timed out. */
  ETIMEDOUT: 110,
  /** Connection refused. */
  ECONNREFUSED: 111,
  /** Host is down. */
  EHOSTDOWN: 112,
  /** No route to host. */
  EHOSTUNREACH: 113,
  /** Operation already in progress. */
  EALREADY: 114,
  /** Operation now in progress. */
  EINPROGRESS: 115,
  /** Operation canceled. */
  ECANCELED: 125,
} as const;

/** A name of an errno rawsock knows. */
export type ErrnoName = keyof typeof LINUX_ERRNO;

/** Shorthand used throughout core: `E.EAGAIN === 11`. */
export const E = LINUX_ERRNO;

/**
 * WASI (wasi_snapshot_preview1) errno numbers, which Emscripten's libc uses
 * for `errno`. Names without a WASI value (ESHUTDOWN, EHOSTDOWN, ...) are
 * mapped to their closest WASI error by {@link linuxToWasiErrno}.
 */
export const WASI_ERRNO: Readonly<Partial<Record<ErrnoName, number>>> = {
  E2BIG: 1,
  EACCES: 2,
  EADDRINUSE: 3,
  EADDRNOTAVAIL: 4,
  EAFNOSUPPORT: 5,
  EAGAIN: 6,
  EALREADY: 7,
  EBADF: 8,
  EBUSY: 10,
  ECANCELED: 11,
  ECONNABORTED: 13,
  ECONNREFUSED: 14,
  ECONNRESET: 15,
  EDOM: 18,
  EDESTADDRREQ: 17,
  EEXIST: 20,
  EFAULT: 21,
  EHOSTUNREACH: 23,
  EINPROGRESS: 26,
  EINTR: 27,
  EINVAL: 28,
  EIO: 29,
  EISCONN: 30,
  EISDIR: 31,
  ELOOP: 32,
  EMFILE: 33,
  EMSGSIZE: 35,
  ENAMETOOLONG: 37,
  ENETDOWN: 38,
  ENETRESET: 39,
  ENETUNREACH: 40,
  ENFILE: 41,
  ENOBUFS: 42,
  ENODEV: 43,
  ENOENT: 44,
  ENOMEM: 48,
  ENOPROTOOPT: 50,
  ENOSPC: 51,
  ENOSYS: 52,
  ENOTCONN: 53,
  ENOTDIR: 54,
  ENOTSOCK: 57,
  EOPNOTSUPP: 58,
  ENOTTY: 59,
  ENXIO: 60,
  EOVERFLOW: 61,
  EPERM: 63,
  EPIPE: 64,
  EPROTO: 65,
  EPROTONOSUPPORT: 66,
  EPROTOTYPE: 67,
  ERANGE: 68,
  EROFS: 69,
  ESPIPE: 70,
  ESRCH: 71,
  ETIMEDOUT: 73,
};

/**
 * Emscripten's errno numbering (musl arch/emscripten/bits/errno.h): WASI's
 * values, plus its own numbers for names WASI lacks — notably EOPNOTSUPP is
 * 138 there (ENOTSUP aliases it), not WASI's ENOTSUP 58.
 */
export const EMSCRIPTEN_ERRNO: Readonly<Partial<Record<ErrnoName, number>>> = {
  ...WASI_ERRNO,
  ESOCKTNOSUPPORT: 137,
  EOPNOTSUPP: 138,
  EPFNOSUPPORT: 139,
  ESHUTDOWN: 140,
  EHOSTDOWN: 142,
};

const LINUX_BY_NUMBER = new Map<number, ErrnoName>(
  (Object.entries(LINUX_ERRNO) as [ErrnoName, number][]).map(([name, n]) => [n, name]),
);
const WASI_BY_NUMBER = new Map<number, ErrnoName>(
  (Object.entries(WASI_ERRNO) as [ErrnoName, number][]).map(([name, n]) => [n, name]),
);

/** Linux names that WASI lacks, and the WASI error a program sees instead. */
const WASI_FALLBACK: Partial<Record<ErrnoName, ErrnoName>> = {
  ESHUTDOWN: 'EPIPE',
  EHOSTDOWN: 'EHOSTUNREACH',
  ESOCKTNOSUPPORT: 'EPROTONOSUPPORT',
  EPFNOSUPPORT: 'EAFNOSUPPORT',
};

/** The name of a Linux errno number (`11` → `'EAGAIN'`), or undefined. */
export function errnoName(errno: number): ErrnoName | undefined {
  return LINUX_BY_NUMBER.get(Math.abs(errno));
}

/** The Linux errno number of a name (`'EAGAIN'` → `11`), or undefined. */
export function errnoNumber(name: string): number | undefined {
  return (LINUX_ERRNO as Record<string, number>)[name];
}

/** Translates a Linux errno number to Emscripten/WASI numbering. Sign is kept. */
export function linuxToWasiErrno(errno: number): number {
  const sign = errno < 0 ? -1 : 1;
  const name = LINUX_BY_NUMBER.get(Math.abs(errno));
  if (name === undefined) return sign * (WASI_ERRNO.EIO as number);
  const wasi = WASI_ERRNO[name] ?? WASI_ERRNO[WASI_FALLBACK[name] ?? 'EIO'];
  return sign * (wasi as number);
}

/** Translates a Linux errno number to Emscripten's libc numbering. Sign is kept. */
export function linuxToEmscriptenErrno(errno: number): number {
  const sign = errno < 0 ? -1 : 1;
  const name = LINUX_BY_NUMBER.get(Math.abs(errno));
  return sign * ((name && EMSCRIPTEN_ERRNO[name]) ?? (EMSCRIPTEN_ERRNO.EIO as number));
}

/** Translates a WASI/Emscripten errno number to Linux numbering. Sign is kept. */
export function wasiToLinuxErrno(errno: number): number {
  const sign = errno < 0 ? -1 : 1;
  const name = WASI_BY_NUMBER.get(Math.abs(errno));
  return sign * (name === undefined ? LINUX_ERRNO.EIO : LINUX_ERRNO[name]);
}

/**
 * An error carrying a Linux errno. Thrown inside core only to unwind a
 * syscall; every public entry point catches it and returns `-errno`.
 */
export class ErrnoError extends Error {
  /** The Linux errno number (e.g. 11 for EAGAIN). */
  readonly errno: number;
  /** The errno's name, e.g. `'EAGAIN'`. */
  readonly code: ErrnoName | 'EUNKNOWN';
  constructor(errno: number, message?: string) {
    const code = errnoName(errno) ?? 'EUNKNOWN';
    super(message ? `${code}: ${message}` : code);
    this.name = 'ErrnoError';
    this.errno = Math.abs(errno);
    this.code = code;
  }
}

/**
 * The errnos a non-blocking program meets on every idle poll of a socket.
 * Capturing a stack trace costs microseconds, more than the rest of the
 * syscall, and core's ErrnoErrors never leave a syscall (it returns -errno),
 * so these are made without one. Error.stackTraceLimit is honoured by V8
 * (Node, Deno) and JavaScriptCore (Bun).
 */
const WOULD_BLOCK: ReadonlySet<number> = new Set([E.EAGAIN, E.EINPROGRESS, E.EALREADY]);
const errorClass = Error as { stackTraceLimit?: number };

/** Throws an {@link ErrnoError}; typed `never` so it narrows control flow. */
export function fail(errno: number, message?: string): never {
  if (!WOULD_BLOCK.has(errno)) throw new ErrnoError(errno, message);
  const limit = errorClass.stackTraceLimit;
  errorClass.stackTraceLimit = 0;
  let error: ErrnoError;
  try {
    error = new ErrnoError(errno, message);
  } finally {
    errorClass.stackTraceLimit = limit;
  }
  throw error;
}

/**
 * The one helper every provider uses to turn a runtime error into a Linux
 * errno. It understands, in order: a numeric `errno` (Node/libuv report it
 * negative), a POSIX `code` string (`'ECONNREFUSED'`), and the provider's own
 * table of runtime-specific names (Deno error class names such as
 * `'AddrInUse'`, Bun codes). Anything else maps to `fallback`.
 */
export function errnoFromError(
  err: unknown,
  fallback: number = LINUX_ERRNO.EIO,
  runtimeNames?: Readonly<Record<string, ErrnoName>>,
): number {
  if (typeof err === 'number') return errnoName(err) ? Math.abs(err) : fallback;
  if (typeof err !== 'object' || err === null) return fallback;
  const e = err as { code?: unknown; errno?: unknown; name?: unknown };
  if (typeof e.code === 'string') {
    const direct = errnoNumber(e.code);
    if (direct !== undefined) return direct;
    const mapped = runtimeNames?.[e.code];
    if (mapped) return LINUX_ERRNO[mapped];
  }
  if (typeof e.errno === 'number' && errnoName(e.errno)) return Math.abs(e.errno);
  if (typeof e.name === 'string') {
    const mapped = runtimeNames?.[e.name];
    if (mapped) return LINUX_ERRNO[mapped];
  }
  return fallback;
}
