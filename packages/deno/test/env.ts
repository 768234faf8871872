/**
 * Shared test setup: the unix socket directory and the IPv6 probe.
 *
 * Deno scopes unix-socket permissions to exact paths
 * (--allow-net=unix:/abs/path), so the tests use fixed names in a fixed
 * directory that the test command grants one by one (see deno.json's
 * "test" task).
 */
export const SOCKET_DIR = '/tmp/rawsock-deno-test';

const handedOut = new Map<string, number>();

/** A fresh path `${SOCKET_DIR}/${label}.sock` (`-2`, `-3`, ... if the label repeats). */
export function unixPath(label: string): string {
  const n = (handedOut.get(label) ?? 0) + 1;
  handedOut.set(label, n);
  const path = `${SOCKET_DIR}/${label}${n > 1 ? `-${n}` : ''}.sock`;
  try {
    Deno.mkdirSync(SOCKET_DIR, { recursive: true });
  } catch {
    // Exists.
  }
  try {
    // A file left by a crashed run would make bind() fail with EADDRINUSE.
    Deno.removeSync(path);
  } catch {
    // Not there.
  }
  return path;
}

/** Why ::1 cannot be used here, or undefined. */
export function ipv6Unavailable(): string | undefined {
  try {
    Deno.listen({ hostname: '::1', port: 0 }).close();
    return undefined;
  } catch (err) {
    return `::1 is not usable here (${(err as Error).name}: ${(err as Error).message})`;
  }
}

/** Deno.listenDatagram exists only with --unstable-net. */
export const hasUnstableNet = typeof (Deno as { listenDatagram?: unknown }).listenDatagram === 'function';
