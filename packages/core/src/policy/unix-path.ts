/**
 * Unix socket paths as policy compares them. The kernel resolves `.`, `..`
 * and repeated slashes, so a prefix check on the raw text could be walked
 * around (`/tmp/app/../../run/docker.sock`); the path is resolved
 * lexically first. Symbolic links are not followed (core cannot see the
 * file system): a link inside an allowed directory reaches its target.
 */

/** An abstract-namespace name (Linux, leading NUL): raw bytes, never resolved. */
export function isAbstract(path: string): boolean {
  return path.startsWith('\0');
}

/**
 * The absolute, lexically resolved form of `path`, or undefined if it is
 * relative and no `cwd` is known (the caller then treats it as unmatchable).
 * `..` above the root stays at the root, as the kernel does.
 */
export function resolveUnixPath(path: string, cwd?: string): string | undefined {
  if (isAbstract(path)) return path;
  let full = path;
  if (!path.startsWith('/')) {
    if (cwd === undefined || !cwd.startsWith('/')) return undefined;
    full = `${cwd}/${path}`;
  }
  const out: string[] = [];
  for (const part of full.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  // A trailing slash names a directory; keep it so a prefix like '/a/' still matches '/a/'.
  const trailing = full.endsWith('/') && out.length > 0 ? '/' : '';
  return `/${out.join('/')}${trailing}`;
}
