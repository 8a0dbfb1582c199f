// LSP test layer: bundles the language server (dist/server.js, same options as
// scripts/build.mjs) and every test/lsp/*.test.ts, then runs them with node:test. The tests
// spawn `node dist/server.js --stdio` and drive it over a real JSON-RPC connection.
// Usage: node test/lsp/run.mjs [filter-substring]
import { runLayer } from '../support/layer-runner.mjs';

await runLayer('lsp', { server: 'extension/server/server.ts' });
