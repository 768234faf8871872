/**
 * What a user sees when Deno's sandbox, not the network, refused a call. A
 * program only gets an errno (EACCES for a missing --allow-net, EAFNOSUPPORT
 * for UDP without --unstable-net); without a sink of its own, the provider
 * prints one `[rawsock]` line per kind of problem to stderr, naming the flag.
 * Once per kind, so a program retrying in a loop cannot flood the log.
 * https://docs.deno.com/runtime/fundamentals/security/
 */
import type { HostErrorSink } from './errors.ts';

/** A printer for one line (console.warn by default). */
export type AdvicePrinter = (line: string) => void;

/** console.warn: stderr on Deno. (The package is typed without DOM or Node globals.) */
const warn: AdvicePrinter = (line) => (globalThis as unknown as { console: { warn(text: string): void } }).console.warn(line);

/** The kinds of problem the default sink reports, and how each is recognised. */
const KINDS: readonly { readonly kind: string; readonly test: RegExp; readonly advice: string }[] = [
  {
    kind: 'permission',
    test: /NotCapable|Requires \w+ access/,
    advice: 'Deno denied it (errno EACCES): grant the permission named above, e.g. --allow-net=127.0.0.1',
  },
  { kind: 'unstable-net', test: /--unstable-net/, advice: '' },
];

/**
 * The sink DenoProvider uses when given no `onHostError`: prints the first
 * message of each kind (a missing permission, a missing --unstable-net) with
 * what to do, and ignores ordinary network errors (ECONNREFUSED, ...), which
 * the program handles through its errno.
 */
export function defaultHostErrorSink(print: AdvicePrinter = warn): HostErrorSink {
  const seen = new Set<string>();
  return (message: string) => {
    const match = KINDS.find((k) => k.test.test(message));
    if (!match || seen.has(match.kind)) return;
    seen.add(match.kind);
    const advice = match.advice ? ` — ${match.advice}` : '';
    print(`[rawsock] ${message}${advice} (printed once; pass new DenoProvider({ onHostError }) to see every host error)`);
  };
}
