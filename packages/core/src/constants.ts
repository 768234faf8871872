/**
 * Socket-API constants with Linux's values. Emscripten's musl uses the same
 * numbers for these (only errno differs; see errno.ts), so one table serves
 * the JS API, the syscall interface and the Emscripten glue.
 *
 * Sources: socket(7), ip(7), ipv6(7), tcp(7), poll(2), unix(7).
 */

// Address families — socket(2)
/** `AF_UNSPEC`, one of the address families (socket(2)). */
export const AF_UNSPEC = 0;
/** `AF_UNIX`, one of the address families (socket(2)). */
export const AF_UNIX = 1;
/** `AF_INET`, one of the address families (socket(2)). */
export const AF_INET = 2;
/** `AF_INET6`, one of the address families (socket(2)). */
export const AF_INET6 = 10;

// Socket types and type flags — socket(2)
/** `SOCK_STREAM`, one of the socket types and type flags (socket(2)). */
export const SOCK_STREAM = 1;
/** `SOCK_DGRAM`, one of the socket types and type flags (socket(2)). */
export const SOCK_DGRAM = 2;
/** `SOCK_RAW`, one of the socket types and type flags (socket(2)). */
export const SOCK_RAW = 3;
/** `SOCK_SEQPACKET`, one of the socket types and type flags (socket(2)). */
export const SOCK_SEQPACKET = 5;
/** `SOCK_NONBLOCK`, one of the socket types and type flags (socket(2)). */
export const SOCK_NONBLOCK = 0o4000;
/** `SOCK_CLOEXEC`, one of the socket types and type flags (socket(2)). */
export const SOCK_CLOEXEC = 0o2000000;
/** The bits of socket()'s type argument that are the type proper. */
export const SOCK_TYPE_MASK = 0xf;

// Protocol levels and protocols — ip(7), ipv6(7), tcp(7), udp(7)
/** `SOL_SOCKET`, one of the protocol levels and protocols (ip(7), ipv6(7), tcp(7), udp(7)). */
export const SOL_SOCKET = 1;
/** `IPPROTO_IP`, one of the protocol levels and protocols (ip(7), ipv6(7), tcp(7), udp(7)). */
export const IPPROTO_IP = 0;
/** `IPPROTO_TCP`, one of the protocol levels and protocols (ip(7), ipv6(7), tcp(7), udp(7)). */
export const IPPROTO_TCP = 6;
/** `IPPROTO_UDP`, one of the protocol levels and protocols (ip(7), ipv6(7), tcp(7), udp(7)). */
export const IPPROTO_UDP = 17;
/** `IPPROTO_IPV6`, one of the protocol levels and protocols (ip(7), ipv6(7), tcp(7), udp(7)). */
export const IPPROTO_IPV6 = 41;

// SOL_SOCKET options — socket(7)
/** `SO_DEBUG`, one of the sOL_SOCKET options (socket(7)). */
export const SO_DEBUG = 1;
/** `SO_REUSEADDR`, one of the sOL_SOCKET options (socket(7)). */
export const SO_REUSEADDR = 2;
/** `SO_TYPE`, one of the sOL_SOCKET options (socket(7)). */
export const SO_TYPE = 3;
/** `SO_ERROR`, one of the sOL_SOCKET options (socket(7)). */
export const SO_ERROR = 4;
/** `SO_DONTROUTE`, one of the sOL_SOCKET options (socket(7)). */
export const SO_DONTROUTE = 5;
/** `SO_BROADCAST`, one of the sOL_SOCKET options (socket(7)). */
export const SO_BROADCAST = 6;
/** `SO_SNDBUF`, one of the sOL_SOCKET options (socket(7)). */
export const SO_SNDBUF = 7;
/** `SO_RCVBUF`, one of the sOL_SOCKET options (socket(7)). */
export const SO_RCVBUF = 8;
/** `SO_KEEPALIVE`, one of the sOL_SOCKET options (socket(7)). */
export const SO_KEEPALIVE = 9;
/** `SO_OOBINLINE`, one of the sOL_SOCKET options (socket(7)). */
export const SO_OOBINLINE = 10;
/** `SO_LINGER`, one of the sOL_SOCKET options (socket(7)). */
export const SO_LINGER = 13;
/** `SO_REUSEPORT`, one of the sOL_SOCKET options (socket(7)). */
export const SO_REUSEPORT = 15;
/** `SO_RCVLOWAT`, one of the sOL_SOCKET options (socket(7)). */
export const SO_RCVLOWAT = 18;
/** `SO_SNDLOWAT`, one of the sOL_SOCKET options (socket(7)). */
export const SO_SNDLOWAT = 19;
/** `SO_RCVTIMEO`, one of the sOL_SOCKET options (socket(7)). */
export const SO_RCVTIMEO = 20;
/** `SO_SNDTIMEO`, one of the sOL_SOCKET options (socket(7)). */
export const SO_SNDTIMEO = 21;
/** `SO_ACCEPTCONN`, one of the sOL_SOCKET options (socket(7)). */
export const SO_ACCEPTCONN = 30;
/** `SO_PROTOCOL`, one of the sOL_SOCKET options (socket(7)). */
export const SO_PROTOCOL = 38;
/** `SO_DOMAIN`, one of the sOL_SOCKET options (socket(7)). */
export const SO_DOMAIN = 39;
/** 64-bit-time variants (struct __kernel_sock_timeval); musl uses them when time_t is 64-bit on a 32-bit target. */
export const SO_RCVTIMEO_NEW = 66;
/** `SO_SNDTIMEO_NEW`, one of the sOL_SOCKET options (socket(7)). */
export const SO_SNDTIMEO_NEW = 67;

