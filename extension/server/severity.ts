// Diagnostic groups and their configurable severities. Every diagnostic the server publishes
// belongs to one group (parse errors, Xen ASSERTs, stats drift, …); the user may override a
// group's severity or switch it off (`p2m.languageServer.severity.<group>`).
import { DiagnosticSeverity } from 'vscode-languageserver/node';
import type { DiagnosticCode, DiagnosticSeverity as EngineSeverity } from '../../engine/p2m/events';
import type { LspDiagnosticGroup, LspSettings, LspSeverityName } from '../lsp-protocol';

export function groupOfCode(code: DiagnosticCode): LspDiagnosticGroup {
  if (code.startsWith('assert-')) return 'assert';
  switch (code) {
    case 'sim-stats-drift': case 'sim-stats-negative': return 'drift';
    case 'sim-gfn-beyond-ipa': return 'ipa';
    case 'rc-error': return 'rc';
    case 'bbm-violation': case 'stale-tlb': return 'bbm';
    case 'checkpoint-mismatch': return 'checkpoint';
    case 'trace': case 'lost-records': return 'parse';
    default: return 'assert'; // remaining sim-* invariants are model-integrity findings
  }
}

const NAMES: Record<Exclude<LspSeverityName, 'off'>, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function fromEngineSeverity(s: EngineSeverity): DiagnosticSeverity {
  return s === 'error' ? DiagnosticSeverity.Error : s === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information;
}

/** Final severity of a diagnostic of `group` whose natural severity is `natural`; null = off. */
export function resolveSeverity(settings: LspSettings, group: LspDiagnosticGroup, natural: DiagnosticSeverity): DiagnosticSeverity | null {
  const o = settings.severity?.[group];
  if (o === undefined) return natural;
  if (o === 'off') return null;
  return NAMES[o] ?? natural;
}
