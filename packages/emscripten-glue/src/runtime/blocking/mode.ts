/**
 * Which way a blocking socket call waits, decided once per program run.
 *
 * - `suspend`: the build can suspend the wasm stack (-sASYNCIFY, or -sJSPI
 *   with emcc ≥ 4), so a blocking call suspends the program until the
 *   core's promise settles.
 * - `worker`: the sockets live in a worker; the program's thread sleeps in
 *   Atomics.wait on a SharedArrayBuffer until each call completes.
 * - `thread`: -sPROXY_TO_PTHREAD builds: the calling thread sleeps on its
 *   own while the main thread's event loop waits for the core's promise
 *   (library_rawsock_threads.js), so other threads' calls go on.
 * - `never`: Emscripten's event-driven behaviour — a blocking fd answers
 *   EAGAIN/EINPROGRESS like a non-blocking one; poll/select do not wait.
 * - `auto` (the default): suspend if the build can, else thread in a
 *   -sPROXY_TO_PTHREAD build, else worker if the runtime can, else never
 *   with a one-time warning naming the fix.
 */

/** A mode the user may ask for (link time or run time). */
export type BlockingRequest = 'auto' | 'suspend' | 'worker' | 'thread' | 'never';
/** The mode a program runs in. */
export type BlockingMode = 'suspend' | 'worker' | 'thread' | 'never';

export const BLOCKING_REQUESTS: readonly BlockingRequest[] = ['auto', 'suspend', 'worker', 'thread', 'never'];

/** What the build and the runtime offer. */
export interface BlockingAbilities {
  /** The build was linked with -sASYNCIFY or -sJSPI. */
  readonly buildSuspends: boolean;
  /** The build was linked with -pthread -sPROXY_TO_PTHREAD (and without -sASYNCIFY): each thread can wait on its own. */
  readonly buildThreads?: boolean;
  /** Why the worker bridge is unavailable here, or undefined if it is available. */
  readonly workerUnavailable?: string;
  /** Module.rawsock.provider was given: a provider object cannot move to a worker. */
  readonly customProvider: boolean;
}

/** The decision, with a warning to print once when `auto` had to fall back. */
export interface BlockingChoice {
  readonly mode: BlockingMode;
  readonly warning?: string;
}

/** True if `value` names a mode. */
export function isBlockingRequest(value: unknown): value is BlockingRequest {
  return typeof value === 'string' && (BLOCKING_REQUESTS as readonly string[]).includes(value);
}

/**
 * Picks the mode. The run-time request (Module.rawsock.blocking) wins over
 * the link-time one (rawsock-emcc --rawsock-blocking). An explicit mode the
 * build or runtime cannot give is refused with an error that says why and
 * what to do, instead of silently not blocking.
 */
export function chooseBlockingMode(request: BlockingRequest, can: BlockingAbilities): BlockingChoice {
  const workerProblem = can.customProvider ? 'Module.rawsock.provider is set (a provider object cannot move to a worker)' : can.workerUnavailable;
  switch (request) {
    case 'never':
      return { mode: 'never' };
    case 'suspend':
      if (!can.buildSuspends) {
        throw new Error(`[rawsock] blocking mode 'suspend' needs a build linked with -sASYNCIFY (or -sJSPI, emcc ≥ 4); relink, or use --rawsock-blocking=${can.buildThreads ? 'thread' : 'worker'}|auto`);
      }
      return { mode: 'suspend' };
    case 'thread':
      if (!can.buildThreads) {
        throw new Error("[rawsock] blocking mode 'thread' needs a build linked with -pthread -sPROXY_TO_PTHREAD (and without -sASYNCIFY); relink, or use --rawsock-blocking=auto");
      }
      return { mode: 'thread' };
    case 'worker':
      if (workerProblem) throw new Error(`[rawsock] blocking mode 'worker' is unavailable: ${workerProblem}; use --rawsock-blocking=auto|never, or link with -sASYNCIFY for 'suspend'`);
      return { mode: 'worker' };
    case 'auto':
      if (can.buildSuspends) return { mode: 'suspend' };
      if (can.buildThreads) return { mode: 'thread' };
      if (!workerProblem) return { mode: 'worker' };
      return {
        mode: 'never',
        warning: `[rawsock] blocking sockets cannot block here (${workerProblem}, and the build was not linked with -sASYNCIFY): calls on blocking sockets return EAGAIN/EINPROGRESS. Fix: link with rawsock-emcc -sASYNCIFY, or run where SharedArrayBuffer, Atomics.wait and workers exist.`,
      };
  }
}
