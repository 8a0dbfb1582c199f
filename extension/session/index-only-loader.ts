// Entry of index-only loads in the session worker (LoadOptions.mode === 'index'): builds the
// IndexOnlySession and the same LoadedSession shape as trace-loader.ts, so the worker's
// request handlers answer both kinds of session. The summary carries `indexOnly`, the note the
// status bar and the trace log header show about what this mode does not offer.

import { IndexOnlySession, INDEX_ONLY_NOTE } from './index-only-session';
import type { StrategyResult } from './view-data';
import type { ExportResult, LoadOptions, LoadProgress, LoadSummary } from './worker-protocol';

export interface IndexOnlyLoaded {
  core: IndexOnlySession;
  summary: LoadSummary;
  exportState(format: 'json' | 'dump' | 'p2mtrace'): ExportResult;
  compareStrategies(): StrategyResult[];
}

export function loadIndexOnly(opts: LoadOptions, progress: (p: LoadProgress) => void): IndexOnlyLoaded {
  const t0 = Date.now();
  const core = IndexOnlySession.load(opts, progress);
  const st = core.stats();
  const summary: LoadSummary = {
    name: `${core.source} (index only)`, opCount: core.opCount, eventCount: 0, domains: core.domains, kinds: core.kinds(),
    violations: 0, diagnostics: core.cursorState().diagnostics,
    parseDiagnostics: [
      `index-only: ${core.opCount} ops indexed in ${(st.indexBytes / 2 ** 20).toFixed(0)} MiB, ${st.snapshots} snapshots every ${st.spacing} ops`,
      ...core.notes, ...core.engineDiagnostics,
    ],
    parseMs: Date.now() - t0, replayMs: 0,
    indexOnly: INDEX_ONLY_NOTE,
  };
  return {
    core, summary,
    exportState: format => {
      if (format !== 'dump') throw new Error(`${format} export is not available in an index-only session (only the p2m_dump_info dump is)`);
      const text = core.dumpInfo().split('\n').filter(l => l !== '').map(l => `(XEN) ${l}`).join('\n') + '\n';
      return { text, suggestedExt: 'xenlog' };
    },
    compareStrategies: () => ['upstream', 'xen-4.8', 'legacy'].map(strategy => ({
      strategy, available: false, note: 'not available in an index-only session (it needs the recorded events); load the trace fully',
    })),
  };
}
