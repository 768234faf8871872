/**
 * Deno and Bun from the workspace, for running wasm artifacts beside Node.
 * Emscripten's Node output is CommonJS: Deno runs it only as a .cjs file,
 * so {@link artifactFor} gives Deno a .cjs copy.
 */
import { copyFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

export interface OtherRuntime {
  readonly name: 'Deno' | 'Bun';
  readonly cmd: string;
  /** Arguments before the script (UDP on Deno 2 needs --unstable-net). */
  readonly args: readonly string[];
}

export const OTHERS: readonly OtherRuntime[] = (
  [
    { name: 'Deno', cmd: join(root, 'node_modules', '.bin', 'deno'), args: ['run', '-A', '--unstable-net'] },
    { name: 'Bun', cmd: join(root, 'node_modules', '.bin', 'bun'), args: [] },
  ] as const
).filter((r) => existsSync(r.cmd));

/** The file to hand `rt`: for Deno a .cjs copy of a .js artifact (made once). */
export function artifactFor(rt: OtherRuntime, artifact: string): string {
  if (rt.name !== 'Deno' || !artifact.endsWith('.js')) return artifact;
  const cjs = artifact.replace(/\.js$/, '.cjs');
  if (!existsSync(cjs)) copyFileSync(artifact, cjs);
  return cjs;
}

