/**
 * The program's end with sent bytes still on their way (close_then_exit.c:
 * send until EAGAIN to a peer that is not reading, close, exit). On Linux
 * the kernel goes on sending after the process has ended, so a peer that
 * reads later gets every byte, then EOF, and the process exits at once.
 *
 * A host process has no kernel to leave the bytes to: it stays up while they
 * move and resets a connection whose peer took nothing for 2 s (core's
 * orphans.ts; worker mode: the exit's drain). Emscripten 3.1 ends the
 * process with process.exit, so there the bytes the host held are dropped
 * and the peer sees a reset — never a stream that ends early with a clean
 * EOF (except on Deno, which cannot send a reset: README deviations).
 */
import { readSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { NODES, buildNative, buildWasm, emccVersion, run } from './harness.js';
import { OTHERS, artifactFor } from './other-runtimes.js';
import { ORPHAN_STALL_MS } from '../../src/runtime/exit-bounds.js';

const here = dirname(fileURLToPath(import.meta.url));
const emcc = emccVersion();
/** Emscripten 4 and later leave the process to end when its event loop is empty; 3.1 calls process.exit. */
const exitWaits = !!emcc && Number(emcc.split('.')[0]) >= 4;

interface PeerView {
  /** "sent N" from the program. */
  sent: number;
  /** Bytes the peer read, and whether they follow the pattern. */
  received: number;
  inOrder: boolean;
  /** How the stream ended for the peer: 'eof', or the error's code. */
  end: string;
  /** Exit status, and ms from the program's "close" line to its exit. */
  code: number | null;
  exitAfterCloseMs: number;
  stdout: string;
}

/**
 * Runs the program against a peer that reads nothing until `readAfter`
 * says so: 'close+1s' (1 s after the program's close) or 'exit' (after the
 * process has exited).
 */
async function against(argv: (args: string[]) => [string, string[]], readAfter: 'close+1s' | 'exit'): Promise<PeerView> {
  let peer: Socket | undefined;
  let received = 0;
  let inOrder = true;
  let reading: Promise<string> | undefined;
  // The peer never reads through node:net: libuv, starting to read only
  // after a reset came, can report it as EOF (seen). read(2) on its fd says
  // what Linux says.
  const startReading = () =>
    (reading ??= peer
      ? readRaw(peer, (d) => {
          for (let i = 0; i < d.length && inOrder; i++) if (d[i] !== (received + i) % 251) inOrder = false;
          received += d.length;
        })
      : Promise.resolve('no connection'));
  const server = createServer({ pauseOnConnect: true, allowHalfOpen: true }, (c) => {
    peer = c;
    c.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    let closedAt = 0;
    const [cmd, args] = argv(['--port', String((server.address() as { port: number }).port)]);
    const r = await run(cmd, args, (line) => {
      if (!line.startsWith('close ')) return;
      closedAt = performance.now();
      if (readAfter === 'close+1s') setTimeout(startReading, 1000);
    }, 30_000);
    const exitAfterCloseMs = closedAt ? performance.now() - closedAt : -1;
    if (readAfter === 'exit') startReading();
    // In 'close+1s' the read starts from the timer, which may still be ahead.
    await new Promise((r2) => setTimeout(r2, readAfter === 'close+1s' ? Math.max(0, 1100 - exitAfterCloseMs) : 0));
    const end = await startReading();
    return { sent: Number(/^sent (\d+)$/m.exec(r.stdout)?.[1] ?? -1), received, inOrder, end, code: r.code, exitAfterCloseMs, stdout: r.stdout };
  } finally {
    peer?.destroy();
    server.close();
  }
}

/**
 * Reads a paused node:net socket with read(2) on its fd (non-blocking: on
 * EAGAIN waits a little, 10 s at most) until EOF ('eof') or an error (its
 * code), passing the bytes on.
 */
async function readRaw(socket: Socket, onData: (d: Buffer) => void): Promise<string> {
  const fd = (socket as unknown as { _handle: { fd: number } })._handle.fd;
  const buf = Buffer.alloc(1 << 16);
  for (const until = performance.now() + 10_000; performance.now() < until; ) {
    try {
      const n = readSync(fd, buf);
      if (n === 0) return 'eof';
      onData(buf.subarray(0, n));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error';
      if (code !== 'EAGAIN') return code;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  return 'timeout';
}

/** Every byte, in order, then EOF; the program exited 0. */
function expectDelivered(v: PeerView): void {
  expect(v.code, v.stdout).toBe(0);
  expect(v.sent).toBeGreaterThan(0);
  expect({ received: v.received, inOrder: v.inOrder, end: v.end }).toEqual({ received: v.sent, inOrder: true, end: 'eof' });
}

/** What arrived is in order and short of what was sent, and the peer is told: a reset (Deno, which cannot reset: EOF). */
function expectCutWithReset(v: PeerView, deno: boolean): void {
  expect(v.code, v.stdout).toBe(0);
  expect(v.inOrder).toBe(true);
  expect(v.received).toBeLessThan(v.sent);
  expect(v.end).toBe(deno ? 'eof' : 'ECONNRESET');
}

const RUNTIMES = [
  ...NODES.map((n) => ({ name: n.name, deno: false, argv: (wasm: string, args: string[]): [string, string[]] => [n.bin, [wasm, ...args]] })),
  ...OTHERS.map((rt) => ({ name: rt.name, deno: rt.name === 'Deno', argv: (wasm: string, args: string[]): [string, string[]] => [rt.cmd, [...rt.args, artifactFor(rt, wasm), ...args]] })),
];

describe.skipIf(!emcc)(`the program ends with sent bytes on their way (emcc ${emcc})`, () => {
  let native = '';
  const wasm = { never: '', worker: '' };
  beforeAll(() => {
    const src = join(here, 'c', 'close_then_exit.c');
    native = buildNative(src);
    wasm.never = buildWasm(src, ['--rawsock-blocking=never'], '-never');
    wasm.worker = buildWasm(src, ['--rawsock-blocking=worker'], '-worker');
  }, 240_000);

  it('natively: exits at once; a peer that reads after the exit gets every byte, then EOF', async () => {
    const v = await against((args) => [native, args], 'exit');
    expectDelivered(v);
    expect(v.exitAfterCloseMs).toBeLessThan(ORPHAN_STALL_MS);
  });

  for (const rt of RUNTIMES) {
    it(`in-thread on ${rt.name}: a peer that starts reading 1 s after the close ${exitWaits ? 'gets every byte, then EOF' : 'gets what the kernel held, then a reset (emcc 3.1 exits at once: README deviations)'}`, async () => {
      const v = await against((args) => rt.argv(wasm.never, args), 'close+1s');
      if (exitWaits) expectDelivered(v);
      else expectCutWithReset(v, rt.deno);
    }, 60_000);

    it(`in-thread on ${rt.name}: with a peer that never reads, the process ${exitWaits ? `ends ${ORPHAN_STALL_MS} ms after the last progress` : 'ends at once'} and the peer sees a reset`, async () => {
      const v = await against((args) => rt.argv(wasm.never, args), 'exit');
      expectCutWithReset(v, rt.deno);
      if (exitWaits) expect(v.exitAfterCloseMs).toBeGreaterThanOrEqual(ORPHAN_STALL_MS - 50);
      expect(v.exitAfterCloseMs).toBeLessThan(ORPHAN_STALL_MS + 8000);
    }, 60_000);

    it(`worker mode on ${rt.name}: a peer that starts reading 1 s after the close gets every byte, then EOF`, async () => {
      expectDelivered(await against((args) => rt.argv(wasm.worker, args), 'close+1s'));
    }, 60_000);

    it(`worker mode on ${rt.name}: with a peer that never reads, the exit waits ${ORPHAN_STALL_MS} ms, then the peer sees a reset`, async () => {
      const v = await against((args) => rt.argv(wasm.worker, args), 'exit');
      expectCutWithReset(v, rt.deno);
      expect(v.exitAfterCloseMs).toBeGreaterThanOrEqual(ORPHAN_STALL_MS - 50);
      expect(v.exitAfterCloseMs).toBeLessThan(ORPHAN_STALL_MS + 8000);
    }, 60_000);
  }
});
