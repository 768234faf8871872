/** Registers the conformance cases with vitest for one environment. */
import { describe, it } from 'vitest';
import { conformanceCases, runCase, skipReason, type ConformanceEnv } from '../../conformance/index.js';

export function registerConformance(env: ConformanceEnv): void {
  const groups = new Map<string, typeof conformanceCases[number][]>();
  for (const c of conformanceCases) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  describe(`conformance on ${env.name}`, () => {
    for (const [group, cases] of groups) {
      describe(group, () => {
        for (const c of cases) {
          const why = skipReason(c, env);
          if (why) it.skip(`${c.name} (skipped: ${why})`, () => undefined);
          else it(c.name, () => runCase(c, env), (c.timeoutMs ?? 20_000) + 5_000);
        }
      });
    }
  });
}
