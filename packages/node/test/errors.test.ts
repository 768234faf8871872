import { describe, expect, it } from 'vitest';
import { E } from '@rawsock/core';
import { toErrno, uvErrno } from '../src/errors.js';

describe('error mapping', () => {
  it('maps Node system errors, dns codes and ERR_* codes to Linux errno', () => {
    expect(toErrno({ code: 'ECONNRESET', errno: -104 })).toBe(E.ECONNRESET);
    for (const code of ['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EACCES'] as const) {
      expect(toErrno({ code })).toBe(E[code]);
    }
    expect(toErrno({ code: 'ENOTFOUND' })).toBe(E.ENOENT);
    expect(toErrno({ code: 'EAI_AGAIN' })).toBe(E.EAGAIN);
    expect(toErrno({ code: 'ERR_SOCKET_BAD_PORT' })).toBe(E.EINVAL);
    expect(toErrno({ code: 'ERR_SOCKET_DGRAM_IS_CONNECTED' })).toBe(E.EISCONN);
    expect(toErrno({ code: 'ERR_STREAM_WRITE_AFTER_END' })).toBe(E.EPIPE);
    expect(toErrno(new Error('???'))).toBe(E.EIO);
  });

  it('maps raw libuv statuses by name', () => {
    expect(uvErrno(-98)).toBe(E.EADDRINUSE);
    expect(uvErrno(-111)).toBe(E.ECONNREFUSED);
    expect(uvErrno(-99999)).toBe(E.EIO);
  });
});
