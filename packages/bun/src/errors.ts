/**
 * Bun error → Linux errno. Bun's system errors carry a POSIX `code`
 * (`'ECONNREFUSED'`, with `errno` negative for connects and positive for
 * binds) that `errnoFromError` understands directly; the table covers Bun's
 * DNS codes and the Node-style `ERR_*` validation codes Bun throws.
 */
import { E, ErrnoError, errnoFromError, type ErrnoName } from '@rawsock/core';

/** Bun's DNS error codes (`DNSException`), as getaddrinfo's EAI_* would map. */
const DNS_NAMES: Readonly<Record<string, ErrnoName>> = {
  DNS_ENOTFOUND: 'ENOENT',
  DNS_ENODATA: 'ENOENT',
  DNS_ENONAME: 'ENOENT',
  // getaddrinfo's EAI_ADDRFAMILY: a literal of the other family (`127.0.0.1` for IPv6).
  DNS_EBADFAMILY: 'ENOENT',
  DNS_ETIMEOUT: 'EAGAIN',
  DNS_ESERVFAIL: 'EAGAIN',
  DNS_EREFUSED: 'EAGAIN',
  DNS_ECONNREFUSED: 'EAGAIN',
  DNS_ENOMEM: 'ENOMEM',
  DNS_EBADNAME: 'EINVAL',
  DNS_EBADSTR: 'EINVAL',
  DNS_EBADFLAGS: 'EINVAL',
  DNS_EBADHINTS: 'EINVAL',
  DNS_ECANCELLED: 'ECANCELED',
  DNS_EDESTRUCTION: 'ECANCELED',
};

const BUN_NAMES: Readonly<Record<string, ErrnoName>> = {
  ...DNS_NAMES,
  // Argument validation Bun does before reaching the kernel.
  ERR_INVALID_ARG_TYPE: 'EINVAL',
  ERR_INVALID_ARG_VALUE: 'EINVAL',
  ERR_SOCKET_BAD_PORT: 'EINVAL',
  ERR_INVALID_IP_ADDRESS: 'EINVAL',
  ERR_OUT_OF_RANGE: 'EINVAL',
  ERR_SOCKET_CLOSED: 'EBADF',
  ERR_SOCKET_DGRAM_NOT_RUNNING: 'EBADF',
};

/** Linux errno for any Bun error. */
export function toErrno(err: unknown, fallback: number = E.EIO): number {
  const code = (err as { code?: unknown } | null)?.code;
  // A DNS code Bun adds later must not fall through to its `errno` field,
  // which holds c-ares numbering (DNS_ENOTFOUND has errno 4, EINTR's number).
  if (typeof code === 'string' && code.startsWith('DNS_')) return errnoFromError({ code }, fallback, BUN_NAMES);
  return errnoFromError(err, fallback, BUN_NAMES);
}

/** An ErrnoError for a Bun error, to throw from a synchronous method. */
export function errnoError(err: unknown, what: string, fallback: number = E.EIO): ErrnoError {
  if (err instanceof ErrnoError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ErrnoError(toErrno(err, fallback), `${what}: ${message}`);
}
