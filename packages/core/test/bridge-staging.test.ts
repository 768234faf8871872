/**
 * The bridge carries a request's input bytes (send data, option values, a
 * sockaddr) in its shared memory rather than in the message, because
 * Deno's worker_threads postMessage copies bytes slowly (protocol.ts).
 * These tests run both ends in one thread: the client posts to a fake
 * server that answers at once (recording the message), then the real
 * server answers the recorded request over a MemoryProvider table.
 */
import { describe, expect, it } from 'vitest';
import { BlockingSyscalls } from '../src/blocking.js';
import { SyncSockets } from '../src/bridge/client.js';
import { ADDR_BYTES, HEADER_BYTES, SERVER_READY, SLOT, STATE_ANSWER, createBridgeMemory, type BridgeRequest } from '../src/bridge/protocol.js';
import { answerBridgeRequest } from '../src/bridge/server.js';
import { AF_INET, SOCK_DGRAM, SOCK_NONBLOCK, SOCK_STREAM } from '../src/constants.js';
import { MemoryProvider } from '../src/memory/index.js';
import { encodeSockaddr } from '../src/sockaddr.js';
import { SocketSyscalls } from '../src/syscalls.js';
import { SocketTable } from '../src/table.js';

/** A client whose posts are recorded and answered at once with `result`. */
function recordingClient(payloadBytes: number, result = 0): { net: SyncSockets; memory: SharedArrayBuffer; posted: BridgeRequest[] } {
  const memory = createBridgeMemory(payloadBytes);
  const header = new Int32Array(memory, 0, HEADER_BYTES / 4);
  header[SLOT.server] = SERVER_READY;
  const posted: BridgeRequest[] = [];
  const net = new SyncSockets(memory, (req) => {
    posted.push(req);
    header[SLOT.result] = result;
    Atomics.store(header, SLOT.state, STATE_ANSWER);
  });
  return { net, memory, posted };
}

const bytes = (n: number, seed: number) => new Uint8Array(n).map((_, i) => (i * 7 + seed) % 256);

describe('bridge request bytes in shared memory', () => {
  it('a send that fits goes into the payload region and its address into the address region; the message carries neither', () => {
    const { net, memory, posted } = recordingClient(256, 64);
    const data = bytes(64, 1);
    net.sendto(3, data, { family: 'ipv4', address: '127.0.0.1', port: 9 });
    const req = posted[0] as BridgeRequest;
    expect(req.op).toBe('sendto');
    expect(req.data).toBeUndefined();
    expect(req.addr).toBeUndefined();
    const header = new Int32Array(memory, 0, HEADER_BYTES / 4);
    expect(header[SLOT.requestData]).toBe(64);
    expect(header[SLOT.requestAddr]).toBe(16);
    expect([...new Uint8Array(memory, HEADER_BYTES + ADDR_BYTES, 64)]).toEqual([...data]);
    expect([...new Uint8Array(memory, HEADER_BYTES, 16)]).toEqual([...encodeSockaddr({ family: 'ipv4', address: '127.0.0.1', port: 9 })]);
  });

  it('bytes larger than the payload region stay in the message; a call without input bytes clears the lengths', () => {
    const { net, memory, posted } = recordingClient(256, 300);
    const big = bytes(300, 2);
    net.sendto(3, big, { family: 'ipv4', address: '127.0.0.1', port: 9 });
    const header = new Int32Array(memory, 0, HEADER_BYTES / 4);
    expect([...(posted[0]?.data ?? [])]).toEqual([...big]);
    expect(header[SLOT.requestData]).toBe(0);
    expect(header[SLOT.requestAddr]).toBe(16);
    net.listen(3, 1);
    expect(posted[1]).toEqual({ op: 'listen', args: [3, 1] });
    expect(header[SLOT.requestData]).toBe(0);
    expect(header[SLOT.requestAddr]).toBe(0);
  });

  it('the server sends the staged bytes to the staged address; the datagram survives the memory being reused', async () => {
    const blocking = new BlockingSyscalls(new SocketSyscalls(new SocketTable({ provider: new MemoryProvider() })));
    const sys = blocking.sys;
    const rx = sys.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    expect(sys.bind(rx, encodeSockaddr({ family: 'ipv4', address: '127.0.0.1', port: 0 }), 16)).toBe(0);
    const name = new Uint8Array(16);
    expect(sys.getsockname(rx, name, 16)).toBe(0);
    const tx = sys.socket(AF_INET, SOCK_DGRAM, 0);

    const { net, memory, posted } = recordingClient(256, 64);
    const data = bytes(64, 3);
    net.sendto(tx, data, { family: 'ipv4', address: '127.0.0.1', port: (name[2] as number) * 256 + (name[3] as number) });
    await answerBridgeRequest(memory, blocking, posted[0] as BridgeRequest);
    expect(new Int32Array(memory, 0, HEADER_BYTES / 4)[SLOT.result]).toBe(64);
    new Uint8Array(memory).fill(0xee, HEADER_BYTES);

    const got = new Uint8Array(128);
    let n = -11;
    for (let i = 0; i < 50 && n === -11; i++) {
      n = sys.recvfrom(rx, got, 0, null, 0);
      if (n === -11) await new Promise((r) => setTimeout(r, 1));
    }
    expect([...got.subarray(0, Math.max(n, 0))]).toEqual([...data]);
  });

  it('a stream send served from shared memory arrives intact after the memory is reused', async () => {
    const blocking = new BlockingSyscalls(new SocketSyscalls(new SocketTable({ provider: new MemoryProvider() })));
    const sys = blocking.sys;
    const l = sys.socket(AF_INET, SOCK_STREAM, 0);
    expect(sys.bind(l, encodeSockaddr({ family: 'ipv4', address: '127.0.0.1', port: 0 }), 16)).toBe(0);
    expect(sys.listen(l, 1)).toBe(0);
    const name = new Uint8Array(16);
    sys.getsockname(l, name, 16);
    const c = sys.socket(AF_INET, SOCK_STREAM, 0);
    expect(await blocking.connect(c, name, 16)).toBe(0);
    const a = await blocking.accept4(l, null, 0, 0);
    expect(a).toBeGreaterThanOrEqual(0);

    const { net, memory, posted } = recordingClient(4096, 1000);
    const data = bytes(1000, 4);
    net.send(c, data);
    await answerBridgeRequest(memory, blocking, posted[0] as BridgeRequest);
    expect(new Int32Array(memory, 0, HEADER_BYTES / 4)[SLOT.result]).toBe(1000);
    new Uint8Array(memory).fill(0xee, HEADER_BYTES);

    const got = new Uint8Array(2000);
    let total = 0;
    while (total < 1000) {
      const r = await blocking.recvfrom(a, got.subarray(total), 0, null, 0);
      expect(r).toBeGreaterThan(0);
      total += r;
    }
    expect([...got.subarray(0, 1000)]).toEqual([...data]);
  });
});
