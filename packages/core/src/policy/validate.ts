/**
 * Shape checks for a policy written by hand (JSON in RAWSOCK_POLICY, a
 * file, Module options). A typo must not quietly change what is allowed:
 * an unknown key in an allow rule would otherwise leave a rule that
 * matches everything, an unknown op a deny rule that matches nothing.
 */
import { E, fail } from '../errno.js';

const SPEC_KEYS = new Set(['rules', 'default', 'denyWith', 'cwd']);
const RULE_KEYS = new Set(['action', 'ops', 'cidr', 'host', 'ports', 'unixPrefix']);
const OPS = new Set(['connect', 'bind', 'listen', 'sendto', 'accept']);

const isStringList = (v: unknown): boolean => typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string'));

/** Throws ErrnoError(EINVAL) naming the first problem in `spec`. */
export function validatePolicySpec(spec: unknown): void {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) fail(E.EINVAL, 'a policy is an object');
  const s = spec as Record<string, unknown>;
  for (const k of Object.keys(s)) if (!SPEC_KEYS.has(k)) fail(E.EINVAL, `unknown policy key "${k}" (known: ${[...SPEC_KEYS].join(', ')})`);
  if (s.default !== undefined && s.default !== 'allow' && s.default !== 'deny') fail(E.EINVAL, 'policy "default" must be "allow" or "deny"');
  if (s.denyWith !== undefined && s.denyWith !== 'EACCES' && s.denyWith !== 'ECONNREFUSED') fail(E.EINVAL, 'policy "denyWith" must be "EACCES" or "ECONNREFUSED"');
  if (s.cwd !== undefined && (typeof s.cwd !== 'string' || !s.cwd.startsWith('/'))) fail(E.EINVAL, 'policy "cwd" must be an absolute path');
  if (s.rules === undefined) return;
  if (!Array.isArray(s.rules)) fail(E.EINVAL, 'policy "rules" must be an array');
  s.rules.forEach((rule: unknown, i: number) => {
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) fail(E.EINVAL, `policy rule ${i}: a rule is an object`);
    const r = rule as Record<string, unknown>;
    for (const k of Object.keys(r)) if (!RULE_KEYS.has(k)) fail(E.EINVAL, `policy rule ${i}: unknown key "${k}" (known: ${[...RULE_KEYS].join(', ')})`);
    if (r.ops !== undefined && !(Array.isArray(r.ops) && r.ops.length > 0 && r.ops.every((o) => OPS.has(o as string)))) {
      fail(E.EINVAL, `policy rule ${i}: "ops" must be a non-empty list of ${[...OPS].join(', ')}`);
    }
    if (r.cidr !== undefined && !isStringList(r.cidr)) fail(E.EINVAL, `policy rule ${i}: "cidr" must be a string or a list of strings`);
    if (r.host !== undefined && !isStringList(r.host)) fail(E.EINVAL, `policy rule ${i}: "host" must be a string or a list of strings`);
    if (r.unixPrefix !== undefined && typeof r.unixPrefix !== 'string') fail(E.EINVAL, `policy rule ${i}: "unixPrefix" must be a string`);
    if (r.ports !== undefined && typeof r.ports !== 'number' && !(Array.isArray(r.ports) && r.ports.length === 2)) {
      fail(E.EINVAL, `policy rule ${i}: "ports" must be a port or a [low, high] pair`);
    }
  });
}
