/**
 * Starts the socket worker for the `worker` blocking mode and connects the
 * program's thread to it: the bridge (SyncSockets over a SharedArrayBuffer)
 * for calls, and a listener for the readiness snapshots the worker posts.
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
import type { SocketSnapshot, WorkerInit } from './worker-messages.js';

/** The program thread's end of a running socket worker. */
export interface SocketWorker {
  readonly bridge: SyncSockets;
  /** Routes the snapshots of `fd` to `listener` (replacing any earlier one). */
  watch(fd: number, listener: (snap: SocketSnapshot) => void): void;
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
  const listeners = new Map<number, { listener: (s: SocketSnapshot) => void; started: boolean }>();
  const onSnapshot = (snap: SocketSnapshot) => {
    const entry = listeners.get(snap.fd);
    if (!entry) return;
    // Snapshots of an earlier socket with this fd number end before the new one's initial one.
    if (snap.initial) entry.started = true;
    if (entry.started) entry.listener(snap);
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
    w.on('message', onSnapshot);
    w.on('error', (e: Error) => console.error(`[rawsock] socket worker failed: ${e.message}`));
    worker = w;
  } else {
    // Bun: a Web Worker from a blob URL.
    const g = globalThis as unknown as { Worker: new (url: string, o: object) => AnyWorker & { onmessage: ((e: { data: SocketSnapshot }) => void) | null } };
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'application/javascript' }));
    const w = new g.Worker(url, { type: 'module' });
    w.onmessage = (e) => onSnapshot(e.data);
    worker = w;
  }
  worker.unref?.();
  const init: WorkerInit = { init: { memory, abi: options.abi, ...(options.policy !== undefined ? { policy: options.policy } : {}) } };
  worker.postMessage(init);
  const bridge = new SyncSockets(memory, (req) => worker.postMessage(req));
  bridge.waitUntilServing(options.startTimeoutMs ?? 10_000);
  let referenced = false;
  return {
    bridge,
    watch: (fd, listener) => listeners.set(fd, { listener, started: false }),
    setOpenSockets: (count) => {
      if (count > 0 && !referenced) worker.ref?.();
      if (count === 0 && referenced) worker.unref?.();
      referenced = count > 0;
    },
  };
}
