/** Policy inputs an embedder writes by hand: shape checks and unix path resolution. */
import { describe, expect, it } from 'vitest';
import { NetworkPolicy, parsePolicy, resolveUnixPath, validatePolicySpec } from '../src/index.js';

describe('policy shape checks', () => {
  it('accepts every documented key and the presets', () => {
    expect(() =>
      validatePolicySpec({
        default: 'deny',
        denyWith: 'ECONNREFUSED',
        cwd: '/srv',
        rules: [{ action: 'allow', ops: ['connect', 'sendto'], cidr: ['127.0.0.0/8'], host: 'db', ports: [1, 2], unixPrefix: '/run/' }],
      }),
    ).not.toThrow();
    for (const p of ['loopback-only', 'no-listen', 'deny-private', 'allow-all', 'loopback-only,no-listen,deny-private']) {
      expect(() => new NetworkPolicy(parsePolicy(p))).not.toThrow();
    }
  });

  it.each([
    [{ rule: [] }, 'unknown policy key "rule"'],
    [{ default: 'dney' }, '"default" must be'],
    [{ denyWith: 'EPERM' }, '"denyWith" must be'],
    [{ cwd: 'relative' }, '"cwd" must be an absolute path'],
    [{ rules: {} }, '"rules" must be an array'],
    [{ rules: ['allow'] }, 'policy rule 0: a rule is an object'],
    [{ rules: [{ action: 'allow', cdir: '10.0.0.0/8' }] }, 'policy rule 0: unknown key "cdir"'],
    [{ rules: [{ action: 'deny', ops: ['conect'] }] }, '"ops" must be'],
    [{ rules: [{ action: 'deny', ops: [] }] }, '"ops" must be'],
    [{ rules: [{ action: 'deny', cidr: 10 }] }, '"cidr" must be'],
    [{ rules: [{ action: 'deny', host: [1] }] }, '"host" must be'],
    [{ rules: [{ action: 'deny', unixPrefix: 1 }] }, '"unixPrefix" must be'],
    [{ rules: [{ action: 'deny', ports: '80' }] }, '"ports" must be'],
    [[], 'a policy is an object'],
  ])('rejects %j', (spec, message) => {
    expect(() => new NetworkPolicy(spec as never)).toThrow(message);
  });
});

describe('unix paths as policy sees them', () => {
  it.each([
    ['/tmp/app/x.sock', undefined, '/tmp/app/x.sock'],
    ['/tmp/app/../../run/docker.sock', undefined, '/run/docker.sock'],
    ['//tmp//./app/', undefined, '/tmp/app/'],
    ['/../../..', undefined, '/'],
    ['x.sock', undefined, undefined],
    ['../x.sock', '/srv/app', '/srv/x.sock'],
    ['\0abstract/../x', undefined, '\0abstract/../x'],
  ])('%j (cwd %j) → %j', (path, cwd, expected) => {
    expect(resolveUnixPath(path, cwd)).toBe(expected);
  });

  it('a relative path without cwd is inside every deny prefix and outside every allow prefix', () => {
    const unix = (path: string) => ({ family: 'unix' as const, path });
    const denyRun = new NetworkPolicy({ default: 'allow', rules: [{ action: 'deny', unixPrefix: '/run/' }] });
    expect(denyRun.evaluate('connect', unix('docker.sock')).allowed).toBe(false);
    const allowApp = new NetworkPolicy({ default: 'deny', rules: [{ action: 'allow', unixPrefix: '/srv/app/' }] });
    expect(allowApp.evaluate('connect', unix('x.sock')).allowed).toBe(false);
    const withCwd = new NetworkPolicy({ default: 'deny', cwd: '/srv/app', rules: [{ action: 'allow', unixPrefix: '/srv/app/' }] });
    expect(withCwd.evaluate('connect', unix('x.sock')).allowed).toBe(true);
    expect(withCwd.evaluate('connect', unix('../other/x.sock')).allowed).toBe(false);
  });
});
