/**
 * Deno error → Linux errno. Errors from the OS carry a POSIX `code`
 * (`'EADDRINUSE'`) that `errnoFromError` reads directly; the table covers
 * Deno's error classes without one (by `name`), such as `NotCapable`, which
 * Deno throws when a permission flag is missing.
 * https://docs.deno.com/api/deno/~/Deno.errors
 */
import { E, ErrnoError, errnoFromError, type ErrnoName } from '@rawsock/core';

const DENO_NAMES: Readonly<Record<string, ErrnoName>> = {
  AddrInUse: 'EADDRINUSE',
  AddrNotAvailable: 'EADDRNOTAVAIL',
  AlreadyExists: 'EEXIST',
  BrokenPipe: 'EPIPE',
  Busy: 'EBUSY',
  ConnectionAborted: 'ECONNABORTED',
  ConnectionRefused: 'ECONNREFUSED',
  ConnectionReset: 'ECONNRESET',
  Interrupted: 'EINTR',
  InvalidData: 'EINVAL',
  IsADirectory: 'EISDIR',
  FilesystemLoop: 'ELOOP',
  NetworkUnreachable: 'ENETUNREACH',
  NotADirectory: 'ENOTDIR',
  NotConnected: 'ENOTCONN',
  NotFound: 'ENOENT',
  NotSupported: 'EOPNOTSUPP',
  PermissionDenied: 'EACCES',
  TimedOut: 'ETIMEDOUT',
  UnexpectedEof: 'ECONNRESET',
  WouldBlock: 'EAGAIN',
  WriteZero: 'EPIPE',
  BadResource: 'EBADF',
  // A permission flag is missing (--allow-net, --allow-read, ...). Denied by
  // the sandbox as by a firewall rule; rawsock's own policy also says EACCES.
  NotCapable: 'EACCES',
  // node:dns (getaddrinfo) codes, used by lookup().
  ENOTFOUND: 'ENOENT',
  EAI_NONAME: 'ENOENT',
  EAI_NODATA: 'ENOENT',
  EAI_AGAIN: 'EAGAIN',
  EAI_FAIL: 'EIO',
  EAI_MEMORY: 'ENOMEM',
  EAI_FAMILY: 'EAFNOSUPPORT',
};

/** Receives the host's message for each error the provider turns into an errno. */
export type HostErrorSink = (message: string) => void;

/** Error translation for one provider, with its optional diagnostic sink. */
export class ErrorMapper {
  constructor(private readonly sink?: HostErrorSink) {}

  /** Linux errno for any Deno error. */
  errno(err: unknown, what: string, fallback: number = E.EIO): number {
    if (err instanceof ErrnoError) return err.errno;
    const errno = errnoFromError(err, fallback, DENO_NAMES);
    this.sink?.(`${what}: ${describe(err)} (errno ${new ErrnoError(errno).code})`);
    return errno;
  }

  /** An ErrnoError for a Deno error, to throw from a synchronous method. */
  error(err: unknown, what: string, fallback: number = E.EIO): ErrnoError {
    if (err instanceof ErrnoError) return err;
    return new ErrnoError(this.errno(err, what, fallback), `${what}: ${describe(err)}`);
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
