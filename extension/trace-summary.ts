// Pure, vscode-free summary of a trace document for the placeholder tree view: how many
// lines, and how many of each `.p2mtrace` directive. The real Guest Physical Address Space
// tree (built on the engine's replay) replaces this; until then it shows that a trace is
// loaded and roughly what is in it, without parsing semantics that belong to engine/trace.

export interface TraceSummary {
  readonly lineCount: number;
  /** Directive → count, in first-seen order (p2mtrace only; empty for other formats). */
  readonly directives: ReadonlyArray<readonly [string, number]>;
}

// A copy-pasted console line may carry `(XEN) ` or `(d1) ` plus an optional `[timestamp] `.
const CONSOLE_PREFIX = /^\((?:XEN|d\d+)\)\s(?:\[[^\]]*\]\s)?/;
const DIRECTIVE = /^([A-Za-z_][A-Za-z0-9_]*)/;

export function summarizeTrace(text: string, languageId: string): TraceSummary {
  const lines = text.split(/\r?\n/);
  // A trailing newline does not start another line.
  const lineCount = lines.length > 0 && lines[lines.length - 1] === '' ? lines.length - 1 : lines.length;
  const counts = new Map<string, number>();
  if (languageId === 'p2mtrace') {
    for (const raw of lines) {
      const line = raw.replace(CONSOLE_PREFIX, '').trim();
      if (line === '' || line.startsWith('#')) continue;
      const m = DIRECTIVE.exec(line);
      if (m) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
    }
  }
  return { lineCount, directives: [...counts] };
}
