/** Blocking semantics over the non-blocking core (what suspend and worker modes share). */
import { describe, expect, it } from 'vitest';
import { BlockingSyscalls } from '../src/blocking.js';
import { AF_INET, MSG_WAITALL, SOCK_NONBLOCK, SOCK_STREAM, SOL_SOCKET, SO_RCVTIMEO, SO_SNDTIMEO } from '../src/constants.js';
import { E } from '../src/errno.js';
import { MemoryProvider } from '../src/memory/index.js';
import { encodeSockaddr } from '../src/sockaddr.js';
import { SocketSyscalls } from '../src/syscalls.js';
import { SocketTable } from '../src/table.js';

function setup() {
  const sys = new SocketSyscalls(new SocketTable({ provider: new MemoryProvider({ streamBufferBytes: 64 * 1024 }) }));
  const b = new BlockingSyscalls(sys);
  const l = sys.socket(AF_INET, SOCK_STREAM, 0);
  const any = encodeSockaddr({ family: 'ipv4', address: '127.0.0.1', port: 0 });
  sys.bind(l, any, any.byteLength);
  sys.listen(l, 8);
  const name = new Uint8Array(16);
  sys.getsockname(l, name, 16);
  return { sys, b, l, addr: name };
}

const timeval = (ms: number) => {
  const t = new Uint8Array(16);
  new DataView(t.buffer).setBigInt64(0, BigInt(Math.floor(ms / 1000)), true);
  new DataView(t.buffer).setBigInt64(8, BigInt((ms % 1000) * 1000), true);
  return t;
};

async function connected() {
  const s = setup();
  const c = s.sys.socket(AF_INET, SOCK_STREAM, 0);
  expect(await s.b.connect(c, s.addr, 16)).toBe(0);
  const a = await s.b.accept4(s.l, null, 0, 0);
  expect(a).toBeGreaterThan(0);
  return { ...s, c, a };
}

