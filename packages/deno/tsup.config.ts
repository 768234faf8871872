import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

// sync-worker is loaded by path from sync (new URL('./sync-worker.js', import.meta.url)).
export default defineConfig({ ...packageBuild({ index: 'src/index.ts', sync: 'src/sync.ts', 'sync-worker': 'src/sync-worker.ts' }), shims: true });
