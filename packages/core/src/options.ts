/**
 * getsockopt/setsockopt: which options exist, which sockets they apply to,
 * how values are validated and what getsockopt reports — Linux's rules,
 * checked against a native C program (socket(7), ip(7), ipv6(7), tcp(7)).
 * Values here are JS values; option-codec.ts turns them into C bytes.
 */
import { AF_INET, AF_INET6, AF_UNIX, IPPROTO_IP, IPPROTO_IPV6, IPPROTO_TCP, IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP, IP_MULTICAST_LOOP, IP_MULTICAST_TTL, IP_TOS, IP_TTL, IPV6_JOIN_GROUP, IPV6_LEAVE_GROUP, IPV6_MULTICAST_HOPS, IPV6_MULTICAST_LOOP, IPV6_UNICAST_HOPS, IPV6_V6ONLY, SOCK_STREAM, SOL_SOCKET, SO_ACCEPTCONN, SO_BROADCAST, SO_DOMAIN, SO_ERROR, SO_KEEPALIVE, SO_LINGER, SO_PROTOCOL, SO_RCVBUF, SO_RCVLOWAT, SO_RCVTIMEO, SO_RCVTIMEO_NEW, SO_REUSEADDR, SO_REUSEPORT, SO_SNDBUF, SO_SNDTIMEO, SO_SNDTIMEO_NEW, SO_TYPE, TCP_KEEPCNT, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_NODELAY } from './constants.js';
import { parseIPv4, parseIPv6 } from './address.js';
import { E, fail } from './errno.js';
import { MIN_RCVBUF, MIN_SNDBUF } from './limits.js';
import type { SocketBase } from './socket/base.js';
import type { DatagramSocket } from './socket/datagram.js';
import type { SocketOptionState } from './socket/options-state.js';

/** struct linger. */
export interface LingerValue {
  /** Non-zero: linger on close. */
  onoff: number;
  /** Seconds to linger. */
  linger: number;
}
/** struct timeval. */
export interface TimevalValue {
  /** Seconds. */
  sec: number;
  /** Microseconds (0 to 999999; else EDOM). */
  usec: number;
}
/** struct ip_mreq / ip_mreqn (group and local interface address). */
export interface MembershipValue {
  /** The multicast group's address. */
  group: string;
  /** Local interface address ('0.0.0.0' = any) or, for IPv6, the interface index as text. */
  iface?: string;
}
/** A socket option's value as JS sees it. */
export type OptionValue = number | LingerValue | TimevalValue | MembershipValue;

/** How an option's value is laid out in C. */
export type OptionKind = 'int' | 'ip-int' | 'linger' | 'timeval' | 'ip_mreq' | 'ipv6_mreq';

interface OptionSpec {
  readonly name: string;
  readonly kind: OptionKind;
  /** Extra applicability check beyond the level's (returns an errno or 0). */
  readonly applies?: (s: SocketBase) => number;
  readonly get?: (s: SocketBase) => OptionValue;
  readonly set?: (s: SocketBase, v: OptionValue) => void;
}

const bool = (v: OptionValue) => ((v as number) !== 0 ? 1 : 0);
const int = (v: OptionValue) => v as number;
const isTcp = (s: SocketBase) => s.type === SOCK_STREAM && s.domain !== 'unix';

/**
 * Stores an option and hands it to the host; if the host refuses it, the
 * old value is put back, so getsockopt never reports what did not apply.
 */
function store(s: SocketBase, field: keyof SocketOptionState, value: unknown): void {
  const opts = s.opts as unknown as Record<string, unknown>;
  const before = opts[field];
  opts[field] = value;
  try {
    s.applyOption(field);
  } catch (e) {
    opts[field] = before;
    throw e;
  }
}

/** A boolean option stored in a SocketOptionState field. */
function flag(name: string, field: keyof SocketOptionState, applies?: OptionSpec['applies']): OptionSpec {
  return {
    name,
    kind: 'int',
    applies,
    get: (s) => (s.opts[field] ? 1 : 0),
    set: (s, v) => store(s, field, bool(v) === 1),
  };
}

/**
 * An integer option within [min, max] (else EINVAL); `reset[0]` stores
 * `reset[1]`. A stored -1 means "route default" and reads as `unset`.
 */