// IPPROTO_TCP options — tcp(7)
/** `TCP_NODELAY`, one of the iPPROTO_TCP options (tcp(7)). */
export const TCP_NODELAY = 1;
/** `TCP_MAXSEG`, one of the iPPROTO_TCP options (tcp(7)). */
export const TCP_MAXSEG = 2;
/** `TCP_KEEPIDLE`, one of the iPPROTO_TCP options (tcp(7)). */
export const TCP_KEEPIDLE = 4;
/** `TCP_KEEPINTVL`, one of the iPPROTO_TCP options (tcp(7)). */
export const TCP_KEEPINTVL = 5;
/** `TCP_KEEPCNT`, one of the iPPROTO_TCP options (tcp(7)). */
export const TCP_KEEPCNT = 6;

// IPPROTO_IP options — ip(7)
/** `IP_TOS`, one of the iPPROTO_IP options (ip(7)). */
export const IP_TOS = 1;
/** `IP_TTL`, one of the iPPROTO_IP options (ip(7)). */
export const IP_TTL = 2;
/** `IP_MULTICAST_IF`, one of the iPPROTO_IP options (ip(7)). */
export const IP_MULTICAST_IF = 32;
/** `IP_MULTICAST_TTL`, one of the iPPROTO_IP options (ip(7)). */
export const IP_MULTICAST_TTL = 33;
/** `IP_MULTICAST_LOOP`, one of the iPPROTO_IP options (ip(7)). */
export const IP_MULTICAST_LOOP = 34;
/** `IP_ADD_MEMBERSHIP`, one of the iPPROTO_IP options (ip(7)). */
export const IP_ADD_MEMBERSHIP = 35;
/** `IP_DROP_MEMBERSHIP`, one of the iPPROTO_IP options (ip(7)). */
export const IP_DROP_MEMBERSHIP = 36;

// IPPROTO_IPV6 options — ipv6(7)
/** `IPV6_UNICAST_HOPS`, one of the iPPROTO_IPV6 options (ipv6(7)). */
export const IPV6_UNICAST_HOPS = 16;
/** `IPV6_MULTICAST_IF`, one of the iPPROTO_IPV6 options (ipv6(7)). */
export const IPV6_MULTICAST_IF = 17;
/** `IPV6_MULTICAST_HOPS`, one of the iPPROTO_IPV6 options (ipv6(7)). */
export const IPV6_MULTICAST_HOPS = 18;
/** `IPV6_MULTICAST_LOOP`, one of the iPPROTO_IPV6 options (ipv6(7)). */
export const IPV6_MULTICAST_LOOP = 19;
/** `IPV6_JOIN_GROUP`, one of the iPPROTO_IPV6 options (ipv6(7)). */
export const IPV6_JOIN_GROUP = 20;
/** `IPV6_LEAVE_GROUP`, one of the iPPROTO_IPV6 options (ipv6(7)). */
export const IPV6_LEAVE_GROUP = 21;
/** `IPV6_V6ONLY`, one of the iPPROTO_IPV6 options (ipv6(7)). */
export const IPV6_V6ONLY = 26;

