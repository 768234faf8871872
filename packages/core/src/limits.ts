/**
 * Defaults and bounds the state machine enforces. Buffer sizes follow
 * Linux's sysctl defaults where a program can observe them (SO_RCVBUF and
 * SO_SNDBUF report the doubled value, clamped to rmem_max/wmem_max).
 */
export interface CoreLimits {
  /** Receive queue bound for a stream socket with no SO_RCVBUF set (bytes). */
  readonly streamReceiveBytes: number;
  /** Send bound (bytes handed to the provider and not yet written) with no SO_SNDBUF set. */
  readonly streamSendBytes: number;
  /** Receive queue bound for a datagram socket with no SO_RCVBUF set (payload bytes). */
  readonly datagramReceiveBytes: number;
  /** Largest value SO_RCVBUF/SO_SNDBUF accept before doubling (Linux rmem_max/wmem_max). */
  readonly socketBufferMax: number;
  /** Connections queued on a listener beyond which new ones are reset (Linux SOMAXCONN). */
  readonly maxAcceptQueue: number;
  /** Most sockets one table holds (EMFILE beyond). */
  readonly maxSockets: number;
  /** Received bytes all sockets of a table may hold together; past it providers are paused. */
  readonly maxBufferedBytes: number;
  /** Largest datagram payload a socket may send (EMSGSIZE beyond); the protocol maximum caps it. */
  readonly maxDatagramBytes: number;
}

/**
 * The defaults: 256 KiB queues, Linux's rmem_max of 212992, SOMAXCONN 4096,
 * 65536 sockets, 128 MiB of received data per table, protocol-sized datagrams.
 */
export const DEFAULT_LIMITS: CoreLimits = {
  streamReceiveBytes: 256 * 1024,
  streamSendBytes: 256 * 1024,
  datagramReceiveBytes: 256 * 1024,
  socketBufferMax: 212992,
  maxAcceptQueue: 4096,
  maxSockets: 65536,
  maxBufferedBytes: 128 * 1024 * 1024,
  maxDatagramBytes: 65527,
};

/** Linux's floor for SO_RCVBUF (SOCK_MIN_RCVBUF on x86_64). */
export const MIN_RCVBUF = 2304;
/** Linux's floor for SO_SNDBUF (SOCK_MIN_SNDBUF on x86_64). */
export const MIN_SNDBUF = 4608;
