/**
 * Deno's `node:worker_threads`, reached through `process.getBuiltinModule`
 * so the package needs no Node type declarations. The sync API uses it
 * rather than a Web Worker because Deno's Web Workers cannot be
 * unreferenced: one would keep a finished program alive.
 * https://docs.deno.com/api/node/worker_threads/
 */

/** A worker module's URL (a WHATWG URL). */
export interface WorkerScript {
  readonly href: string;
  readonly protocol: string;
  readonly pathname: string;
}

/** The parts of a worker_threads Worker the sync API uses. */
export interface ThreadWorker {
  postMessage(message: unknown): void;
  unref(): void;
  terminate(): Promise<number>;
}

/** The parts of `node:worker_threads` the sync API uses. */
export interface WorkerThreads {
  Worker: new (url: WorkerScript, options: { workerData: unknown }) => ThreadWorker;
  parentPort: { on(event: 'message', listener: (message: unknown) => void): void } | null;
  workerData: unknown;
}

/** `node:worker_threads` from the host; a `[rawsock]` error if it is missing. */
export function workerThreads(): WorkerThreads {
  const p = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
  const wt = typeof p?.getBuiltinModule === 'function' ? (p.getBuiltinModule('node:worker_threads') as WorkerThreads | undefined) : undefined;
  if (!wt) throw new Error('[rawsock] @rawsock/deno/sync needs node:worker_threads (Deno 2 or later)');
  return wt;
}
