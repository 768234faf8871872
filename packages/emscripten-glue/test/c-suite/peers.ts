/**
 * The peers a conformance program talks to, started in the test process
 * (node:net, node:dgram): programs never spawn their own peers. Each peer
 * listens on 127.0.0.1 port 0; `PeerInfo` carries what was bound. No
 * vitest here: the wasm side of the suite reuses it as is.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientsSpec, PeerInfo, PeerKind } from './cases.js';

export interface RunningPeers {
  readonly info: PeerInfo;
  /** Problems the peers saw (a harness client got a wrong echo, ...). */
  readonly errors: string[];
  /** Call with each stdout line: `listening PORT` starts the harness clients. */
  onLine(line: string): void;
  /** Resolves when every harness client has finished (immediately if none). */
  clientsDone(): Promise<void>;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => resolve((server.address() as { port: number }).port));
  });
}

function bindUdp(sock: UdpSocket, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(port, HOST, () => resolve(sock.address().port));
  });
}

/**
 * A port that was free a moment ago: taken with `take(port)`, then let go.
 * Chosen below Linux's ephemeral range (32768–60999), so that no port-0
 * bind or connect of another test running meanwhile can take it before the
 * program connects to it (a Deno run once connected to such a port and got
 * an open callback where a refusal was due).
 */
async function freedPort(take: (port: number) => Promise<() => Promise<void>>): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    try {
      await (await take(port))();
      return port;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 50) throw e;
    }
  }
}

/** Byte i of a harness stream is (i % 251), as rs_fill() in rs_test.h. */
export function pattern(length: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = i % 251;
  return b;
}

/** A TCP port that was free a moment ago (bound, then released). */
function closedTcpPort(): Promise<number> {
  return freedPort(async (port) => {
    const s = createServer();
    await listen(s, port);
    return () => new Promise<void>((r) => s.close(() => r()));
  });
}

function closedUdpPort(): Promise<number> {
  return freedPort(async (port) => {
    const s = createSocket('udp4');
    const closed = () => new Promise<void>((r) => s.close(() => r()));
    await bindUdp(s, port).catch(async (e: unknown) => {
      await closed();
      throw e;
    });
    return closed;
  });
}

export async function startPeers(kinds: readonly PeerKind[], clients?: ClientsSpec): Promise<RunningPeers> {
  const servers: Server[] = [];
  const conns = new Set<Socket>();
  const udps: UdpSocket[] = [];
  const errors: string[] = [];
  const info: { -readonly [K in keyof PeerInfo]: PeerInfo[K] } = {
    echoPort: 0,
    sinkPort: 0,
    stallPort: 0,
    udpEchoPort: 0,
    closedTcpPort: 0,
    closedUdpPort: 0,
    tmpDir: '',
  };
  const track = (s: Socket) => {
    conns.add(s);
    s.on('error', () => undefined); // resets are part of some tests
    s.on('close', () => conns.delete(s));
  };
  const tcp = async (handler: (s: Socket) => void) => {
    const server = createServer((s) => {
      track(s);
      handler(s);
    });
    servers.push(server);
    return listen(server);
  };

  if (kinds.includes('tcpEcho')) info.echoPort = await tcp((s) => s.pipe(s));
  // Reads and discards; ends its side after the program's end.
  if (kinds.includes('tcpSink')) info.sinkPort = await tcp((s) => s.on('data', () => undefined).on('end', () => s.end()));
  // Never reads: the program's writes fill the kernel buffers.
  if (kinds.includes('tcpStall')) info.stallPort = await tcp((s) => s.pause());
  if (kinds.includes('udpEcho')) {
    const u = createSocket('udp4');
    u.on('message', (msg, rinfo) => u.send(msg, rinfo.port, rinfo.address));
    u.on('error', () => undefined);
    udps.push(u);
    info.udpEchoPort = await bindUdp(u);
  }
  if (kinds.includes('closedPorts')) {
    info.closedTcpPort = await closedTcpPort();
    info.closedUdpPort = await closedUdpPort();
  }
  if (kinds.includes('tmpDir')) info.tmpDir = mkdtempSync(join(tmpdir(), 'rawsock-c-'));

  // Harness clients: each sends `bytes` of the pattern, ends, and expects it echoed back.
  let started = false;
  let resolveClients: () => void = () => undefined;
  const done = new Promise<void>((r) => (resolveClients = r));
  if (!clients || !kinds.includes('tcpClients')) resolveClients();
  const startClients = (port: number, spec: ClientsSpec) => {
    let pending = spec.count;
    const finish = () => {
      if (--pending === 0) resolveClients();
    };
    for (let i = 0; i < spec.count; i++) {
      const sent = pattern(spec.bytes);
      const got: Buffer[] = [];
      const c = createConnection({ port, host: HOST });
      conns.add(c);
      c.on('connect', () => c.end(sent));
      c.on('data', (d) => got.push(d));
      c.on('error', (e) => errors.push(`client ${i}: ${e.message}`));
      c.on('close', () => {
        conns.delete(c);
        const echoed = Buffer.concat(got);
        if (!echoed.equals(sent)) errors.push(`client ${i}: sent ${sent.length} bytes, got ${echoed.length} back (not the same)`);
        finish();
      });
    }
  };

  return {
    info,
    errors,
    onLine(line) {
      const m = /^listening (\d+)$/.exec(line.trim());
      if (m && clients && kinds.includes('tcpClients') && !started) {
        started = true;
        startClients(Number(m[1]), clients);
      }
    },
    clientsDone: () => done,
    async close() {
      resolveClients();
      for (const c of conns) c.destroy();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      await Promise.all(udps.map((u) => new Promise<void>((r) => u.close(() => r()))));
      if (info.tmpDir) rmSync(info.tmpDir, { recursive: true, force: true });
    },
  };
}
