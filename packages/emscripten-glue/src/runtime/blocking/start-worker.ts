/**
 * Starts the socket worker for the `worker` blocking mode and connects the
 * program's thread to it: the bridge (SyncSockets over a SharedArrayBuffer)
 * for calls, and the readiness board the worker writes, read when its wake
 * message arrives (at most one is in flight: memory stays bounded even if
 * the program never returns to its event loop).
 *
 * The worker is unreferenced while no socket is open, so a program that
 * finished never waits for it; while sockets are open it keeps the process
 * alive as the sockets themselves would in-thread (a program driven by
 * socket callbacks after main() returns).
 */
import { SyncSockets, createBridgeMemory, type OptionAbi, type PolicySpec } from '@rawsock/core';
import WORKER_SOURCE from 'rawsock:worker-source';
import { detectRuntime } from '../../detect-runtime.js';
import { getBuiltinModule } from './host-builtins.js';
import { BoardReader, createBoardMemory, type BoardRead } from './readiness-board.js';
import { PostQueueWriter, createPostQueueMemory } from './post-queue.js';
import { RingReader, createRingMemory } from './recv-rings.js';
import type { SocketSnapshot, WorkerInit, WorkerNudge, WorkerPosts } from './worker-messages.js';

const NUDGE: WorkerNudge = { nudge: true };
const POSTS: WorkerPosts = { posts: true };

/** The program thread's end of a running socket worker. */
export interface SocketWorker {
  readonly bridge: SyncSockets;
  /**
   * Routes the snapshots of `fd` to `listener` (replacing any earlier one):
   * the first (`initial`) at once, then one per wake in which it changed.
   */
  watch(fd: number, listener: (snap: SocketSnapshot) => void): void;
  /** The board's slot of `fd` as it stands (for answers that need no round trip; see local-answers.ts). */
  readiness(fd: number): BoardRead | undefined;
  /** EPOLLET's wakeup counter of `fd` for `events` (BoardReader.wakeups). */
  wakeups(fd: number, events: number): number | undefined;
  /** The receive rings: bytes of connected streams the program takes with no round trip (recv-rings.ts). */
  readonly rings: RingReader;
  /** The queue of posted sends (post-queue.ts). */
  readonly posts: PostQueueWriter;
  /** Keep the process alive while `count` (open sockets that callbacks wait on) is above 0. */
  setOpenSockets(count: number): void;
}

interface AnyWorker {
  postMessage(m: unknown): void;
  ref?(): void;
  unref?(): void;
}

/** Starts the worker from its bundled text; blocks until it serves. */
export function startSocketWorker(options: { abi: OptionAbi; policy?: PolicySpec | string; payloadBytes?: number; startTimeoutMs?: number }): SocketWorker {
  const memory = createBridgeMemory(options.payloadBytes);
  const boardMemory = createBoardMemory();
  const ringMemory = createRingMemory();
  // Posts once the worker exists (a nudge needs a taken byte, which needs a running worker).
  let post: (m: unknown) => void = () => undefined;
  const rings = new RingReader(ringMemory, () => post(NUDGE));
  const postMemory = createPostQueueMemory();
  const posts = new PostQueueWriter(postMemory, () => post(POSTS));
  const board = new BoardReader(boardMemory, (fd) => rings.consumed(fd));
  const listeners = new Map<number, { listener: (s: SocketSnapshot) => void; version: number; gen: number }>();
  // A wake: rearm first (a change written after this posts the next wake),
  // then deliver each watched fd whose slot changed since last time.
  const onWake = () => {
    board.rearm();
    for (const [fd, entry] of listeners) {
      const r = board.read(fd);
      // Another socket's slot (this fd was reused, its watch not yet called), or no change.
      if (!r || r.gen !== entry.gen || r.version === entry.version) continue;
      entry.version = r.version;
      if (r.snap.mask & 0x20 /* POLLNVAL: closed */) listeners.delete(fd);
      entry.listener(r.snap);
    }
  };
  let worker: AnyWorker;
  // worker_threads where it can be unreferenced (Node; Deno, whose Web
  // Workers always keep the process alive); Bun's Web Worker can be. But a
  // pthread build's Emscripten shell replaces the global Worker with
  // worker_threads' (`global.Worker = nodeWorkerThreads.Worker`), which
  // refuses a blob URL: Bun then gets the eval worker too, as Node does.
  const nodeWorkers = getBuiltinModule('node:worker_threads');
  const webWorker = (globalThis as { Worker?: unknown }).Worker;
  const useWebWorker = detectRuntime() === 'bun' && typeof webWorker === 'function' && webWorker !== nodeWorkers?.Worker;
  const wt = useWebWorker ? undefined : nodeWorkers;
  if (wt?.Worker) {
    const w = new wt.Worker(WORKER_SOURCE, { eval: true });
    w.on('message', onWake);
    w.on('error', (e: Error) => console.error(`[rawsock] socket worker failed: ${e.message}`));
    worker = w;
  } else {
    // Bun: a Web Worker from a blob URL.
    const g = globalThis as unknown as { Worker: new (url: string, o: object) => AnyWorker & { onmessage: (() => void) | null } };
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'application/javascript' }));
    const w = new g.Worker(url, { type: 'module' });
    w.onmessage = () => onWake();
    worker = w;
  }
  worker.unref?.();
  post = (m) => worker.postMessage(m);
  const init: WorkerInit = { init: { memory, board: boardMemory, rings: ringMemory, posts: postMemory, abi: options.abi, ...(options.policy !== undefined ? { policy: options.policy } : {}) } };
  worker.postMessage(init);
  const bridge = new SyncSockets(memory, (req) => worker.postMessage(req));
  bridge.waitUntilServing(options.startTimeoutMs ?? 10_000);
  let referenced = false;
  return {
    bridge,
    watch: (fd, listener) => {
      // The worker wrote this socket's first slot before answering the call that made the fd.
      const r = board.read(fd, false);
      if (!r) return;
      // version -1: the next wake delivers its state even if a change was written before this read.
      listeners.set(fd, { listener, version: -1, gen: r.gen });
      listener({ ...r.snap, initial: true });
    },
    readiness: (fd) => board.read(fd, false),
    rings,
    posts,
    wakeups: (fd, events) => board.wakeups(fd, events),
    setOpenSockets: (count) => {
      if (count > 0 && !referenced) worker.ref?.();
      if (count === 0 && referenced) worker.unref?.();
      referenced = count > 0;
    },
  };
}
