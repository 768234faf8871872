/**
 * A port space (one for TCP, one for UDP): who holds which address:port,
 * Linux's bind-conflict rule, ephemeral ports, and which binding a packet to
 * an address reaches.
 */
import { E, fail } from '../errno.js';
import { ANY4, ANY6, type Ip, type IpVersion } from './inet.js';

/** Linux's default net.ipv4.ip_local_port_range. */
export const EPHEMERAL_PORT_MIN = 32768;
/** Upper end of Linux's default net.ipv4.ip_local_port_range. */
export const EPHEMERAL_PORT_MAX = 60999;

/**
 * The addresses a binding covers, per IP version: `'0.0.0.0'`/`'::'` for
 * all of them, one address, or null for none. An IPv6 socket bound to `::`
 * without IPV6_V6ONLY covers both; one bound to `::ffff:a.b.c.d` covers that
 * IPv4 address only.
 */
export interface BindScope {
  readonly v4: string | null;
  readonly v6: string | null;
}

export interface BindFlags {
  readonly reuseAddr: boolean;
  readonly reusePort: boolean;
}

/** The scope of a bind of `ip` by a socket of `family`. */
export function scopeOf(family: 'ipv4' | 'ipv6', ip: Ip, ipv6Only: boolean): BindScope {
  if (family === 'ipv4' || ip.v === 4) return { v4: ip.addr, v6: null };
  if (ip.addr === ANY6) return { v4: ipv6Only ? null : ANY4, v6: ANY6 };
  return { v4: null, v6: ip.addr };
}

/** The scope narrowed to one address once a connected socket's source is chosen. */
export function scopeOfSource(ip: Ip): BindScope {
  return ip.v === 4 ? { v4: ip.addr, v6: null } : { v4: null, v6: ip.addr };
}

export class PortBinding<T> {
  v4: string | null;
  v6: string | null;
  listening = false;
  constructor(
    readonly port: number,
    scope: BindScope,
    readonly flags: BindFlags,
    /** The IP version of the socket holding it (a dual-stack socket is 6). */
    readonly family: IpVersion,
    public owner: T,
    /** Bind order, for "most recent wins" among equals. */
    readonly seq: number,
  ) {
    this.v4 = scope.v4;
    this.v6 = scope.v6;
  }

  /** Whether a packet to `ip` reaches this binding (ignoring the port). */
  covers(ip: Ip): boolean {
    const mine = ip.v === 4 ? this.v4 : this.v6;
    return mine !== null && (mine === ip.addr || mine === (ip.v === 4 ? ANY4 : ANY6));
  }

  /** Linux-like preference: an exact address beats a wildcard, the socket's own family beats a dual-stack one. */
  score(ip: Ip): number {
    return ((ip.v === 4 ? this.v4 : this.v6) === ip.addr ? 4 : 0) + (this.family === ip.v ? 1 : 0);
  }
}

function overlap(a: string | null, b: string | null, any: string): boolean {
  return a !== null && b !== null && (a === any || b === any || a === b);
}

/**
 * Linux's rule (inet_csk_bind_conflict, simplified to one user): two
 * bindings of one port whose addresses overlap conflict unless both set
 * SO_REUSEPORT, or both set SO_REUSEADDR and neither is listening.
 * (UDP never listens, so SO_REUSEADDR on both is enough there.)
 */
function conflicts(scope: BindScope, flags: BindFlags, listening: boolean, other: PortBinding<unknown>): boolean {
  if (!overlap(scope.v4, other.v4, ANY4) && !overlap(scope.v6, other.v6, ANY6)) return false;
  if (flags.reusePort && other.flags.reusePort) return false;
  if (flags.reuseAddr && other.flags.reuseAddr && !listening && !other.listening) return false;
  return true;
}

export class PortTable<T> {
  readonly #ports = new Map<number, Set<PortBinding<T>>>();
  #cursor = EPHEMERAL_PORT_MIN;
  #seq = 0;
  #size = 0;

