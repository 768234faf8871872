/**
 * The runtime-agnostic conformance cases against DenoProvider on real
 * loopback sockets. Cases that pin a known deviation of Deno from Linux are
 * run too, and must fail the way the deviation says: if Deno gains the
 * missing API, the test fails and the deviation table needs updating.
 */
import { conformanceCases, runCase, skipReason, type ConformanceCase, type ConformanceEnv } from '@rawsock/core/conformance';
import { DenoProvider } from '../src/index.ts';
import { hasUnstableNet, ipv6Unavailable, unixPath } from './env.ts';

const env: ConformanceEnv = {
  name: `deno ${Deno.version.deno}${hasUnstableNet ? '' : ' without --unstable-net'}`,
  createProvider: () => new DenoProvider(),
  unixPath,
  ipv6Unavailable: ipv6Unavailable(),
};

/**
 * Cases Deno cannot pass, by `${group}: ${name}`: why, and the failure
 * message the case then gives (so an unrelated failure is not excused).
 */
const DEVIATIONS: Record<string, { why: string; failure: RegExp }> = {
  'tcp: client bind before connect uses the bound source port': {
    why: 'Deno.connect takes no local address; a bound socket connects from an ephemeral port',
    failure: /^server sees the bound port: expected \d+, got \d+$/,
  },
  'tcp: reset by peer: ECONNRESET once, then EOF; send gives EPIPE': {
    why: 'Deno has no SO_LINGER: an abortive close sends FIN, the peer reads EOF',
    failure: /^reset arrives: fd \d+ never showed 0x8 /,
  },
  'tcp: close with unread data resets the connection': {
    why: 'the unread bytes are in the core, not the kernel, and Deno cannot send RST: the peer reads EOF',
    failure: /^reset arrives: fd \d+ never showed 0x8 /,
  },
  'unix: refused: missing path ENOENT, bound but not listening ECONNREFUSED': {
    why: 'bind() is Deno.listen, so a bound unix socket already accepts connections into its backlog',
    failure: /^bound, not listening: expected ECONNREFUSED, got success/,
  },
  'options: IP and IPv6 datagram options round-trip, multicast membership': {
    why: 'Deno has no API for IP_TTL, SO_BROADCAST or (without a membership) multicast TTL/loop: ENOPROTOOPT',
    failure: /^set IP_TTL: expected success, got ENOPROTOOPT$/,
  },
};

/**
 * Cases that open a UDP socket without declaring `requires: ['udp']`; they
 * can only run with --unstable-net (reported upstream, to be fixed in core).
 */
const UNDECLARED_UDP = new Set([
  'poll: masks: fresh, listening, connected, datagram, bad fd',
  'options: SOL_SOCKET read-only options and defaults',
  'options: byte-level option lengths (setsockopt/getsockopt through the syscall interface)',
  'errors: bad addresses and lengths through the syscall interface',
]);

function register(c: ConformanceCase): void {
  const id = `${c.group}: ${c.name}`;
  const why =
    skipReason(c, env) ?? (!hasUnstableNet && UNDECLARED_UDP.has(id) ? 'opens a UDP socket, which needs --unstable-net on Deno' : undefined);
  const deviation = DEVIATIONS[id];
  Deno.test({
    name: why ? `${id} (skipped: ${why})` : deviation ? `${id} (deviation: ${deviation.why})` : id,
    ignore: why !== undefined,
    // The core closes every fd after a case; Deno's reads, accepts and
    // connects cancelled by those closes settle a tick later.
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async () => {
      if (!deviation) {
        await runCase(c, env);
        return;
      }
      let error: unknown;
      try {
        await runCase(c, env);
      } catch (err) {
        error = err;
      }
      if (error === undefined) throw new Error(`${id} now passes on Deno: the deviation "${deviation.why}" no longer holds`);
      const message = error instanceof Error ? error.message : String(error);
      if (!deviation.failure.test(message)) throw error;
    },
  });
}

for (const c of conformanceCases) register(c);