// send/recv flags — send(2), recv(2)
/** `MSG_OOB`, one of the send/recv flags (send(2), recv(2)). */
export const MSG_OOB = 0x1;
/** `MSG_PEEK`, one of the send/recv flags (send(2), recv(2)). */
export const MSG_PEEK = 0x2;
/** `MSG_DONTROUTE`, one of the send/recv flags (send(2), recv(2)). */
export const MSG_DONTROUTE = 0x4;
/** `MSG_CTRUNC`, one of the send/recv flags (send(2), recv(2)). */
export const MSG_CTRUNC = 0x8;
/** `MSG_TRUNC`, one of the send/recv flags (send(2), recv(2)). */
export const MSG_TRUNC = 0x20;
/** `MSG_DONTWAIT`, one of the send/recv flags (send(2), recv(2)). */
export const MSG_DONTWAIT = 0x40;
/** `MSG_EOR`, one of the send/recv flags (send(2), recv(2)). */
export const MSG_EOR = 0x80;
/** `MSG_WAITALL`, one of the send/recv flags (send(2), recv(2)). */
export const MSG_WAITALL = 0x100;
/** `MSG_NOSIGNAL`, one of the send/recv flags (send(2), recv(2)). */
export const MSG_NOSIGNAL = 0x4000;
/** `MSG_MORE`, one of the send/recv flags (send(2), recv(2)). */
export const MSG_MORE = 0x8000;
/** `MSG_CMSG_CLOEXEC`, one of the send/recv flags (send(2), recv(2)). */
export const MSG_CMSG_CLOEXEC = 0x40000000;

// shutdown(2)
/** `SHUT_RD` (shutdown(2)). */
export const SHUT_RD = 0;
/** `SHUT_WR` (shutdown(2)). */
export const SHUT_WR = 1;
/** `SHUT_RDWR` (shutdown(2)). */
export const SHUT_RDWR = 2;

// poll(2) events
/** `POLLIN` (poll(2) events). */
export const POLLIN = 0x001;
/** `POLLPRI` (poll(2) events). */
export const POLLPRI = 0x002;
/** `POLLOUT` (poll(2) events). */
export const POLLOUT = 0x004;
/** `POLLERR` (poll(2) events). */
export const POLLERR = 0x008;
/** `POLLHUP` (poll(2) events). */
export const POLLHUP = 0x010;
/** `POLLNVAL` (poll(2) events). */
export const POLLNVAL = 0x020;
/** `POLLRDNORM` (poll(2) events). */
export const POLLRDNORM = 0x040;
/** `POLLRDBAND` (poll(2) events). */
export const POLLRDBAND = 0x080;
/** `POLLWRNORM` (poll(2) events). */
export const POLLWRNORM = 0x100;
/** `POLLWRBAND` (poll(2) events). */
export const POLLWRBAND = 0x200;
/** `POLLRDHUP` (poll(2) events). */
export const POLLRDHUP = 0x2000;

// ioctl(2) / fcntl(2)
/** `FIONREAD` (ioctl(2) / fcntl(2)). */
export const FIONREAD = 0x541b;
/** `FIONBIO` (ioctl(2) / fcntl(2)). */
export const FIONBIO = 0x5421;
/** `SIOCOUTQ` (ioctl(2) / fcntl(2)). */
export const SIOCOUTQ = 0x5411;
/** `F_GETFL` (ioctl(2) / fcntl(2)). */
export const F_GETFL = 3;
/** `F_SETFL` (ioctl(2) / fcntl(2)). */
export const F_SETFL = 4;
/** `F_GETFD` (ioctl(2) / fcntl(2)). */
export const F_GETFD = 1;
/** `F_SETFD` (ioctl(2) / fcntl(2)). */
export const F_SETFD = 2;
/** `O_NONBLOCK` (ioctl(2) / fcntl(2)). */
export const O_NONBLOCK = 0o4000;
/** `O_RDWR` (ioctl(2) / fcntl(2)). */
export const O_RDWR = 2;
/** `FD_CLOEXEC` (ioctl(2) / fcntl(2)). */
export const FD_CLOEXEC = 1;

/** Linux's SOMAXCONN (net.core.somaxconn default since 5.4). */
export const SOMAXCONN = 4096;

/** Largest payload of one UDP datagram over IPv4 (65535 − 8 − 20). */
export const UDP_MAX_PAYLOAD_V4 = 65507;
/** Largest payload of one UDP datagram over IPv6 (65535 − 8). */
export const UDP_MAX_PAYLOAD_V6 = 65527;
/** Largest sun_path (sockaddr_un is 110 bytes: 2 for the family, 108 path). */
export const UNIX_PATH_MAX = 108;
