/**
 * The socket worker of the `worker` blocking mode: owns the fd table and the
 * provider, answers the bridge's requests with BlockingSyscalls (so a call
 * on a blocking fd waits here, in this thread's event loop, while the
 * program's thread sleeps in Atomics.wait), and publishes the readiness of
 * each socket it creates on the readiness board (readiness-board.ts),
 * waking the program's thread with at most one message at a time. Bundled on its own (the build embeds it as
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
import { detectRuntime } from '../../detect-runtime.js';
import { providerFor } from '../providers.js';
import { BoardWriter, type BoardEntry } from './readiness-board.js';
import { peerMayBeHere } from './local-peer.js';
import { PostQueueReader } from './post-queue.js';
import { RingWriter } from './recv-rings.js';
import { announceReady, snapshotOf, type WorkerInit, type WorkerNudge, type WorkerPosts, type WorkerWake } from './worker-messages.js';

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
let board: BoardWriter | undefined;
let rings: RingWriter | undefined;
let posts: PostQueueReader | undefined;
let chain: Promise<void> = Promise.resolve();
const WAKE: WorkerWake = { wake: true };
// On Deno setImmediate turns delay the next request rather than keep the loop awake (BridgeServeOptions).
const SERVE_OPTIONS = { keepLoopWarm: detectRuntime() !== 'deno' };

/** Each fd's board subscription (a new socket at the fd, or its close, ends the old one). */
const boardWatches = new Map<number, () => void>();

function unwatch(fd: number): void {
  rings?.detach(fd);
  peerHere.delete(fd);
  boardWatches.get(fd)?.();
  boardWatches.delete(fd);
}

/** Bytes of posted sends run per fd, for the socket now at the fd (BoardEntry.postedDone). */
const postedDone = new Map<number, number>();

/** What the board shows of socket `s` at `fd` with poll mask `mask`. */
type AnySocket = ReturnType<SocketTable['get']>;

/** The socket if it is a stream (the only kind with a receive ring). */
const streamOf = (s: AnySocket) => ('receivedStart' in s ? s : undefined);

function entryOf(t: SocketTable, s: AnySocket, fd: number, mask: number): BoardEntry {
  const rxStart = streamOf(s)?.receivedStart() ?? 0;
  return { ...snapshotOf(s, fd, mask), nonBlocking: s.nonBlocking, arrivals: s.arrivals, room: s.sendRoom(), postedDone: postedDone.get(fd) ?? 0, rxStart, localPeer: localPeerOf(t, s, fd) };
}

/** Per fd, for the socket now there: peerMayBeHere's settled answer. */
const peerHere = new Map<number, { socket: AnySocket; here: boolean }>();

/** BoardEntry.localPeer of the connected stream `s` at `fd` (false for others: only they post sends). */
function localPeerOf(t: SocketTable, s: AnySocket, fd: number): boolean {
  if (s.state !== 'connected' || !streamOf(s)) return false;
  const known = peerHere.get(fd);
  if (known?.socket === s) return known.here;
  const here = peerMayBeHere(t, s);
  if (here !== 'unsettled') peerHere.set(fd, { socket: s, here });
  return here !== false;
}

/** Before a board write of a stream's fd: its receive ring gets what core queued since (recv-rings.ts). */
function mirror(fd: number, s: AnySocket): void {
  const stream = streamOf(s);
  if (stream) rings?.fill(fd, stream);
}

/** Writes the slot of `fd` from its socket now. */
function publish(t: SocketTable, fd: number, b: BoardWriter, fresh = false): void {
  const s = t.get(fd);
  mirror(fd, s);
  b.write(fd, entryOf(t, s, fd, t.revents({ fd, events: 0xffff })), fresh, false);
}

/**
 * Publishes the socket's readiness after every change. Its first slot is
 * written before the call that made the fd is answered (the program reads
 * it as that call returns), so the program never reads an earlier
 * socket's slot at this fd.
 */
