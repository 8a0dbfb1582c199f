// DAP test layer: bundles the standalone debug adapter (dist/debug-adapter.js, same options as
// scripts/build.mjs) and every test/dap/*.test.ts, then runs them with node:test. The tests
// drive `node dist/debug-adapter.js` with @vscode/debugadapter-testsupport's DebugClient.
// Usage: node test/dap/run.mjs [filter-substring]
import { runLayer } from '../support/layer-runner.mjs';

await runLayer('dap', { 'debug-adapter': 'extension/debug/debug-adapter-main.ts' });
