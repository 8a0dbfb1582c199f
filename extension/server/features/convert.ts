// "Convert this console log to .p2mtrace": writes the document's records as a .p2mtrace file
// beside the source (created through workspace/applyEdit, so it is undoable and opens in the
// editor). The text comes from engine/trace's .p2mtrace writer, which has a statement (or a
// comment) for every record kind, so nothing silently disappears.
import { Connection } from 'vscode-languageserver/node';
import type { TraceConfig, TraceRecord } from '../../../engine/trace/records';
import { writeP2mTrace } from '../../../engine/trace/p2mtrace-writer';
import type { DocAnalysis } from '../analysis';

export function recordsToP2mtrace(records: readonly TraceRecord[], config: TraceConfig, source: string): string {
  return writeP2mTrace(records, { header: [`Converted from ${source} by the P2M language server`], config });
}

export async function convertToP2mtrace(connection: Connection, a: DocAnalysis): Promise<{ ok: boolean; uri?: string; message?: string }> {
  const target = a.uri.replace(/(\.[A-Za-z0-9]+)*$/, '') + '.p2mtrace';
  const text = recordsToP2mtrace(a.parsed.records, a.parsed.config, a.uri);
  const res = await connection.workspace.applyEdit({
    label: 'Convert to .p2mtrace',
    edit: {
      documentChanges: [
        { kind: 'create', uri: target, options: { overwrite: true } },
        { textDocument: { uri: target, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: text }] },
      ],
    },
  });
  return res.applied ? { ok: true, uri: target } : { ok: false, message: res.failureReason ?? 'edit not applied' };
}
