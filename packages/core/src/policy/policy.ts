/**
 * Network policy: which addresses a guest may connect to, bind or listen on,
 * send datagrams to and accept connections from. Rules are checked in order
 * and the first match wins; no match falls back to the default. Checks run
 * in the core, so they hold the same on every provider.
 */
import { formatIPv4, formatIPv6, type SocketAddress } from '../address.js';
import { E, fail } from '../errno.js';
import { inCidr, normalizeHostname, parseCidr, parseIp, reachedAddress, unmap, type Cidr, type IpBytes } from './ip.js';
import { resolveUnixPath } from './unix-path.js';
import { validatePolicySpec } from './validate.js';

/** An operation a rule can cover. */
export type PolicyOperation = 'connect' | 'bind' | 'listen' | 'sendto' | 'accept';

/** One allow or deny rule. Every given condition must hold for it to match. */
export interface PolicyRule {
  /** Allow or deny what the rule matches. */
  readonly action: 'allow' | 'deny';
  /** Operations covered (default: all). */
  readonly ops?: readonly PolicyOperation[];
  /** IP blocks (`'127.0.0.0/8'`, `'::1'`); an IPv4-mapped IPv6 address matches its IPv4 block. */
  readonly cidr?: string | readonly string[];
  /** Host names: match the addresses the name resolved to (resolved once, then pinned). */
  readonly host?: string | readonly string[];
  /** A port or inclusive range. */
  readonly ports?: number | readonly [number, number];
  /** Unix socket path prefix (`'/tmp/app/'`); `'@'` prefixes abstract names. */
  readonly unixPrefix?: string;
}

/** A policy as an embedder writes it. */
export interface PolicySpec {
  /** Rules, checked in order; the first that matches decides. */
  readonly rules?: readonly PolicyRule[];
  /** What happens when no rule matches (default `'allow'`). */
  readonly default?: 'allow' | 'deny';
  /** errno of a denied operation (default `'EACCES'`). */
  readonly denyWith?: 'EACCES' | 'ECONNREFUSED';
  /**
   * Directory relative unix socket paths are resolved against. Without it, a
   * relative path (which could climb anywhere with `..`) counts as inside
   * every deny prefix and outside every allow prefix.
   */
  readonly cwd?: string;
}

/** What the audit hook hears about each denied operation. */
export interface PolicyDenial {
  /** The operation denied. */
  readonly op: PolicyOperation;
  /** The address it was for. */
  readonly address: SocketAddress;
  /** Index of the deny rule that matched, or -1 for the default. */
  readonly rule: number;
}

interface CompiledRule {
  readonly action: 'allow' | 'deny';
  readonly ops: ReadonlySet<PolicyOperation> | undefined;
  readonly cidrs: readonly Cidr[] | undefined;
  readonly hosts: readonly string[] | undefined;
  readonly ports: readonly [number, number] | undefined;
  readonly unixPrefix: string | undefined;
}

const asList = <T>(v: T | readonly T[] | undefined): readonly T[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? (v as readonly T[]) : [v as T]);

function compileRule(rule: PolicyRule, index: number): CompiledRule {
  if (rule.action !== 'allow' && rule.action !== 'deny') fail(E.EINVAL, `policy rule ${index}: action must be "allow" or "deny"`);
  const cidrs = asList(rule.cidr)?.map((text) => parseCidr(text) ?? fail(E.EINVAL, `policy rule ${index}: bad CIDR "${text}"`));
  const ports = rule.ports === undefined ? undefined : typeof rule.ports === 'number' ? ([rule.ports, rule.ports] as const) : rule.ports;
  if (ports && !(Number.isInteger(ports[0]) && Number.isInteger(ports[1]) && ports[0] >= 0 && ports[1] <= 65535 && ports[0] <= ports[1])) {
    fail(E.EINVAL, `policy rule ${index}: bad port range`);
  }
  return {
    action: rule.action,
    ops: rule.ops ? new Set(rule.ops) : undefined,
    cidrs,
    hosts: asList(rule.host)?.map(normalizeHostname),
    ports,
    unixPrefix: rule.unixPrefix === undefined ? undefined : rule.unixPrefix.startsWith('@') ? `\0${rule.unixPrefix.slice(1)}` : rule.unixPrefix,
  };
}

