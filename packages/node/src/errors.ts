/**
 * Node error → Linux errno. System errors carry a POSIX `code` that
 * `errnoFromError` understands directly; the table below covers Node's own
 * `ERR_*` validation codes and getaddrinfo codes.
 */
import { dirname } from 'node:path';
import { existsSync } from 'node:fs';
import { getSystemErrorName } from 'node:util';
import { E, ErrnoError, errnoFromError, type ErrnoName } from '@rawsock/core';

const NODE_NAMES: Readonly<Record<string, ErrnoName>> = {
  // dns.lookup: https://nodejs.org/api/dns.html#error-codes
  ENOTFOUND: 'ENOENT',
  EAI_NONAME: 'ENOENT',
  EAI_NODATA: 'ENOENT',
  EAI_AGAIN: 'EAGAIN',
  EAI_FAIL: 'EIO',
  EAI_MEMORY: 'ENOMEM',
  EAI_FAMILY: 'EAFNOSUPPORT',
  // Argument validation Node does before reaching the kernel.
  ERR_SOCKET_BAD_PORT: 'EINVAL',
  ERR_INVALID_ARG_VALUE: 'EINVAL',
  ERR_INVALID_ARG_TYPE: 'EINVAL',
  ERR_INVALID_IP_ADDRESS: 'EINVAL',
  ERR_OUT_OF_RANGE: 'EINVAL',
  ERR_SOCKET_BUFFER_SIZE: 'EINVAL',
  ERR_SOCKET_ALREADY_BOUND: 'EINVAL',
  // State errors Node raises itself.
  ERR_SOCKET_DGRAM_IS_CONNECTED: 'EISCONN',
  ERR_SOCKET_DGRAM_NOT_CONNECTED: 'ENOTCONN',
  ERR_SOCKET_DGRAM_NOT_RUNNING: 'EBADF',
  ERR_SOCKET_CLOSED: 'EBADF',
  ERR_SOCKET_HANDLE_ADOPTED: 'EBADF',
  ERR_STREAM_DESTROYED: 'EPIPE',
  ERR_STREAM_WRITE_AFTER_END: 'EPIPE',
  ERR_SOCKET_CLOSED_BEFORE_CONNECTION: 'ECONNRESET',
  ERR_SOCKET_CONNECTION_TIMEOUT: 'ETIMEDOUT',
};

/** Linux errno for any Node error (system error, ERR_* code, dns code). */
export function toErrno(err: unknown, fallback: number = E.EIO): number {
  return errnoFromError(err, fallback, NODE_NAMES);
}

/**
 * Linux errno for a raw negative libuv status from a handle method. libuv
 * numbers equal -errno on Linux only, so go through the name.
 */
export function uvErrno(status: number): number {
  let code: string | undefined;
  try {
    code = getSystemErrorName(status);
  } catch {
    code = undefined;
  }
  return toErrno({ code, errno: status });
}

/** An ErrnoError for a Node error, to throw from a synchronous method. */
export function errnoError(err: unknown, what: string, fallback: number = E.EIO): ErrnoError {
  if (err instanceof ErrnoError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ErrnoError(toErrno(err, fallback), `${what}: ${message}`);
}

/**
 * libuv's uv_pipe_bind reports ENOENT as EACCES (a Windows compatibility
 * choice in libuv's src/unix/pipe.c). Linux bind(2) says ENOENT when the
 * directory is missing, so restore that when the directory indeed is missing.
 */
export function unixBindErrno(errno: number, path: string): number {
  if (errno === E.EACCES && !path.startsWith('\0') && !existsSync(dirname(path))) return E.ENOENT;
  return errno;
}
