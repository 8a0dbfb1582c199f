// Code lenses from the replay: "▶ Replay to here", "Debug from here" and "N TLB flushes ·
// M pages" on operations, and ✓/✗ on checkpoints. On very large traces only the lines that
// matter (checkpoints, operations with findings, lock groups) get lenses, so the response
// stays small; the commands themselves are implemented by the extension (lsp-protocol.ts).
import { CodeLens } from 'vscode-languageserver/node';
import type { DocAnalysis } from '../analysis';
import { LspCommands } from '../../lsp-protocol';

/** Above this many operations, only notable operations get lenses. */
export const FULL_LENS_LIMIT = 2000;

export function codeLenses(a: DocAnalysis): CodeLens[] {
  const out: CodeLens[] = [];
  if (!a.replay.ready) return out;
  const full = a.replay.ops.length <= FULL_LENS_LIMIT;
  for (const op of a.replay.ops) {
    const notable = op.checkpoint !== undefined || op.diags.length > 0 || op.rc !== 0;
    if (!full && !notable) continue;
    const range = { start: { line: op.line, character: 0 }, end: { line: op.line, character: 0 } };
    if (op.checkpoint) {
      out.push({ range, command: { title: op.checkpoint.ok ? '✓ checkpoint matches' : `✗ checkpoint mismatch: ${op.checkpoint.detail}`, command: '' } });
    }
    // The extension's commands count lines from 1.
    out.push({ range, command: { title: '▶ Replay to here', command: LspCommands.replayToLine, arguments: [op.line + 1] } });
    out.push({ range, command: { title: 'Debug from here', command: LspCommands.debugFromLine, arguments: [a.uri, op.line + 1] } });
    if (op.kind === 'setEntry' || op.kind === 'setAtOrder' || op.flushes > 0 || op.tablesAllocated > 0) {
      out.push({ range, command: { title: `${op.flushes} TLB flush${op.flushes === 1 ? '' : 'es'} · ${op.tablesAllocated} page${op.tablesAllocated === 1 ? '' : 's'}`, command: '' } });
    }
  }
  return out;
}