describe('blocking calls', () => {
  it('connect waits for the outcome: 0, then EISCONN; refused gives ECONNREFUSED', async () => {
    const { sys, b, addr, l } = setup();
    const c = sys.socket(AF_INET, SOCK_STREAM, 0);
    expect(await b.connect(c, addr, 16)).toBe(0);
    expect(await b.connect(c, addr, 16)).toBe(-E.EISCONN);
    sys.close(l);
    const d = sys.socket(AF_INET, SOCK_STREAM, 0);
    expect(await b.connect(d, addr, 16)).toBe(-E.ECONNREFUSED);
  });

  it('recv waits for data that arrives 200 ms later', async () => {
    const { sys, b, c, a } = await connected();
    setTimeout(() => sys.sendto(a, new Uint8Array([1, 2, 3]), 0, null, 0), 200);
    const started = Date.now();
    const buf = new Uint8Array(10);
    expect(await b.recvfrom(c, buf, 0, null, 0)).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('SO_RCVTIMEO: recv gives EAGAIN after the timeout; accept too', async () => {
    const { sys, b, c, l } = await connected();
    expect(sys.setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, timeval(80))).toBe(0);
    let started = Date.now();
    expect(await b.recvfrom(c, new Uint8Array(4), 0, null, 0)).toBe(-E.EAGAIN);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(79);
    expect(waited).toBeLessThan(1000);
    sys.setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, timeval(50));
    started = Date.now();
    expect(await b.accept4(l, null, 0, 0)).toBe(-E.EAGAIN);
    expect(Date.now() - started).toBeGreaterThanOrEqual(49);
  });

  it('non-blocking fds and MSG_DONTWAIT never wait', async () => {
    const { sys, b, c } = await connected();
    const started = Date.now();
    expect(await b.recvfrom(c, new Uint8Array(4), 0x40, null, 0)).toBe(-E.EAGAIN);
    const nb = sys.socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const { addr } = setup();
    expect(await b.connect(nb, addr, 16)).toBe(-E.EINPROGRESS);
    expect(Date.now() - started).toBeLessThan(50);
  });

  it('MSG_WAITALL fills the buffer across several arrivals', async () => {
    const { sys, b, c, a } = await connected();
    setTimeout(() => sys.sendto(a, new Uint8Array(3).fill(1), 0, null, 0), 20);
    setTimeout(() => sys.sendto(a, new Uint8Array(5).fill(2), 0, null, 0), 60);
    const buf = new Uint8Array(8);
    expect(await b.recvfrom(c, buf, MSG_WAITALL, null, 0)).toBe(8);
    expect([...buf]).toEqual([1, 1, 1, 2, 2, 2, 2, 2]);
  });

  it('send blocks under backpressure until the reader drains, then every byte is there', async () => {
    const { sys, b, c, a } = await connected();
    const size = 4 * 1024 * 1024;
    const data = new Uint8Array(size).map((_, i) => i & 0xff);
    const sending = b.sendto(c, data, 0, null, 0);
    let got = 0;
    const buf = new Uint8Array(65536);
    let ok = true;
    while (got < size) {
      const n = await b.recvfrom(a, buf, 0, null, 0);
      if (n <= 0) break;
      for (let i = 0; i < n; i++) if (buf[i] !== ((got + i) & 0xff)) ok = false;
      got += n;
    }
    expect(await sending).toBe(size);
    expect(got).toBe(size);
    expect(ok).toBe(true);
  });

  it('SO_SNDTIMEO: a blocked send returns what it sent, or EAGAIN', async () => {
    const { sys, b, c } = await connected();
    sys.setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, timeval(60));
    const r = await b.sendto(c, new Uint8Array(8 * 1024 * 1024), 0, null, 0);
    expect(r).toBeGreaterThan(0);
    expect(r).toBeLessThan(8 * 1024 * 1024);
    // Once every buffer is full and stays full, a blocked send gives EAGAIN.
    for (let quiet = 0; quiet < 2; ) {
      if (sys.sendto(c, new Uint8Array(65536), 0x40, null, 0) === -E.EAGAIN) {
        quiet++;
        await new Promise((res) => setTimeout(res, 20));
      } else quiet = 0;
    }
    expect(await b.sendto(c, new Uint8Array(1024), 0, null, 0)).toBe(-E.EAGAIN);
  });

  it('a blocked send ended by a reset returns its count and leaves ECONNRESET for the next call, then EPIPE (tcp_sendmsg)', async () => {
    const { sys, b, c, a } = await connected();
    // The peer has unread bytes, so its close is a reset.
    expect(sys.sendto(c, new Uint8Array(10), 0, null, 0)).toBe(10);
    setTimeout(() => sys.close(a), 100);
    const r = await b.sendto(c, new Uint8Array(8 * 1024 * 1024), 0, null, 0);
    expect(r).toBeGreaterThan(0);
    expect(r).toBeLessThan(8 * 1024 * 1024);
    expect(sys.sendto(c, new Uint8Array(1), 0, null, 0)).toBe(-E.ECONNRESET);
    expect(sys.sendto(c, new Uint8Array(1), 0, null, 0)).toBe(-E.EPIPE);
  });

  it("sendRoom: what a send takes now without waiting; 0 when it would fail or is not a connected stream", async () => {
    const { sys, c, a, l } = await connected();
    const room = sys.table.get(c).sendRoom();
    expect(room).toBeGreaterThan(0);
    expect(sys.sendto(c, new Uint8Array(1000), 0, null, 0)).toBe(1000);
    expect(sys.table.get(c).sendRoom()).toBe(room - 1000);
    expect(sys.table.get(l).sendRoom()).toBe(0);
    sys.shutdown(c, 1 /* SHUT_WR */);
    expect(sys.table.get(c).sendRoom()).toBe(0);
    expect(sys.table.get(a).sendRoom()).toBeGreaterThan(0);
  });

  it('sendPosted (a send already answered in full) queues all of it even on a non-blocking fd, waiting for room', async () => {
    const { sys, b, c, a } = await connected();
    sys.fcntl(c, 4 /* F_SETFL */, 0x800 /* O_NONBLOCK */);
    const size = 1024 * 1024;
    const data = new Uint8Array(size).map((_, i) => (i * 7) & 0xff);
    const sending = b.sendPosted(c, data, 0);
    let got = 0;
    let ok = true;
    const buf = new Uint8Array(65536);
    while (got < size) {
      const n = await b.recvfrom(a, buf, 0, null, 0);
      if (n <= 0) break;
      for (let i = 0; i < n; i++) if (buf[i] !== (((got + i) * 7) & 0xff)) ok = false;
      got += n;
    }
    expect(await sending).toBe(size);
    expect([got, ok]).toEqual([size, true]);
  });

  it('sendPosted leaves errors for the next call: a pending reset is not taken, EPIPE stays the state', async () => {
    const { sys, b, c, a } = await connected();
    expect(sys.sendto(c, new Uint8Array(10), 0, null, 0)).toBe(10);
    sys.close(a); // unread bytes: a reset
    const rev = [0];
    await b.poll([{ fd: c, events: 4 }], rev, 1000);
    expect(sys.table.get(c).pendingError).toBe(E.ECONNRESET);
    expect(await b.sendPosted(c, new Uint8Array(100), 0)).toBe(0);
    expect(sys.sendto(c, new Uint8Array(1), 0, null, 0)).toBe(-E.ECONNRESET);
    expect(await b.sendPosted(c, new Uint8Array(100), 0)).toBe(0);
    expect(sys.sendto(c, new Uint8Array(1), 0, null, 0)).toBe(-E.EPIPE);
  });

  it('poll waits with a timeout', async () => {
    const { b, c } = await connected();
    const rev = [0];
    const started = Date.now();
    expect(await b.poll([{ fd: c, events: 1 }], rev, 50)).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(49);
  });
});