/** A checked policy, with the host-name pins it has made. */
export class NetworkPolicy {
  private readonly rules: readonly CompiledRule[];
  private readonly fallback: 'allow' | 'deny';
  private readonly cwd: string | undefined;
  /** errno a denied operation fails with. */
  readonly denyErrno: number;
  /** Host name → the addresses it resolved to the first time (DNS rebinding defence). */
  private readonly pins = new Map<string, readonly IpBytes[]>();
  /** Called for every denied operation. */
  audit: ((denial: PolicyDenial) => void) | undefined;

  constructor(spec: PolicySpec, audit?: (denial: PolicyDenial) => void) {
    validatePolicySpec(spec);
    this.rules = (spec.rules ?? []).map(compileRule);
    this.fallback = spec.default ?? 'allow';
    this.cwd = spec.cwd;
    this.denyErrno = spec.denyWith === 'ECONNREFUSED' ? E.ECONNREFUSED : E.EACCES;
    this.audit = audit;
  }

  /** True if some rule names hosts, so lookups must be pinned. */
  get hasHostRules(): boolean {
    return this.rules.some((r) => r.hosts !== undefined);
  }

  /**
   * Records what `hostname` resolved to. The first answer is kept: later
   * lookups return it again, so a name cannot be re-pointed at another
   * address after it was checked.
   */
  pin(hostname: string, addresses: readonly string[]): readonly string[] {
    const key = normalizeHostname(hostname);
    const existing = this.pins.get(key);
    if (existing) return existing.map(formatPinned);
    const parsed = addresses.map(parseIp).filter((a): a is IpBytes => a !== undefined);
    this.pins.set(key, parsed);
    return addresses;
  }

  /** The pinned addresses of a name, if it was resolved before. */
  pinned(hostname: string): readonly string[] | undefined {
    return this.pins.get(normalizeHostname(hostname))?.map(formatPinned);
  }

  /** Throws the deny errno (after auditing) unless `op` on `address` is allowed. */
  check(op: PolicyOperation, address: SocketAddress): void {
    const verdict = this.evaluate(op, address);
    if (verdict.allowed) return;
    this.audit?.({ op, address, rule: verdict.rule });
    fail(this.denyErrno, `denied by rawsock policy: ${op}`);
  }

  /** The verdict without side effects. */
  evaluate(
    op: PolicyOperation,
    address: SocketAddress,
  ): {
    /** Whether the operation may go ahead. */
    allowed: boolean;
    /** Index of the rule that decided, or -1 for the default. */
    rule: number;
  } {
    let ip: IpBytes | undefined;
    let path: string | undefined;
    if (address.family === 'unix') path = resolveUnixPath(address.path, this.cwd);
    else {
      const parsed = parseIp(address.address);
      if (!parsed) return { allowed: false, rule: -1 };
      // Where a connection or datagram really goes: 0.0.0.0 is this host.
      ip = op === 'connect' || op === 'sendto' ? reachedAddress(unmap(parsed)) : unmap(parsed);
    }
    for (let i = 0; i < this.rules.length; i++) {
      const r = this.rules[i] as CompiledRule;
      if (matches(r, op, address, ip, path, this.pins)) return { allowed: r.action === 'allow', rule: i };
    }
    return { allowed: this.fallback === 'allow', rule: -1 };
  }
}

function matches(
  r: CompiledRule,
  op: PolicyOperation,
  address: SocketAddress,
  ip: IpBytes | undefined,
  path: string | undefined,
  pins: ReadonlyMap<string, readonly IpBytes[]>,
): boolean {
  if (r.ops && !r.ops.has(op)) return false;
  if (address.family === 'unix') {
    // IP conditions never match a unix address; a unix prefix never matches an IP one.
    if (r.cidrs || r.hosts || r.ports) return false;
    if (r.unixPrefix === undefined || r.unixPrefix === '') return true;
    // A relative path with no cwd could be anywhere: inside every deny prefix, outside every allow prefix.
    if (path === undefined) return r.action === 'deny';
    return path.startsWith(r.unixPrefix);
  }
  if (r.unixPrefix !== undefined || !ip) return false;
  if (r.ports && (address.port < r.ports[0] || address.port > r.ports[1])) return false;
  if (r.cidrs && !r.cidrs.some((c) => inCidr(ip, c))) return false;
  if (r.hosts) {
    const hit = r.hosts.some((h) => pins.get(h)?.some((p) => p.v === ip.v && p.bytes.every((b, i) => b === ip.bytes[i])));
    if (!hit) return false;
  }
  return true;
}

function formatPinned(ip: IpBytes): string {
  return ip.v === 4 ? formatIPv4(ip.bytes) : formatIPv6(ip.bytes);
}
