/**
 * netdb.h numbers shared by glibc and musl (Emscripten's libc): getaddrinfo
 * flags, getnameinfo flags, EAI_* results and h_errno values.
 * https://man7.org/linux/man-pages/man3/getaddrinfo.3.html
 */

export const AI_PASSIVE = 0x01;
export const AI_CANONNAME = 0x02;
export const AI_NUMERICHOST = 0x04;
export const AI_V4MAPPED = 0x08;
export const AI_ALL = 0x10;
export const AI_ADDRCONFIG = 0x20;
export const AI_NUMERICSERV = 0x400;
/** Every flag getaddrinfo accepts (glibc's AI_IDN family is not supported: EAI_BADFLAGS). */
export const AI_KNOWN = AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | AI_ALL | AI_ADDRCONFIG | AI_NUMERICSERV;

export const NI_NUMERICHOST = 0x01;
export const NI_NUMERICSERV = 0x02;
export const NI_NOFQDN = 0x04;
export const NI_NAMEREQD = 0x08;
export const NI_DGRAM = 0x10;
export const NI_NUMERICSCOPE = 0x100;

export const EAI_BADFLAGS = -1;
export const EAI_NONAME = -2;
export const EAI_AGAIN = -3;
export const EAI_FAIL = -4;
export const EAI_NODATA = -5;
export const EAI_FAMILY = -6;
export const EAI_SOCKTYPE = -7;
export const EAI_SERVICE = -8;
export const EAI_ADDRFAMILY = -9;
export const EAI_MEMORY = -10;
export const EAI_SYSTEM = -11;
export const EAI_OVERFLOW = -12;

/** h_errno values (gethostbyname and friends). */
export const HOST_NOT_FOUND = 1;
export const TRY_AGAIN = 2;
export const NO_RECOVERY = 3;
export const NO_DATA = 4;
