import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

// The conformance cases ship too, so any provider can check itself.
export default defineConfig(packageBuild({ index: 'src/index.ts', conformance: 'conformance/index.ts' }));
