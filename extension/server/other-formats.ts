// Readers for the non-.p2mtrace languages: Xen console logs (`xen-console`) and xenalyze
// `--dump-all` text (`xenalyze`), both from engine/trace. They are re-read in full on each
// pass (console logs are pasted or captured, rarely edited line by line). Console checkpoints
// (p2m_dump_info, dump_p2m_lookup) become checkpoint records the replay compares against.
import { readConsole } from '../../engine/trace/console-reader';
import { readXenalyze } from '../../engine/trace/xenalyze-reader';
import { applyConfig, TraceConfig, TraceRecord } from '../../engine/trace/records';
import { TraceDiagnostic } from '../../engine/trace/diagnostics';

export interface OtherFormatResult {
  records: TraceRecord[];
  config: TraceConfig;
  diagnostics: TraceDiagnostic[];
}

export function readOtherFormat(languageId: string, uri: string, text: string): OtherFormatResult {
  const r = languageId === 'xenalyze' ? readXenalyze(text, { source: uri })
    : languageId === 'xen-console' ? readConsole(text, { source: uri })
    : undefined;
  if (!r) return { records: [], config: {}, diagnostics: [] };
  const records = r.store.toArray();
  let config: TraceConfig = {};
  for (const rec of records) if (rec.kind === 'config') config = applyConfig(config, rec);
  return { records, config, diagnostics: r.diagnostics };
}
