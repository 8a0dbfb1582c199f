// Benchmark case: the language server on a generated 100,000-line .p2mtrace, over a real LSP
// connection (spawns dist/server.js --stdio). Measures the time from didOpen to the first
// published diagnostics (target ≤ 1 s), from a one-character edit in the middle to the
// re-published diagnostics (target ≤ 200 ms, debounce included), and the server's peak RSS
// (target < 500 MB). Not a timed test: the numbers are reported, not asserted.
import * as esbuild from 'esbuild';
import path from 'node:path';
import { LspTestClient } from '../test/lsp/lsp-client';
import { AnalysisDoneParams, StateAtLineRequest } from '../extension/lsp-protocol';
import { generateTrace } from './lsp-trace';

export interface BenchResult { name: string; metrics: Record<string, number | string> }

export async function run(size: 'small' | 'full' = 'full'): Promise<BenchResult> {
  const lines = size === 'small' ? 5_000 : 100_000;
  const text = generateTrace(lines);
  // The server under test is the current source, bundled like scripts/build.mjs does.
  const root = process.env.P2M_ROOT ?? path.resolve(__dirname, '../..');
  await esbuild.build({
    entryPoints: { server: path.join(root, 'extension/server/server.ts') }, outdir: path.join(root, 'dist'),
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'linked', logLevel: 'warning',
  });
  const c = await LspTestClient.start({});
  try {
    const uri = 'file:///bench/large.p2mtrace';
    const t0 = performance.now();
    c.open(uri, text);
    await c.firstDiagnosticsFor(uri, 1, 60_000);
    const firstMs = performance.now() - t0;
    const d1 = await c.diagnosticsFor(uri, 1, 60_000);
    const fullMs = performance.now() - t0;
    const a1 = await c.analysisFor(uri, 1, 60_000);
    // Type one character in the middle of a gfn value, then restore it, a few times.
    // A user reads before typing: let the server's idle collection run (as it would).
    await new Promise(r => setTimeout(r, size === 'small' ? 300 : 2500)); // small: CI smoke, time-boxed
    const mid = Math.floor(lines / 2);
    const lineText = text.split('\n')[mid];
    const col = lineText.indexOf('gfn=0x') + 6;
    const edits: number[] = [];
    const finals: number[] = [];
    const phases: AnalysisDoneParams['phases'][] = [];
    let replayed = 0;
    for (let k = 0; k < (size === 'small' ? 2 : 5); k++) {
      const ins = c.change(uri, [{ range: { start: { line: mid, character: col }, end: { line: mid, character: col } }, text: '1' }]);
      const te = performance.now();
      await c.firstDiagnosticsFor(uri, ins, 60_000);
      edits.push(performance.now() - te);
      const a = await c.analysisFor(uri, ins, 60_000);
      replayed = Math.max(replayed, a.replayedOps);
      phases.push(a.phases);
      finals.push(performance.now() - te);
      const del = c.change(uri, [{ range: { start: { line: mid, character: col }, end: { line: mid, character: col + 1 } }, text: '' }]);
      await c.diagnosticsFor(uri, del, 60_000);
    }
    const tq = performance.now();
    await c.request(StateAtLineRequest, { uri, line: Math.floor(lines * 0.75) });
    const queryMs = performance.now() - tq;
    const rss = await c.conn.sendRequest('p2m/debugMemory', {}) as { rss: number; heapUsed: number; arrayBuffers: number; maxRss: number } | null;
    edits.sort((a, b) => a - b);
    return {
      name: 'lsp',
      metrics: {
        lines, ops: a1.ops, diagnostics: d1.length,
        firstDiagnosticsMs: Math.round(firstMs), replayDiagnosticsMs: Math.round(fullMs), firstAnalysisMs: a1.durationMs,
        editRepublishMedianMs: Math.round(edits[Math.floor(edits.length / 2)]), editRepublishMaxMs: Math.round(edits[edits.length - 1]),
        editFinalMedianMs: Math.round(finals.sort((a, b) => a - b)[Math.floor(finals.length / 2)]), editReplayedOps: replayed, stateAtLineMs: Math.round(queryMs),
        firstPhases: JSON.stringify(a1.phases), editPhases: JSON.stringify(phases[phases.length - 1]),
        serverPeakRssMB: rss ? Math.round(rss.maxRss / 1024) : 'n/a',
        serverEndRssMB: rss ? Math.round(rss.rss / 1024) : 'n/a', serverEndHeapMB: rss ? Math.round(rss.heapUsed / 1024) : 'n/a',
        serverEndArrayBuffersMB: rss ? Math.round(rss.arrayBuffers / 1024) : 'n/a',
      },
    };
  } finally {
    await c.stop();
  }
}

if (require.main === module) {
  const small = process.argv.includes('--size') && process.argv[process.argv.indexOf('--size') + 1] === 'small';
  void run(small ? 'small' : 'full').then(res => {
    console.log(process.argv.includes('--json') ? JSON.stringify(res) : `${res.name}: ${JSON.stringify(res.metrics)}`);
  });
}