function ranged(name: string, kind: OptionKind, field: keyof SocketOptionState, min: number, max: number, reset?: [number, number], unset = 64): OptionSpec {
  return {
    name,
    kind,
    get: (s) => ((s.opts[field] as number) === -1 ? unset : (s.opts[field] as number)),
    set: (s, v) => {
      let n = int(v);
      if (reset && n === reset[0]) n = reset[1];
      else if (n < min || n > max) fail(E.EINVAL);
      store(s, field, n);
    },
  };
}

/** SO_RCVBUF/SO_SNDBUF: clamp to the max, double, apply Linux's floor (socket(7)). */
function bufferSize(name: string, field: 'rcvbuf' | 'sndbuf', floor: number, fallback: (s: SocketBase) => number): OptionSpec {
  return {
    name,
    kind: 'int',
    get: (s) => s.opts[field] || fallback(s),
    set: (s, v) => {
      const max = limitsOf(s).socketBufferMax;
      const n = int(v);
      const clamped = n < 0 ? max : Math.min(n, max);
      store(s, field, Math.max(clamped * 2, floor));
    },
  };
}

/** SO_RCVTIMEO/SO_SNDTIMEO as struct timeval; stored in microseconds. */
function timeout(name: string, field: 'rcvTimeoUs' | 'sndTimeoUs'): OptionSpec {
  return {
    name,
    kind: 'timeval',
    get: (s) => ({ sec: Math.floor(s.opts[field] / 1e6), usec: s.opts[field] % 1e6 }),
    set: (s, v) => {
      const tv = v as TimevalValue;
      if (tv.usec < 0 || tv.usec >= 1e6) fail(E.EDOM);
      // sock_set_timeout: a negative time means "no wait", i.e. zero; the
      // rest is kept in whole ticks, rounded up. rawsock's tick is the
      // millisecond of JS timers (Linux with HZ=1000): 1 us reads back as 1000.
      s.opts[field] = tv.sec < 0 ? 0 : tv.sec * 1e6 + Math.ceil(tv.usec / 1000) * 1000;
    },
  };
}

function membership(name: string, join: boolean, family: 'ipv4' | 'ipv6'): OptionSpec {
  return {
    name,
    kind: family === 'ipv4' ? 'ip_mreq' : 'ipv6_mreq',
    // Multicast membership is for datagram sockets; TCP gets EPROTO.
    applies: (s) => (s.type === SOCK_STREAM ? E.EPROTO : 0),
    set: (s, v) => {
      const m = v as MembershipValue;
      const bytes = family === 'ipv4' ? parseIPv4(m.group) : parseIPv6(m.group);
      const multicast = bytes !== undefined && (family === 'ipv4' ? (bytes[0]! & 0xf0) === 0xe0 : bytes[0] === 0xff);
      if (!multicast) fail(E.EINVAL);
      const iface = m.iface && m.iface !== '0.0.0.0' && m.iface !== '0' ? m.iface : undefined;
      (s as DatagramSocket).membership(join, m.group, iface);
    },
  };
}

function limitsOf(s: SocketBase) {
  return (s as unknown as { ctx: { limits: { socketBufferMax: number } } }).ctx.limits;
}

/** Linux's default buffer sizes as getsockopt reports them before any set. */
function defaultRcvbuf(s: SocketBase): number {
  return isTcp(s) ? 131072 : 212992;
}
function defaultSndbuf(s: SocketBase): number {
  return isTcp(s) ? 16384 : 212992;
}

