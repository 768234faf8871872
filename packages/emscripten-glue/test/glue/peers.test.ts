/**
 * Clients against peers the test runs with node:net and node:dgram: a TCP
 * client driven by select() and read()/write(), and a UDP client (sendto,
 * recvfrom, connected send/recv, sendmsg/recvmsg iovecs, MSG_TRUNC,
 * sendmmsg/recvmmsg, readv/writev). The wasm build prints exactly what the
 * native build prints, on Node 20 and Node 26, and on Deno and Bun with
 * their providers.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODES, buildNative, buildWasm, emccVersion, run, source } from './harness.js';
import { OTHERS, artifactFor } from './other-runtimes.js';

const emcc = emccVersion();
const PROGRAMS = ['tcp_client.c', 'udp_echo.c'] as const;
const built: Record<string, { native: string; wasm: string }> = {};
let tcp: Server;
let udp: Socket;
const ports = { tcp: 0, udp: 0 };

describe.skipIf(!emcc)(`clients against real peers (emcc ${emcc})`, () => {
  beforeAll(async () => {
    for (const name of PROGRAMS) built[name] = { native: buildNative(source(name)), wasm: buildWasm(source(name)) };
    // Echo servers; the TCP one ends its side when the client's side ends.
    tcp = createServer({ allowHalfOpen: true }, (c) => c.pipe(c));
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    ports.tcp = (tcp.address() as { port: number }).port;
    udp = createSocket('udp4');
    udp.on('message', (m, from) => udp.send(m, from.port, from.address));
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
    ports.udp = udp.address().port;
  }, 120_000);
  afterAll(() => {
    tcp?.close();
    udp?.close();
  });

  const expected: Record<string, RegExp> = {
    'tcp_client.c': /read 200000 bytes back, identical\nshutdown\(SHUT_WR\) 0\nEOF after 200000 bytes\nclose 0\ndone\n$/,
    'udp_echo.c': /recvmsg 7 'scat\|ter' MSG_TRUNC 1 namelen 16 controllen 0\n[^]*recv\(4, MSG_TRUNC\) 10[^]*recvmmsg got 'one' and 'two!'\nwritev 6 \(one datagram\)\nreadv 6 '1234\|56'\nnothing more: -1 EAGAIN\nclose 0\ndone\n$/,
  };

  for (const name of PROGRAMS) {
    const port = () => String(name.startsWith('tcp') ? ports.tcp : ports.udp);
    it(`${name}: the native run completes`, async () => {
      const r = await run(built[name]!.native, [port()]);
      expect(r.stdout).toMatch(expected[name]!);
      expect(r.code).toBe(0);
    });
    for (const node of NODES) {
      it(`${name}: wasm on ${node.name} prints what the native run prints`, async () => {
        const native = await run(built[name]!.native, [port()]);
        const wasm = await run(node.bin, [built[name]!.wasm, port()]);
        expect(wasm.stdout).toBe(native.stdout);
        expect(wasm.code).toBe(0);
      });
    }
    for (const rt of OTHERS) {
      it(`${name}: wasm on ${rt.name} prints what the native run prints`, async () => {
        const native = await run(built[name]!.native, [port()]);
        const wasm = await run(rt.cmd, [...rt.args, artifactFor(rt, built[name]!.wasm), port()]);
        expect(wasm.stdout).toBe(native.stdout);
        expect(wasm.code).toBe(0);
      });
    }
  }
});
