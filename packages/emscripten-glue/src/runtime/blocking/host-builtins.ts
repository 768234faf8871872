/** A Node builtin from the host at run time (undefined where there is none), never bundled. */
export function getBuiltinModule(name: string): Record<string, any> | undefined {
  const p = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process;
  try {
    if (typeof p?.getBuiltinModule === 'function') return p.getBuiltinModule(name) as Record<string, any>;
    return (typeof require === 'function' ? require(name) : undefined) as Record<string, any> | undefined;
  } catch {
    return undefined;
  }
}
