/**
 * @rawsock/core must run unchanged on Node, Deno and Bun: no runtime module
 * imports and no runtime globals anywhere in its sources.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const roots = ['src', 'conformance'].map((d) => join(__dirname, '..', d));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const forbidden: [RegExp, string][] = [
  [/from\s+['"]node:/, 'node: import'],
  [/from\s+['"](fs|net|dgram|dns|os|path|child_process|worker_threads|events|stream|buffer|util)['"]/, 'Node builtin import'],
  [/\brequire\s*\(/, 'require()'],
  [/\bDeno\s*\./, 'Deno global'],
  [/\bBun\s*\./, 'Bun global'],
  [/\bprocess\s*\./, 'process global'],
  [/\bBuffer\s*\./, 'Buffer global'],
  [/\b__dirname\b|\b__filename\b/, 'CommonJS globals'],
];

describe('core is runtime-agnostic', () => {
  const files = roots.flatMap(sources);
  it('has sources to check', () => expect(files.length).toBeGreaterThan(10));
  for (const file of files) {
    it(file.slice(file.indexOf('packages/')), () => {
      const text = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      const hits = forbidden.filter(([re]) => re.test(text)).map(([, what]) => what);
      expect(hits).toEqual([]);
    });
  }
});
