/**
 * The case × runtime matrix the wasm suite prints: one row per program,
 * one column per runtime, each cell pass / fail / deviation (a pinned
 * deviation behaving exactly as pinned) or `-` (not run).
 */
export type Cell = 'pass' | 'fail' | 'deviation';

/** A text table; `cells` is keyed `case/runtime`. Ends with the totals per verdict. */
export function formatMatrix(title: string, rows: readonly string[], columns: readonly string[], cells: ReadonlyMap<string, Cell>): string {
  const first = Math.max(4, ...rows.map((r) => r.length));
  const width = Math.max(9, ...columns.map((c) => c.length));
  const line = (head: string, rest: readonly string[]) => `${head.padEnd(first)}  ${rest.map((s) => s.padEnd(width)).join(' ')}`.trimEnd();
  const totals: Record<Cell, number> = { pass: 0, fail: 0, deviation: 0 };
  const out = [`[rawsock] ${title}`, line('case', columns), line('-'.repeat(first), columns.map(() => '-'.repeat(width)))];
  for (const r of rows) {
    out.push(
      line(
        r,
        columns.map((c) => {
          const cell = cells.get(`${r}/${c}`);
          if (cell) totals[cell]++;
          return cell ?? '-';
        }),
      ),
    );
  }
  out.push(`${totals.pass} pass, ${totals.fail} fail, ${totals.deviation} deviation`);
  return out.join('\n');
}
