/**
 * Named policies and the textual form used by `RAWSOCK_POLICY` and Module
 * options: a comma-separated list of presets, inline JSON, or a JSON file.
 */
import { E, fail } from '../errno.js';
import type { PolicyRule, PolicySpec } from './policy.js';

/** Private, link-local, shared and cloud-metadata ranges (RFC 1918, 3927, 6598, 4193, 4291). */
const PRIVATE_RANGES = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '169.254.0.0/16', // link-local, including 169.254.169.254 (cloud metadata)
  '100.64.0.0/10', // carrier-grade NAT
  '0.0.0.0/8',
  'fc00::/7', // unique local, including fd00:ec2::254 (metadata)
  'fe80::/10', // link-local
];

/** The built-in presets. */
export const POLICY_PRESETS: Readonly<Record<string, PolicySpec>> = {
  /** Only loopback IP traffic (and unix sockets); everything else denied. */
  'loopback-only': {
    default: 'deny',
    rules: [
      { action: 'allow', cidr: ['127.0.0.0/8', '::1/128'] },
      { action: 'allow', unixPrefix: '' },
    ],
  },
  /** No listening sockets: the guest can be a client only. */
  'no-listen': { default: 'allow', rules: [{ action: 'deny', ops: ['listen', 'accept'] }] },
  /** No private, link-local, CGNAT, ULA or metadata addresses. */
  'deny-private': { default: 'allow', rules: [{ action: 'deny', cidr: PRIVATE_RANGES }] },
  /** Everything allowed (the default without a policy). */
  'allow-all': { default: 'allow', rules: [] },
};

/**
 * Combines policies so each one's denials hold: every deny rule first, then
 * every allow rule; the default is deny if any part defaults to deny.
 */
export function combinePolicies(parts: readonly PolicySpec[]): PolicySpec {
  const rules = parts.flatMap((p) => p.rules ?? []);
  const denyWith = parts.find((p) => p.denyWith)?.denyWith;
  return {
    rules: [...rules.filter((r: PolicyRule) => r.action === 'deny'), ...rules.filter((r: PolicyRule) => r.action === 'allow')],
    default: parts.some((p) => p.default === 'deny') ? 'deny' : 'allow',
    ...(denyWith ? { denyWith } : {}),
  };
}

/**
 * Reads a policy from text: inline JSON (`{"default":"deny",...}`), a path
 * to a JSON file (read with `readFile`, which the runtime supplies), or a
 * comma-separated list of preset names (`loopback-only,no-listen`). Throws
 * an ErrnoError (EINVAL) naming the problem.
 */
export function parsePolicy(text: string, readFile?: (path: string) => string): PolicySpec {
  const t = text.trim();
  if (t.startsWith('{')) return parseJson(t, 'inline policy');
  if (t.includes('/') || t.endsWith('.json')) {
    if (!readFile) fail(E.EINVAL, `policy file ${t} given, but this runtime cannot read files`);
    return parseJson(readFile(t), t);
  }
  const names = t.split(',').map((n) => n.trim()).filter(Boolean);
  if (names.length === 0) fail(E.EINVAL, 'empty policy');
  return combinePolicies(
    names.map((n) => POLICY_PRESETS[n] ?? fail(E.EINVAL, `unknown policy preset "${n}" (known: ${Object.keys(POLICY_PRESETS).join(', ')})`)),
  );
}

function parseJson(text: string, what: string): PolicySpec {
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(E.EINVAL, `${what}: a policy is a JSON object`);
    return v as PolicySpec;
  } catch (e) {
    if (e instanceof SyntaxError) fail(E.EINVAL, `${what}: ${e.message}`);
    throw e;
  }
}
