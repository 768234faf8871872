/**
 * netdb.h numbers shared by glibc and musl (Emscripten's libc): getaddrinfo
 * flags, getnameinfo flags, EAI_* results and h_errno values.
 * https://man7.org/linux/man-pages/man3/getaddrinfo.3.html
 * https://man7.org/linux/man-pages/man3/getnameinfo.3.html
 * https://man7.org/linux/man-pages/man3/gethostbyname.3.html
 */

/** getaddrinfo: with a null node, answer the wildcard addresses (0.0.0.0, ::) for bind() instead of the loopback ones. */
export const AI_PASSIVE = 0x01;
/** getaddrinfo: set ai_canonname of the first result to the host's canonical name (needs a node, else EAI_BADFLAGS). */
export const AI_CANONNAME = 0x02;
/** getaddrinfo: node must be a numeric address; a name is not looked up (EAI_NONAME). */
export const AI_NUMERICHOST = 0x04;
/** getaddrinfo with family AF_INET6: when the host has no IPv6 address, answer its IPv4 ones as IPv4-mapped IPv6 (::ffff:a.b.c.d). */
export const AI_V4MAPPED = 0x08;
/** getaddrinfo with AI_V4MAPPED: answer the IPv6 addresses and the IPv4-mapped ones too. */
export const AI_ALL = 0x10;
/** getaddrinfo: only addresses of families the system has a configured non-loopback address for. */
export const AI_ADDRCONFIG = 0x20;
/** getaddrinfo: service must be a numeric port; a service name is not looked up (EAI_NONAME). */
export const AI_NUMERICSERV = 0x400;
/** Every flag getaddrinfo accepts (glibc's AI_IDN family is not supported: EAI_BADFLAGS). */
export const AI_KNOWN = AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | AI_ALL | AI_ADDRCONFIG | AI_NUMERICSERV;

/** getnameinfo: give the host in numeric form, without a reverse lookup. */
export const NI_NUMERICHOST = 0x01;
/** getnameinfo: give the service as the decimal port, without a services lookup. */
export const NI_NUMERICSERV = 0x02;
/** getnameinfo: give only the first label of the host name ("db" for "db.example.org"). */
export const NI_NOFQDN = 0x04;
/** getnameinfo: fail with EAI_NONAME when the host has no name, instead of answering the numeric address. */
export const NI_NAMEREQD = 0x08;
/** getnameinfo: look the port up as a datagram (udp) service rather than a stream (tcp) one. */
export const NI_DGRAM = 0x10;
/** getnameinfo: give an IPv6 zone (scope id) numerically (musl's flag; the zone is always numeric here). */
export const NI_NUMERICSCOPE = 0x100;

/** Bad flags: unknown AI_ or NI_ bits, or AI_CANONNAME without a node. */
export const EAI_BADFLAGS = -1;
/** The node or service is not known; or both are null; or AI_NUMERICHOST/AI_NUMERICSERV was given a name; or (getnameinfo with NI_NAMEREQD) the address has no name. */
export const EAI_NONAME = -2;
/** The name server returned a temporary failure; try again later. */
export const EAI_AGAIN = -3;
/** The name server returned a permanent failure. */
export const EAI_FAIL = -4;
/** The host exists but has no network addresses defined. */
export const EAI_NODATA = -5;
/** The requested address family is not supported (not AF_UNSPEC, AF_INET or AF_INET6). */
export const EAI_FAMILY = -6;
/** The requested socket type is not supported, or does not go with the requested protocol. */
export const EAI_SOCKTYPE = -7;
/** The requested service is not available for the requested socket type. */
export const EAI_SERVICE = -8;
/** The host has no network addresses in the requested address family (e.g. a numeric IPv4 node with AF_INET6 and no AI_V4MAPPED). */
export const EAI_ADDRFAMILY = -9;
/** Out of memory. */
export const EAI_MEMORY = -10;
/** Other system error; errno says which. */
export const EAI_SYSTEM = -11;
/** getnameinfo: the host or service buffer was too small. */
export const EAI_OVERFLOW = -12;

/** h_errno (gethostbyname and friends): the host is unknown. */
export const HOST_NOT_FOUND = 1;
/** h_errno: a temporary error on an authoritative name server; try again later. */
export const TRY_AGAIN = 2;
/** h_errno: a nonrecoverable name server error. */
export const NO_RECOVERY = 3;
/** h_errno: the name is valid but has no address of the requested family. */
export const NO_DATA = 4;