function watch(t: SocketTable, fd: number, b: BoardWriter): void {
  unwatch(fd);
  const s = t.get(fd);
  postedDone.delete(fd);
  rings?.reset(fd, streamOf(s));
  publish(t, fd, b, true);
  const stop = t.subscribe(fd, (mask) => {
    if (!(mask & 0x20)) mirror(fd, s);
    b.write(fd, entryOf(t, s, fd, mask), false, true);
    if (mask & 0x20 /* POLLNVAL: closed */) unwatch(fd);
  });
  boardWatches.set(fd, stop);
  announceReady(s);
}

/** The fd a request acts on (the ones with no fd argument: none). */
function fdOf(req: BridgeRequest): number | undefined {
  return req.op === 'socket' || req.op === 'socketpair' || req.op === 'poll' || req.op === 'lookup' ? undefined : req.args[0];
}

/**
 * Before a call is answered, the board must show at least what the call
 * could tell the program: its effects are published. Readiness changes the
 * call made are flushed by core after the current job (a microtask queued
 * before this one's continuation); the call's own fd is written outright
 * (O_NONBLOCK changes notify no one); new fds get their first slot.
 */
async function publishEffects(t: SocketTable, b: BoardWriter, req: BridgeRequest, result: number): Promise<void> {
  await Promise.resolve();
  for (const fd of created.splice(0)) if (t.has(fd)) watch(t, fd, b);
  if (req.op === 'dupto' && result >= 0 && t.has(result)) watch(t, result, b);
  const fd = fdOf(req);
  if (fd === undefined) return;
  if (req.op === 'close' && result >= 0) unwatch(fd);
  else if (t.has(fd) && boardWatches.has(fd)) {
    // The program waits for this answer: the ring may follow what core consumed.
    const stream = streamOf(t.get(fd));
    if (stream) rings?.reconcile(fd, stream);
    publish(t, fd, b);
  }
}

/** Answers one request after the ones before it. */
function serve(req: BridgeRequest): Promise<void> {
  chain = chain.then(async () => {
    if (!memory || !blocking || !table || !board) return;
    const [t, b] = [table, board];
    // Core answers for what the program has not read: apply what it took from the rings.
    rings?.syncAll();
    reserved = [...(req.reserve ?? [])];
    created.length = 0;
    await answerBridgeRequest(memory, blocking, req, (result) => publishEffects(t, b, req, result), SERVE_OPTIONS);
  });
  return chain;
}

/**
 * Runs the queued posted sends (post-queue.ts), in order, in the request
 * chain: each as BlockingSyscalls.sendPosted, counted in its fd's
 * postedDone whatever it met, and the board of each fd written once after.
 */
async function runPosted(): Promise<void> {
  if (!posts || !blocking || !table || !board) return;
  const [t, b, bs] = [table, board, blocking];
  rings?.syncAll();
  const touched = new Set<number>();
  await posts.drain(async (fd, flags, data) => {
    await bs.sendPosted(fd, data, flags);
    postedDone.set(fd, ((postedDone.get(fd) ?? 0) + data.byteLength) | 0);
    touched.add(fd);
  });
  // Core flushes the sends' readiness changes after this job (see publishEffects).
  await Promise.resolve();
  for (const fd of touched) if (t.has(fd) && boardWatches.has(fd)) publish(t, fd, b);
}

function start(init: WorkerInit['init']): void {
  memory = init.memory;
  board = new BoardWriter(init.board, () => port.post(WAKE));
  rings = new RingWriter(init.rings);
  posts = new PostQueueReader(init.posts);
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
  if ((message as WorkerPosts).posts) {
    chain = chain.then(runPosted);
    return;
  }
  if ((message as WorkerNudge).nudge) {
    rings?.clearNudge();
    rings?.syncAll();
    return;
  }
  void serve(message as BridgeRequest);
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
