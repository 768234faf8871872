/**
 * The sendto(2) destination memo of SocketSyscalls (one job: skip decoding
 * a UDP destination that did not change).
 */
import { SOCK_DGRAM, SOCK_TYPE_MASK } from './constants.js';
import { decodeSockaddrFor, SOCKADDR_IN6_LEN, type SockaddrArgument, type SockaddrTarget } from './sockaddr.js';

/**
 * A one-entry memo of the sendto(2) destination of a UDP socket. A UDP
 * program sends to the same peer datagram after datagram, and decoding the
 * sockaddr builds an address object and its text each time; the memo hands
 * back the previous result when the bytes and the decoding context are the
 * same. Only successful address results are kept (errors are decoded again,
 * so they keep their messages), and only for IPv4/IPv6 datagram sockets,
 * whose decoding depends on nothing but the domain, IPV6_V6ONLY and the
 * bytes. Addresses are immutable, so sharing the object is safe.
 */
export class SendtoMemo {
  private readonly bytes = new Uint8Array(SOCKADDR_IN6_LEN);
  private addrlen = -1;
  private domain: SockaddrTarget['domain'] | null = null;
  private v6only = false;
  private result: SockaddrArgument | null = null;

  /** decodeSockaddrFor('sendto', target, addr, addrlen), memoized as described above. */
  decode(target: SockaddrTarget, addr: Uint8Array, addrlen: number): SockaddrArgument {
    const v6only = target.v6only === true;
    const cacheable =
      (target.domain === 'ipv4' || target.domain === 'ipv6') &&
      (target.type & SOCK_TYPE_MASK) === SOCK_DGRAM &&
      Number.isInteger(addrlen) &&
      addrlen >= 0 &&
      addrlen <= SOCKADDR_IN6_LEN &&
      addrlen <= addr.byteLength;
    if (cacheable && this.result && this.matches(target.domain, v6only, addr, addrlen)) return this.result;
    const result = decodeSockaddrFor('sendto', target, addr, addrlen);
    if (cacheable && result.kind === 'address') {
      this.bytes.set(addr.subarray(0, addrlen));
      this.addrlen = addrlen;
      this.domain = target.domain;
      this.v6only = v6only;
      this.result = result;
    }
    return result;
  }

  private matches(domain: SockaddrTarget['domain'], v6only: boolean, addr: Uint8Array, addrlen: number): boolean {
    if (addrlen !== this.addrlen || domain !== this.domain || v6only !== this.v6only) return false;
    const bytes = this.bytes;
    for (let i = 0; i < addrlen; i++) if (addr[i] !== bytes[i]) return false;
    return true;
  }
}
