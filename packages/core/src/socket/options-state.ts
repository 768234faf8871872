/**
 * The option values a socket carries. Defaults are Linux's (socket(7),
 * tcp(7), ip(7), ipv6(7)); buffer sizes default to 0 meaning "not set", in
 * which case the core's limits apply and getsockopt reports Linux's default.
 */
export interface SocketOptionState {
  reuseAddr: boolean;
  reusePort: boolean;
  keepAlive: boolean;
  broadcast: boolean;
  lingerOn: boolean;
  lingerSeconds: number;
  /** SO_RCVBUF as stored (already doubled); 0 = default. */
  rcvbuf: number;
  /** SO_SNDBUF as stored (already doubled); 0 = default. */
  sndbuf: number;
  /** SO_RCVTIMEO in microseconds; 0 = never. */
  rcvTimeoUs: number;
  /** SO_SNDTIMEO in microseconds; 0 = never. */
  sndTimeoUs: number;
  rcvLowat: number;
  noDelay: boolean;
  keepIdle: number;
  keepIntvl: number;
  keepCnt: number;
  /** IP_TTL; -1 = route default (64). */
  ttl: number;
  multicastTtl: number;
  multicastLoop: boolean;
  v6Only: boolean;
  /** IPV6_UNICAST_HOPS; -1 = route default (64). */
  unicastHops: number;
  multicastHops: number;
  multicastLoop6: boolean;
  /** Joined multicast groups, as `group|interface` keys. */
  memberships: Set<string>;
}

/** Linux's defaults for a new socket. */
export function defaultOptionState(): SocketOptionState {
  return {
    reuseAddr: false,
    reusePort: false,
    keepAlive: false,
    broadcast: false,
    lingerOn: false,
    lingerSeconds: 0,
    rcvbuf: 0,
    sndbuf: 0,
    rcvTimeoUs: 0,
    sndTimeoUs: 0,
    rcvLowat: 1,
    noDelay: false,
    keepIdle: 7200,
    keepIntvl: 75,
    keepCnt: 9,
    ttl: -1,
    multicastTtl: 1,
    multicastLoop: true,
    v6Only: false,
    unicastHops: -1,
    multicastHops: 1,
    multicastLoop6: true,
    memberships: new Set(),
  };
}