const SOCKET_LEVEL = new Map<number, OptionSpec>([
  [SO_TYPE, { name: 'SO_TYPE', kind: 'int', get: (s) => s.type }],
  [SO_DOMAIN, { name: 'SO_DOMAIN', kind: 'int', get: (s) => ({ ipv4: AF_INET, ipv6: AF_INET6, unix: AF_UNIX })[s.domain] }],
  [SO_PROTOCOL, { name: 'SO_PROTOCOL', kind: 'int', get: (s) => s.protocol }],
  [SO_ERROR, { name: 'SO_ERROR', kind: 'int', get: (s) => s.takeError() }],
  [SO_ACCEPTCONN, { name: 'SO_ACCEPTCONN', kind: 'int', get: (s) => (s.state === 'listening' ? 1 : 0) }],
  [SO_REUSEADDR, flag('SO_REUSEADDR', 'reuseAddr')],
  [SO_REUSEPORT, flag('SO_REUSEPORT', 'reusePort')],
  [SO_KEEPALIVE, flag('SO_KEEPALIVE', 'keepAlive')],
  [SO_BROADCAST, flag('SO_BROADCAST', 'broadcast')],
  [
    SO_LINGER,
    {
      name: 'SO_LINGER',
      kind: 'linger',
      get: (s) => ({ onoff: s.opts.lingerOn ? 1 : 0, linger: s.opts.lingerSeconds }),
      set: (s, v) => {
        const l = v as LingerValue;
        s.opts.lingerOn = l.onoff !== 0;
        s.opts.lingerSeconds = l.linger;
      },
    },
  ],
  [SO_RCVBUF, bufferSize('SO_RCVBUF', 'rcvbuf', MIN_RCVBUF, defaultRcvbuf)],
  [SO_SNDBUF, bufferSize('SO_SNDBUF', 'sndbuf', MIN_SNDBUF, defaultSndbuf)],
  [SO_RCVTIMEO, timeout('SO_RCVTIMEO', 'rcvTimeoUs')],
  [SO_SNDTIMEO, timeout('SO_SNDTIMEO', 'sndTimeoUs')],
  // The caller's ABI gives the struct's layout for both spellings.
  [SO_RCVTIMEO_NEW, timeout('SO_RCVTIMEO_NEW', 'rcvTimeoUs')],
  [SO_SNDTIMEO_NEW, timeout('SO_SNDTIMEO_NEW', 'sndTimeoUs')],
  [
    SO_RCVLOWAT,
    {
      name: 'SO_RCVLOWAT',
      kind: 'int',
      get: (s) => s.opts.rcvLowat,
      set: (s, v) => {
        s.opts.rcvLowat = Math.max(1, int(v));
      },
    },
  ],
]);

const TCP_LEVEL = new Map<number, OptionSpec>([
  [TCP_NODELAY, flag('TCP_NODELAY', 'noDelay')],
  [TCP_KEEPIDLE, ranged('TCP_KEEPIDLE', 'int', 'keepIdle', 1, 32767)],
  [TCP_KEEPINTVL, ranged('TCP_KEEPINTVL', 'int', 'keepIntvl', 1, 32767)],
  [TCP_KEEPCNT, ranged('TCP_KEEPCNT', 'int', 'keepCnt', 1, 127)],
]);

const IP_LEVEL = new Map<number, OptionSpec>([
  [IP_TTL, ranged('IP_TTL', 'ip-int', 'ttl', 1, 255, [-1, -1])],
  [IP_TOS, { name: 'IP_TOS', kind: 'ip-int', get: () => 0, set: () => undefined }],
  [
    IP_MULTICAST_TTL,
    {
      ...ranged('IP_MULTICAST_TTL', 'ip-int', 'multicastTtl', 0, 255, [-1, 1]),
      applies: (s) => (s.type === SOCK_STREAM ? E.EINVAL : 0),
    },
  ],
  [IP_MULTICAST_LOOP, flag('IP_MULTICAST_LOOP', 'multicastLoop')],
  [IP_ADD_MEMBERSHIP, membership('IP_ADD_MEMBERSHIP', true, 'ipv4')],
  [IP_DROP_MEMBERSHIP, membership('IP_DROP_MEMBERSHIP', false, 'ipv4')],
]);

const IPV6_LEVEL = new Map<number, OptionSpec>([
  [
    IPV6_V6ONLY,
    {
      name: 'IPV6_V6ONLY',
      kind: 'int',
      get: (s) => (s.opts.v6Only ? 1 : 0),
      set: (s, v) => {
        // ipv6(7): only before the socket has a local address.
        if (s.state !== 'fresh') fail(E.EINVAL);
        s.opts.v6Only = bool(v) === 1;
      },
    },
  ],
  [IPV6_UNICAST_HOPS, ranged('IPV6_UNICAST_HOPS', 'int', 'unicastHops', 0, 255, [-1, -1])],
  [
    IPV6_MULTICAST_HOPS,
    {
      ...ranged('IPV6_MULTICAST_HOPS', 'int', 'multicastHops', 0, 255, [-1, 1]),
      applies: (s) => (s.type === SOCK_STREAM ? E.ENOPROTOOPT : 0),
    },
  ],
  [
    IPV6_MULTICAST_LOOP,
    {
      name: 'IPV6_MULTICAST_LOOP',
      kind: 'int',
      get: (s) => (s.opts.multicastLoop6 ? 1 : 0),
      set: (s, v) => {
        if (int(v) !== 0 && int(v) !== 1) fail(E.EINVAL);
        store(s, 'multicastLoop6', int(v) === 1);
      },
    },
  ],
  [IPV6_JOIN_GROUP, membership('IPV6_JOIN_GROUP', true, 'ipv6')],
  [IPV6_LEAVE_GROUP, membership('IPV6_LEAVE_GROUP', false, 'ipv6')],
]);

