/**
 * Orphans: streams closed while the host still holds bytes they sent. They
 * are kept while the bytes move; once the program has ended, one that
 * makes no progress for the bound is reset (orphans.ts).
 */
import { describe, expect, it } from 'vitest';
import { RawSockets } from '../src/api.js';
import { MSG_DONTWAIT } from '../src/constants.js';
import { MemoryProvider } from '../src/memory/index.js';
import { Orphans, type Orphan } from '../src/orphans.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An orphan whose unsent count the test moves; records abandon(). */
function fakeOrphan(unsent: number): Orphan & { unsent: number; abandoned: boolean } {
  return {
    unsent,
    abandoned: false,
    unsentBytes() {
      return this.unsent;
    },
    abandon() {
      this.abandoned = true;
    },
  };
}

describe('Orphans', () => {
  it('without a bound, an orphan that never moves is kept', async () => {
    const orphans = new Orphans();
    const o = fakeOrphan(100);
    orphans.add(o);
    await sleep(80);
    expect(o.abandoned).toBe(false);
    expect(orphans.unsentBytes()).toBe(100);
  });

  it('with a bound, a stalled orphan is abandoned once the bound has passed, not before', async () => {
    const orphans = new Orphans();
    const o = fakeOrphan(100);
    orphans.add(o);
    orphans.limitStall(60);
    await sleep(30);
    expect(o.abandoned).toBe(false);
    await sleep(80);
    expect(o.abandoned).toBe(true);
    expect(orphans.size).toBe(0);
  });

  it('progress restarts the count: an orphan that keeps moving is kept, and abandoned once it stops', async () => {
    const orphans = new Orphans();
    const o = fakeOrphan(1000);
    orphans.limitStall(60);
    orphans.add(o);
    for (let i = 0; i < 6; i++) {
      await sleep(30);
      o.unsent -= 10;
    }
    expect(o.abandoned).toBe(false);
    await sleep(150);
    expect(o.abandoned).toBe(true);
  });

  it('an orphan written (deleted) before the bound is not abandoned; abandonAll drops the rest at once', async () => {
    const orphans = new Orphans();
    const done = fakeOrphan(5);
    const stuck = fakeOrphan(7);
    orphans.limitStall(40);
    orphans.add(done);
    orphans.add(stuck);
    orphans.delete(done);
    expect(orphans.abandonAll()).toBe(7);
    expect(stuck.abandoned).toBe(true);
    await sleep(80);
    expect(done.abandoned).toBe(false);
  });

  it('refuses a bound that is not a finite number of ms', () => {
    expect(() => new Orphans().limitStall(-1)).toThrow(/\[rawsock\]/);
    expect(() => new Orphans().limitStall(Number.NaN)).toThrow(/\[rawsock\]/);
  });
});

/** A connection whose accepting side does not read, and the client filled until EAGAIN. */
async function filledConnection(): Promise<{ net: RawSockets; c: number; a: number; sent: number }> {
  const net = new RawSockets({ provider: new MemoryProvider(), limits: { streamReceiveBytes: 64 * 1024, streamSendBytes: 64 * 1024 } });
  const l = net.socket('ipv4', 'stream').value!;
  net.bind(l, { family: 'ipv4', address: '127.0.0.1', port: 0 });
  net.listen(l, 4);
  const c = net.socket('ipv4', 'stream').value!;
  await net.connectAsync(c, net.getsockname(l).value!, 2000);
  const a = (await net.acceptAsync(l)).value!.fd;
  net.close(l);
  const chunk = new Uint8Array(16 * 1024).map((_, i) => i % 251);
  let sent = 0;
  // Until the peer's receive room and this side's send room are both used up.
  for (let round = 0; round < 50; round++) {
    const r = net.send(c, chunk, MSG_DONTWAIT);
    if (r.ok) sent += r.value;
    else await sleep(5);
  }
  return { net, c, a, sent };
}

describe('a closed stream whose peer does not read (MemoryProvider)', () => {
  it('after programEnded, its connection is reset once the bound passes without progress', async () => {
    const { net, c, a, sent } = await filledConnection();
    net.close(c);
    expect(net.table.unsentBytes()).toBeGreaterThan(0);
    net.table.programEnded(50);
    await sleep(150);
    expect(net.table.unsentBytes()).toBe(0);
    // The peer reads what had arrived, short of what was sent, then the reset.
    let got = 0;
    for (;;) {
      const r = net.recv(a, 1 << 20, MSG_DONTWAIT);
      if (!r.ok) {
        expect(r.code).toBe('ECONNRESET');
        break;
      }
      expect(r.value.byteLength).toBeGreaterThan(0);
      got += r.value.byteLength;
    }
    expect(got).toBeLessThan(sent);
    net.closeAll();
  });

  it('while the peer reads, however slowly, every byte arrives and then EOF', async () => {
    const { net, c, a, sent } = await filledConnection();
    net.close(c);
    net.table.programEnded(400);
    let got = 0;
    let eof = false;
    for (let i = 0; i < 400 && !eof; i++) {
      // 4 KiB every 20 ms: the host writes more each time the reader has freed half its queue (32 KiB, 160 ms), inside the bound.
      const r = net.recv(a, 4096, MSG_DONTWAIT);
      if (r.ok && r.value.byteLength === 0) eof = true;
      else if (r.ok) got += r.value.byteLength;
      else expect(r.code).toBe('EAGAIN');
      await sleep(20);
    }
    expect({ got, eof }).toEqual({ got: sent, eof: true });
    expect(net.table.unsentBytes()).toBe(0);
    net.closeAll();
  });
});
