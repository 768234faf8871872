/**
 * The suspend-mode syscall layer where the build cannot suspend at the
 * moment (JSPI outside main's stack): blocking calls answer at once, as on
 * a non-blocking fd, poll does not wait, and one warning is printed for
 * all of them; where it can, the call goes through `suspend`.
 */
import { AF_INET, BlockingSyscalls, E, MemoryProvider, SOCK_STREAM, SocketSyscalls, SocketTable, encodeSockaddr } from '@rawsock/core';
import { describe, expect, it } from 'vitest';
import { CANNOT_SUSPEND_WARNING, suspendingSyscalls, suspendingWait, type Suspension } from '../../src/runtime/blocking/suspending-syscalls.js';

function listenerAndClient() {
  const table = new SocketTable({ provider: new MemoryProvider() });
  const sys = new SocketSyscalls(table);
  const l = sys.socket(AF_INET, SOCK_STREAM, 0);
  const any = encodeSockaddr({ family: 'ipv4', address: '127.0.0.1', port: 0 });
  sys.bind(l, any, any.byteLength);
  sys.listen(l, 4);
  const name = new Uint8Array(16);
  sys.getsockname(l, name, 16);
  const c = sys.socket(AF_INET, SOCK_STREAM, 0);
  return { table, sys, c, l, name };
}

describe('suspend mode where the build cannot suspend now', () => {
  it('a blocking recv answers EAGAIN, poll does not wait, and one warning covers both', async () => {
    const { table, sys, c, l, name } = listenerAndClient();
    const ready = new BlockingSyscalls(sys);
    expect(await ready.connect(c, name, 16)).toBe(0);
    expect(await ready.accept4(l, null, 0, 0)).toBeGreaterThan(0);
    const warnings: string[] = [];
    let suspended = 0;
    const suspension: Suspension = {
      suspend: () => {
        suspended++;
        return 0;
      },
      canSuspend: () => false,
      warn: (m) => warnings.push(m),
    };
    const blocking = new BlockingSyscalls(sys);
    const glue = suspendingSyscalls(sys, blocking, table, suspension);
    const wait = suspendingWait(blocking, suspension);
    expect(glue.recvfrom(c, new Uint8Array(4), 0, null, 0)).toBe(-E.EAGAIN);
    expect(wait([{ fd: c, events: 1 }], 500)).toBe(0);
    expect(suspended).toBe(0);
    expect(warnings).toEqual([CANNOT_SUSPEND_WARNING]);
  });

  it('where it can, a blocking connect goes through suspend; nothing is printed', () => {
    const { table, sys, c, name } = listenerAndClient();
    const warnings: string[] = [];
    const started: Promise<number>[] = [];
    const suspension: Suspension = {
      suspend: (start) => {
        started.push(start());
        return 0;
      },
      canSuspend: () => true,
      warn: (m) => warnings.push(m),
    };
    const glue = suspendingSyscalls(sys, new BlockingSyscalls(sys), table, suspension);
    glue.connect(c, name, 16);
    expect(started).toHaveLength(1);
    expect(warnings).toEqual([]);
    return expect(started[0]).resolves.toBe(0);
  });
});