/**
 * Finds an option's spec or throws Linux's errno for the pair: unknown
 * level or name → ENOPROTOOPT (EOPNOTSUPP for non-socket levels on unix
 * sockets), IPv6 options on an IPv4 socket → ENOPROTOOPT, TCP options on a
 * UDP socket → ENOPROTOOPT.
 */
export function findOption(s: SocketBase, level: number, name: number): OptionSpec {
  let table: Map<number, OptionSpec> | undefined;
  if (level === SOL_SOCKET) table = SOCKET_LEVEL;
  else if (s.domain === 'unix') fail(E.EOPNOTSUPP);
  else if (level === IPPROTO_TCP) table = isTcp(s) ? TCP_LEVEL : undefined;
  else if (level === IPPROTO_IP) table = IP_LEVEL;
  else if (level === IPPROTO_IPV6) table = s.domain === 'ipv6' ? IPV6_LEVEL : undefined;
  const spec = table?.get(name);
  if (!spec) fail(E.ENOPROTOOPT);
  const err = spec.applies?.(s) ?? 0;
  if (err) fail(err);
  return spec;
}

/** @internal getsockopt as a JS value. Throws ENOPROTOOPT for unknown or write-only options. */
export function getOption(s: SocketBase, level: number, name: number): { kind: OptionKind; value: OptionValue } {
  const spec = findOption(s, level, name);
  if (!spec.get) fail(E.ENOPROTOOPT);
  return { kind: spec.kind, value: spec.get(s) };
}

/** The C layout of an option (for decoding bytes before {@link setOption}). */
export function optionKind(s: SocketBase, level: number, name: number): OptionKind {
  return findOption(s, level, name).kind;
}

/** @internal setsockopt with a JS value. Read-only options give ENOPROTOOPT, as on Linux; a value of the wrong shape EINVAL. */
export function setOption(s: SocketBase, level: number, name: number, value: OptionValue): void {
  const spec = findOption(s, level, name);
  if (!spec.set) fail(E.ENOPROTOOPT);
  if (!hasShape(spec.kind, value)) fail(E.EINVAL, `${spec.name} takes ${SHAPES[spec.kind]}`);
  spec.set(s, value);
}

const SHAPES: Record<OptionKind, string> = {
  int: 'an int32',
  'ip-int': 'an int32',
  linger: '{ onoff, linger } int32s',
  timeval: '{ sec, usec } integers',
  ip_mreq: '{ group, iface? } IPv4 strings',
  ipv6_mreq: '{ group, iface? } strings',
};

const isInt32 = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= -(2 ** 31) && (v as number) < 2 ** 31;

/** JS values come from untyped callers too: check them like the kernel checks optlen. */
function hasShape(kind: OptionKind, value: unknown): boolean {
  if (kind === 'int' || kind === 'ip-int') return isInt32(value);
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (kind === 'linger') return isInt32(v.onoff) && isInt32(v.linger);
  if (kind === 'timeval') return Number.isSafeInteger(v.sec) && Number.isSafeInteger(v.usec);
  return typeof v.group === 'string' && (v.iface === undefined || typeof v.iface === 'string');
}

/** The option's name (`'SO_RCVBUF'`) for messages, or undefined. */
export function optionName(level: number, name: number): string | undefined {
  const table = { [SOL_SOCKET]: SOCKET_LEVEL, [IPPROTO_TCP]: TCP_LEVEL, [IPPROTO_IP]: IP_LEVEL, [IPPROTO_IPV6]: IPV6_LEVEL }[level];
  return table?.get(name)?.name;
}