  /** Bindings held. */
  get size(): number {
    return this.#size;
  }

  /**
   * Takes `port` (0: a free ephemeral port) for `scope`. Throws EADDRINUSE
   * on a conflict, `exhausted` when no ephemeral port is free.
   */
  bind(port: number, scope: BindScope, flags: BindFlags, family: IpVersion, owner: T, exhausted: number): PortBinding<T> {
    if (port === 0) port = this.#ephemeral(exhausted);
    else {
      for (const other of this.#ports.get(port) ?? []) {
        if (conflicts(scope, flags, false, other)) fail(E.EADDRINUSE);
      }
    }
    return this.attach(port, scope, flags, family, owner);
  }

  /** Records a binding without a conflict check (an accepted connection shares its listener's port). */
  attach(port: number, scope: BindScope, flags: BindFlags, family: IpVersion, owner: T): PortBinding<T> {
    const binding = new PortBinding(port, scope, flags, family, owner, this.#seq++);
    let set = this.#ports.get(port);
    if (!set) this.#ports.set(port, (set = new Set()));
    set.add(binding);
    this.#size++;
    return binding;
  }

  /**
   * Marks `binding` listening. Linux re-checks the port at listen() against
   * the others' current state (inet_csk_get_port with relax): throws
   * EADDRINUSE if another overlapping binding is listening by now (or never
   * shared the port). Bindings that merely exist with SO_REUSEADDR, such as
   * connections a previous listener accepted, do not stop it.
   */
  listen(binding: PortBinding<T>): void {
    for (const other of this.#ports.get(binding.port) ?? []) {
      if (other !== binding && conflicts(binding, binding.flags, false, other)) fail(E.EADDRINUSE);
    }
    binding.listening = true;
  }

  /** Narrows a wildcard binding to the source address a connect chose (Linux sets rcv_saddr). */
  narrow(binding: PortBinding<T>, scope: BindScope): void {
    binding.v4 = scope.v4;
    binding.v6 = scope.v6;
  }

  release(binding: PortBinding<T>): void {
    const set = this.#ports.get(binding.port);
    if (!set?.delete(binding)) return;
    this.#size--;
    if (set.size === 0) this.#ports.delete(binding.port);
  }

  /** Bindings of `port` that a packet to `ip` reaches, in bind order. */
  match(port: number, ip: Ip): PortBinding<T>[] {
    const out: PortBinding<T>[] = [];
    for (const b of this.#ports.get(port) ?? []) if (b.covers(ip)) out.push(b);
    return out;
  }

  #ephemeral(exhausted: number): number {
    const span = EPHEMERAL_PORT_MAX - EPHEMERAL_PORT_MIN + 1;
    for (let i = 0; i < span; i++) {
      const port = this.#cursor;
      this.#cursor = port === EPHEMERAL_PORT_MAX ? EPHEMERAL_PORT_MIN : port + 1;
      if (!this.#ports.has(port)) return port;
    }
    return fail(exhausted);
  }
}

/**
 * The best of `candidates` by `score`. Among equals: round-robin if all set
 * SO_REUSEPORT (Linux hashes; this is deterministic), else the most recently
 * bound.
 */
export function selectBinding<T>(
  candidates: readonly PortBinding<T>[],
  score: (b: PortBinding<T>) => number,
  roundRobin: () => number,
): PortBinding<T> | undefined {
  let best = -Infinity;
  let top: PortBinding<T>[] = [];
  for (const b of candidates) {
    const s = score(b);
    if (s > best) {
      best = s;
      top = [b];
    } else if (s === best) top.push(b);
  }
  if (top.length <= 1) return top[0];
  if (top.every((b) => b.flags.reusePort)) return top[roundRobin() % top.length];
  return top.reduce((x, y) => (y.seq > x.seq ? y : x));
}
