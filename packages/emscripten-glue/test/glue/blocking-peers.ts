/**
 * Harness peers for the blocking C programs (test/c-blocking): each starts
 * the program with `start(args, onLine)` (native or wasm, any runtime),
 * plays the other side over loopback, and returns what both sides saw.
 */
import { createConnection, createServer, type Socket } from 'node:net';
import type { Run } from './harness.js';

export type Start = (args: string[], onLine?: (line: string) => void) => Promise<Run>;

/** What a peer reports: the program's run plus what the peer received. */
export interface PeerResult {
  readonly run: Run;
  readonly peer: string[];
}

/** A server that sends "later" 200 ms after each connection, then ends it. */
export async function lateReply(start: Start): Promise<PeerResult> {
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((s) => {
    const t = setTimeout(() => s.end('later'), 200);
    timers.add(t);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    return { run: await start(['--port', String(port)]), peer: [] };
  } finally {
    for (const t of timers) clearTimeout(t);
    server.close();
  }
}

/** Clients of the accept-loop server: each sends its name and reads the answer to EOF. */
export function acceptLoop(start: Start, clients = 3): Promise<PeerResult> {
  const replies: Promise<string>[] = [];
  const done = start(['--clients', String(clients)], (line) => {
    const m = /^listening (\d+)$/.exec(line);
    if (!m) return;
    for (let i = 0; i < clients; i++) {
      replies.push(
        new Promise((resolve) => {
          const s = createConnection({ port: Number(m[1]), host: '127.0.0.1' }, () => s.write(`client${i}\n`));
          let got = '';
          s.on('data', (d) => (got += d));
          s.on('end', () => resolve(got));
          s.on('error', (e) => resolve(`error ${e.message}`));
        }),
      );
    }
  });
  return done.then(async (run) => ({ run, peer: (await Promise.all(replies)).sort() }));
}

/**
 * Three chat clients: once all are welcomed each sends a line; once each
 * has the other two's lines and the server has said "idle" (its poll timed
 * out), the first sends "/quit". Returns each client's lines (welcome
 * excluded), sorted.
 */
export function chat(start: Start, clients = 3): Promise<PeerResult> {
  const sockets: Socket[] = [];
  const seen: string[][] = [];
  let welcomed = 0;
  let complete = 0;
  let idle = false;
  const quitWhenDone = () => {
    if (idle && complete === clients) (sockets[0] as Socket).write('/quit\n');
  };
  const done = start([], (line) => {
    if (line === 'idle') {
      idle = true;
      quitWhenDone();
    }
    const m = /^listening (\d+)$/.exec(line);
    if (!m) return;
    for (let i = 0; i < clients; i++) {
      const s = createConnection({ port: Number(m[1]), host: '127.0.0.1' });
      sockets.push(s);
      seen.push([]);
      let buf = '';
      s.on('error', () => undefined);
      s.on('data', (d) => {
        buf += d;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const text = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (text.startsWith('welcome ')) {
            if (++welcomed === clients) sockets.forEach((c, k) => c.write(`line from c${k}\n`));
            continue;
          }
          (seen[i] as string[]).push(text.replace(/^\d+: /, ''));
          if ((seen[i] as string[]).length === clients - 1) {
            complete++;
            quitWhenDone();
          }
        }
      });
    }
  });
  return done.then((run) => {
    for (const s of sockets) s.destroy();
    return { run, peer: seen.map((lines, i) => `c${i}: ${[...lines].sort().join(', ')}`) };
  });
}

/** Reads exactly `size` bytes (checking the pattern), then sends `size` pattern bytes back and closes. */
export async function bulk(start: Start, size = 1536 * 1024): Promise<PeerResult> {
  const pattern = Buffer.alloc(size);
  for (let i = 0; i < size; i++) pattern[i] = i % 251;
  const verdict: string[] = [];
  const server = createServer((s) => {
    let got = 0;
    let mismatch = -1;
    s.on('error', () => undefined);
    s.on('data', (d: Buffer) => {
      for (let i = 0; i < d.length && mismatch < 0; i++) if (d[i] !== (got + i) % 251) mismatch = got + i;
      got += d.length;
      if (got >= size) {
        verdict.push(`peer read ${got} bytes${mismatch >= 0 ? `, first wrong at ${mismatch}` : ''}`);
        s.end(pattern);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  try {
    return { run: await start(['--port', String(port)]), peer: verdict };
  } finally {
    server.close();
  }
}

/**
 * The peer of send_peer_close.c: it sends 4 MiB on every connection and
 * reads nothing (so both sides' buffers fill), and closes every open
 * connection 300 ms after the program prints "sending" and at once when it
 * prints "closing". The unread data makes each close a reset.
 */
export async function sendPeerClose(start: Start): Promise<PeerResult> {
  const open = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer({ pauseOnConnect: true }, (s) => {
    open.add(s);
    s.on('error', () => undefined);
    s.write(Buffer.alloc(4 << 20, 'x'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const closed: string[] = [];
  const closeAll = (why: string) => {
    closed.push(`${why}: closed ${open.size} connection(s) unread`);
    for (const s of open) s.destroy();
    open.clear();
  };
  try {
    const run = await start(['--port', String(port)], (line) => {
      if (line === 'closing') closeAll('closing');
      if (line !== 'sending') return;
      const t = setTimeout(() => closeAll('sending'), 300);
      timers.add(t);
    });
    return { run, peer: closed };
  } finally {
    for (const t of timers) clearTimeout(t);
    for (const s of open) s.destroy();
    server.close();
  }
}
