/**
 * In-process record of which local addresses this process's sockets hold.
 *
 * Hosts do not all enforce Linux's bind rules: libuv sets SO_REUSEADDR on
 * every TCP socket, so two binds to one port both succeed until one listens.
 * The core applies Linux's rule itself for the sockets it owns (socket(7),
 * SO_REUSEADDR / SO_REUSEPORT): a port conflicts unless both sockets set
 * SO_REUSEADDR and neither listens, or both set SO_REUSEPORT. Conflicts with
 * other processes are the host's to report.
 */
import { canonicalIP, isWildcard, type SocketAddress } from './address.js';

/** One held address. */
export interface Binding {
  readonly protocol: 'tcp' | 'udp';
  readonly address: SocketAddress;
  reuseAddr: boolean;
  reusePort: boolean;
  v6Only: boolean;
  listening: boolean;
  /**
   * A TIME_WAIT entry: the address a TCP connection held after this side
   * closed first, kept until this time (Date.now() ms); see
   * {@link TIME_WAIT_MS}.
   */
  readonly until?: number;
}

/**
 * How long a TCP connection closed first by this side holds its address
 * (TCP_TIMEWAIT_LEN, 60 s in Linux's include/net/tcp.h). A bind to it
 * conflicts meanwhile unless both sides set SO_REUSEADDR.
 */
export const TIME_WAIT_MS = 60_000;

function overlaps(a: Binding, b: Binding): boolean {
  if (a.address.family === 'unix' || b.address.family === 'unix') return false;
  if (a.address.port !== b.address.port) return false;
  const wild = (x: Binding) => x.address.family !== 'unix' && isWildcard(x.address);
  if (a.address.family !== b.address.family) {
    // A dual-stack IPv6 wildcard also holds the IPv4 port.
    const v6 = a.address.family === 'ipv6' ? a : b;
    return wild(v6) && !v6.v6Only;
  }
  return wild(a) || wild(b) || canonicalIP(a.address.address) === canonicalIP((b.address as typeof a.address).address);
}

/**
 * Linux's per-port sharing rule between an existing holder and a candidate
 * (a new bind, or a socket going to LISTEN). Checked natively: two
 * SO_REUSEADDR sockets share a port while bound; the first may listen, the
 * second then gets EADDRINUSE, as does a bind next to a listener.
 */
function mayShare(existing: Binding, candidate: Binding): boolean {
  if (existing.reusePort && candidate.reusePort) return true;
  if (existing.protocol === 'udp') return existing.reuseAddr && candidate.reuseAddr;
  return existing.reuseAddr && candidate.reuseAddr && !existing.listening;
}

export class BindRegistry {
  private readonly held = new Set<Binding>();

  /** True if `candidate` may be held alongside every current binding. */
  admits(candidate: Binding, ignore?: Binding): boolean {
    const now = Date.now();
    for (const b of this.held) {
      if (b.until !== undefined && b.until <= now) {
        this.held.delete(b);
        continue;
      }
      if (b === ignore || b.protocol !== candidate.protocol) continue;
      if (overlaps(b, candidate) && !mayShare(b, candidate)) return false;
    }
    return true;
  }

  add(binding: Binding): void {
    this.held.add(binding);
  }

  remove(binding: Binding | undefined): void {
    if (binding) this.held.delete(binding);
  }
}
