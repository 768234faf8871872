/**
 * The socket worker of the `worker` blocking mode: owns the fd table and the
 * provider, answers the bridge's requests with BlockingSyscalls (so a call
 * on a blocking fd waits here, in this thread's event loop, while the
 * program's thread sleeps in Atomics.wait), and posts a readiness snapshot
 * of each socket it creates. Bundled on its own (the build embeds it as
 * text in the runtime) and started from that text: on Node and Deno as a
 * worker_threads eval worker, on Bun as a Web Worker.
 */
import {
  BlockingSyscalls,
  E,
  ErrnoError,
  SERVER_GONE,
  SERVER_READY,
  SocketSyscalls,
  SocketTable,
  answerBridgeRequest,
  setServerState,
  type BridgeRequest,
} from '@rawsock/core';
import { parentPort } from 'node:worker_threads';
import { providerFor } from '../providers.js';
import { announceReady, snapshotOf, type SocketSnapshot, type WorkerInit } from './worker-messages.js';

interface Port {
  post(message: unknown): void;
  listen(handler: (message: unknown) => void): void;
}

/** worker_threads' parentPort (Node, Deno); the Web Worker global elsewhere (Bun). */
function hostPort(): Port {
  if (parentPort) {
    const p = parentPort;
    return { post: (m) => p.postMessage(m), listen: (h) => p.on('message', h) };
  }
  const self = globalThis as unknown as { postMessage(m: unknown): void; onmessage: ((e: { data: unknown }) => void) | null };
  return { post: (m) => self.postMessage(m), listen: (h) => (self.onmessage = (e) => h(e.data)) };
}

const port = hostPort();
let reserved: number[] = [];
const created: number[] = [];
let table: SocketTable | undefined;
let blocking: BlockingSyscalls | undefined;
let memory: SharedArrayBuffer | undefined;
let chain: Promise<void> = Promise.resolve();

/** Posts the socket's readiness after every change, and once at the start. */
function watch(t: SocketTable, fd: number): void {
  const s = t.get(fd);
  const snap = (mask: number, initial = false): SocketSnapshot => snapshotOf(s, fd, mask, initial);
  port.post(snap(0, true));
  const stop = t.subscribe(fd, (mask) => {
    port.post(snap(mask));
    if (mask & 0x20 /* POLLNVAL: closed */) stop();
  });
  announceReady(s);
}

function start(init: WorkerInit['init']): void {
  memory = init.memory;
  table = new SocketTable({
    provider: providerFor(),
    // The program's FS owns the fd space: use the fds the call brought.
    allocateFd: () => {
      const fd = reserved.shift();
      if (fd === undefined) throw new ErrnoError(E.EMFILE);
      created.push(fd);
      return fd;
    },
    isOtherFd: () => false,
    ...(init.policy !== undefined ? { policy: init.policy } : {}),
  });
  blocking = new BlockingSyscalls(new SocketSyscalls(table, { abi: init.abi }));
  setServerState(memory, SERVER_READY);
}

port.listen((message) => {
  if ((message as WorkerInit).init) {
    try {
      start((message as WorkerInit).init);
    } catch {
      if ((message as WorkerInit).init.memory) setServerState((message as WorkerInit).init.memory, SERVER_GONE);
    }
    return;
  }
  const req = message as BridgeRequest;
  chain = chain.then(async () => {
    if (!memory || !blocking || !table) return;
    reserved = [...(req.reserve ?? [])];
    created.length = 0;
    await answerBridgeRequest(memory, blocking, req);
    for (const fd of created.splice(0)) if (table.has(fd)) watch(table, fd);
  });
});

// A program blocked on a dead worker would sleep forever: answer it with EIO.
const g = globalThis as { process?: { on?(e: string, f: () => void): void }; addEventListener?(e: string, f: () => void): void };
const gone = () => memory && setServerState(memory, SERVER_GONE);
if (parentPort) {
  g.process?.on?.('exit', gone);
  g.process?.on?.('uncaughtException', gone);
} else {
  g.addEventListener?.('error', gone);
}
