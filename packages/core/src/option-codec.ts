/**
 * Socket option values between C bytes and JS values, with Linux's length
 * rules: setsockopt with a value shorter than its type is EINVAL (IPPROTO_IP
 * integer options also accept one byte), getsockopt truncates to optlen.
 * The C ABI (struct timeval width) is a parameter: native Linux x86_64 uses
 * two 64-bit fields; Emscripten's wasm32 libc has its own layout.
 */
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from './address.js';
import { E, fail } from './errno.js';
import type { LingerValue, MembershipValue, OptionKind, OptionValue, TimevalValue } from './options.js';

/** Layout of struct timeval in the caller's ABI. */
export interface TimevalLayout {
  /** sizeof(struct timeval). */
  readonly size: number;
  /** Width of tv_sec in bytes. */
  readonly secBytes: 4 | 8;
  /** Offset of tv_usec. */
  readonly usecOffset: number;
  /** Width of tv_usec in bytes. */
  readonly usecBytes: 4 | 8;
}

/** The C ABI details option values depend on. */
export interface OptionAbi {
  /** The layout of struct timeval (SO_RCVTIMEO, SO_SNDTIMEO). */
  readonly timeval: TimevalLayout;
}

/** Linux on x86_64/aarch64: `struct timeval { long tv_sec; long tv_usec; }`. */
export const LINUX_LP64_ABI: OptionAbi = { timeval: { size: 16, secBytes: 8, usecOffset: 8, usecBytes: 8 } };

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function readInt(dv: DataView, offset: number, bytes: 4 | 8): number {
  return bytes === 8 ? Number(dv.getBigInt64(offset, true)) : dv.getInt32(offset, true);
}

function writeInt(dv: DataView, offset: number, bytes: 4 | 8, value: number): void {
  if (bytes === 8) dv.setBigInt64(offset, BigInt(Math.trunc(value)), true);
  else dv.setInt32(offset, value, true);
}

/** Decodes setsockopt's optval/optlen. Throws EINVAL for a short value. */
export function decodeOption(kind: OptionKind, bytes: Uint8Array, abi: OptionAbi): OptionValue {
  const dv = view(bytes);
  switch (kind) {
    case 'int':
      if (bytes.byteLength < 4) fail(E.EINVAL);
      return dv.getInt32(0, true);
    case 'ip-int':
      // do_ip_setsockopt reads an int, or a single unsigned char when optlen < 4.
      if (bytes.byteLength >= 4) return dv.getInt32(0, true);
      if (bytes.byteLength >= 1) return bytes[0] as number;
      return fail(E.EINVAL);
    case 'linger':
      if (bytes.byteLength < 8) fail(E.EINVAL);
      return { onoff: dv.getInt32(0, true), linger: dv.getInt32(4, true) } satisfies LingerValue;
    case 'timeval': {
      const t = abi.timeval;
      if (bytes.byteLength < t.size) fail(E.EINVAL);
      return { sec: readInt(dv, 0, t.secBytes), usec: readInt(dv, t.usecOffset, t.usecBytes) } satisfies TimevalValue;
    }
    case 'ip_mreq':
      // struct ip_mreq (8 bytes) or ip_mreqn (12: group, address, ifindex).
      if (bytes.byteLength < 8) fail(E.EINVAL);
      return { group: formatIPv4(bytes, 0), iface: formatIPv4(bytes, 4) } satisfies MembershipValue;
    case 'ipv6_mreq':
      if (bytes.byteLength < 20) fail(E.EINVAL);
      return { group: formatIPv6(bytes, 0), iface: String(dv.getUint32(16, true)) } satisfies MembershipValue;
  }
}

/**
 * Encodes getsockopt's value into at most `maxLength` bytes. Returns the
 * bytes to copy out; their length is the optlen the kernel reports.
 */
export function encodeOption(kind: OptionKind, value: OptionValue, maxLength: number, abi: OptionAbi): Uint8Array {
  if (maxLength < 0) fail(E.EINVAL);
  let full: Uint8Array;
  switch (kind) {
    case 'int':
    case 'ip-int': {
      const n = value as number;
      // ip_getsockopt: a short buffer gets one byte when the value fits.
      if (kind === 'ip-int' && maxLength > 0 && maxLength < 4 && n >= 0 && n <= 255) return Uint8Array.of(n);
      full = new Uint8Array(4);
      view(full).setInt32(0, n, true);
      break;
    }
    case 'linger': {
      const l = value as LingerValue;
      full = new Uint8Array(8);
      view(full).setInt32(0, l.onoff, true);
      view(full).setInt32(4, l.linger, true);
      break;
    }
    case 'timeval': {
      const t = abi.timeval;
      const tv = value as TimevalValue;
      full = new Uint8Array(t.size);
      writeInt(view(full), 0, t.secBytes, tv.sec);
      writeInt(view(full), t.usecOffset, t.usecBytes, tv.usec);
      break;
    }
    case 'ip_mreq':
    case 'ipv6_mreq': {
      const m = value as MembershipValue;
      full = kind === 'ip_mreq' ? new Uint8Array(8) : new Uint8Array(20);
      full.set((kind === 'ip_mreq' ? parseIPv4(m.group) : parseIPv6(m.group)) ?? new Uint8Array(0));
      break;
    }
  }
  return full.subarray(0, Math.min(maxLength, full.byteLength));
}
