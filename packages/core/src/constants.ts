/**
 * Socket-API constants with Linux's values. Emscripten's musl uses the same
 * numbers for these (only errno differs; see errno.ts), so one table serves
 * the JS API, the syscall interface and the Emscripten glue.
 *
 * Sources: socket(7), ip(7), ipv6(7), tcp(7), poll(2), unix(7).
 */

// Address families — socket(2)
export const AF_UNSPEC = 0;
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;

// Socket types and type flags — socket(2)
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
export const SOCK_SEQPACKET = 5;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
/** The bits of socket()'s type argument that are the type proper. */
export const SOCK_TYPE_MASK = 0xf;

// Protocol levels and protocols — ip(7), ipv6(7), tcp(7), udp(7)
export const SOL_SOCKET = 1;
export const IPPROTO_IP = 0;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_IPV6 = 41;

// SOL_SOCKET options — socket(7)
export const SO_DEBUG = 1;
export const SO_REUSEADDR = 2;
export const SO_TYPE = 3;
export const SO_ERROR = 4;
export const SO_DONTROUTE = 5;
export const SO_BROADCAST = 6;
export const SO_SNDBUF = 7;
export const SO_RCVBUF = 8;
export const SO_KEEPALIVE = 9;
export const SO_OOBINLINE = 10;
export const SO_LINGER = 13;
export const SO_REUSEPORT = 15;
export const SO_RCVLOWAT = 18;
export const SO_SNDLOWAT = 19;
export const SO_RCVTIMEO = 20;
export const SO_SNDTIMEO = 21;
export const SO_ACCEPTCONN = 30;
export const SO_PROTOCOL = 38;
export const SO_DOMAIN = 39;
/** 64-bit-time variants (struct __kernel_sock_timeval); musl uses them when time_t is 64-bit on a 32-bit target. */
export const SO_RCVTIMEO_NEW = 66;
export const SO_SNDTIMEO_NEW = 67;

// IPPROTO_TCP options — tcp(7)
export const TCP_NODELAY = 1;
export const TCP_MAXSEG = 2;
export const TCP_KEEPIDLE = 4;
export const TCP_KEEPINTVL = 5;
export const TCP_KEEPCNT = 6;

// IPPROTO_IP options — ip(7)
export const IP_TOS = 1;
export const IP_TTL = 2;
export const IP_MULTICAST_IF = 32;
export const IP_MULTICAST_TTL = 33;
export const IP_MULTICAST_LOOP = 34;
export const IP_ADD_MEMBERSHIP = 35;
export const IP_DROP_MEMBERSHIP = 36;

// IPPROTO_IPV6 options — ipv6(7)
export const IPV6_UNICAST_HOPS = 16;
export const IPV6_MULTICAST_IF = 17;
export const IPV6_MULTICAST_HOPS = 18;
export const IPV6_MULTICAST_LOOP = 19;
export const IPV6_JOIN_GROUP = 20;
export const IPV6_LEAVE_GROUP = 21;
export const IPV6_V6ONLY = 26;

// send/recv flags — send(2), recv(2)
export const MSG_OOB = 0x1;
export const MSG_PEEK = 0x2;
export const MSG_DONTROUTE = 0x4;
export const MSG_CTRUNC = 0x8;
export const MSG_TRUNC = 0x20;
export const MSG_DONTWAIT = 0x40;
export const MSG_EOR = 0x80;
export const MSG_WAITALL = 0x100;
export const MSG_NOSIGNAL = 0x4000;
export const MSG_MORE = 0x8000;
export const MSG_CMSG_CLOEXEC = 0x40000000;

// shutdown(2)
export const SHUT_RD = 0;
export const SHUT_WR = 1;
export const SHUT_RDWR = 2;

// poll(2) events
export const POLLIN = 0x001;
export const POLLPRI = 0x002;
export const POLLOUT = 0x004;
export const POLLERR = 0x008;
export const POLLHUP = 0x010;
export const POLLNVAL = 0x020;
export const POLLRDNORM = 0x040;
export const POLLRDBAND = 0x080;
export const POLLWRNORM = 0x100;
export const POLLWRBAND = 0x200;
export const POLLRDHUP = 0x2000;

// ioctl(2) / fcntl(2)
export const FIONREAD = 0x541b;
export const FIONBIO = 0x5421;
export const SIOCOUTQ = 0x5411;
export const F_GETFL = 3;
export const F_SETFL = 4;
export const F_GETFD = 1;
export const F_SETFD = 2;
export const O_NONBLOCK = 0o4000;
export const O_RDWR = 2;
export const FD_CLOEXEC = 1;

/** Linux's SOMAXCONN (net.core.somaxconn default since 5.4). */
export const SOMAXCONN = 4096;

/** Largest payload of one UDP datagram over IPv4 (65535 − 8 − 20). */
export const UDP_MAX_PAYLOAD_V4 = 65507;
/** Largest payload of one UDP datagram over IPv6 (65535 − 8). */
export const UDP_MAX_PAYLOAD_V6 = 65527;
/** Largest sun_path (sockaddr_un is 110 bytes: 2 for the family, 108 path). */
export const UNIX_PATH_MAX = 108;
