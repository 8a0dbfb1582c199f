// Diagnostics produced by trace readers. Readers never throw out of their API: every
// problem becomes one of these, with a location (line/column for text, byte offset and
// CPU for binary), and the reader continues where it can.

export type TraceSeverity = 'error' | 'warning' | 'info';

export interface TraceDiagnostic {
  source: string;
  /** 1-based line for text formats; 0 for binary. */
  line: number;
  /** 1-based column for text formats; 0 for binary. */
  column: number;
  endColumn?: number;
  byteOffset?: number;
  /** Binary formats: the CPU whose window the problem was found in. */
  cpu?: number;
  severity: TraceSeverity;
  message: string;
}

/** `file:line:col: severity: message` (text) or `file@0xOFFSET (cpu N): …` (binary). */
export function formatDiagnostic(d: TraceDiagnostic): string {
  const where = d.line > 0
    ? `${d.source}:${d.line}:${d.column}`
    : `${d.source}@0x${(d.byteOffset ?? 0).toString(16)}${d.cpu !== undefined ? ` (cpu ${d.cpu})` : ''}`;
  return `${where}: ${d.severity}: ${d.message}`;
}

/**
 * Caps the number of stored diagnostics so a garbage input cannot allocate more than
 * a constant per input byte; the overflow is counted and reported once at the end.
 */
export class DiagnosticList {
  readonly items: TraceDiagnostic[] = [];
  dropped = 0;
  constructor(readonly source: string, readonly limit = 10_000) {}

  add(d: Omit<TraceDiagnostic, 'source'>): void {
    if (this.items.length >= this.limit) { this.dropped++; return; }
    // A file-level note (no line, no offset) is located at the start of the file: every
    // diagnostic must point somewhere, even "cannot detect the format" on a hostile input.
    this.items.push(d.line === 0 && d.byteOffset === undefined ? { source: this.source, ...d, byteOffset: 0 } : { source: this.source, ...d });
  }

  /** Append the "N more diagnostics suppressed" note, once. */
  finish(): TraceDiagnostic[] {
    if (this.dropped > 0) {
      this.items.push({
        source: this.source, line: 0, column: 0, byteOffset: 0, severity: 'warning',
        message: `${this.dropped} further diagnostics suppressed`,
      });
      this.dropped = 0;
    }
    return this.items;
  }
}
