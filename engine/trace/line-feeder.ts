// Splits a text stream fed in arbitrary chunks into lines, tracking 1-based line numbers and
// the UTF-8 byte offset of each line start. An overlong line is reported once and dropped as
// it arrives, so a binary file fed as text cannot make the buffer grow without bound.

import { utf8Length } from './text-fields';

export type LineHandler = (line: string, lineNo: number, lineStartByte: number) => void;
export type OverlongHandler = (lineNo: number, lineStartByte: number) => void;

export class LineFeeder {
  private pending = '';
  private lineNo = 0;
  private byte = 0;
  private skipping = false;

  constructor(private readonly onLine: LineHandler, private readonly onOverlong: OverlongHandler, readonly maxLine: number) {}

  feed(chunk: string): void {
    // A long line arriving in small pieces: look for the newline in the new piece only. Searching
    // pending + chunk flattened and rescanned the buffered part on every call (quadratic).
    if (chunk.indexOf('\n') < 0) { this.keep(this.pending + chunk); return; }
    const text = this.pending + chunk;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.take(text.slice(start, nl));
      start = nl + 1;
    }
    this.keep(start === 0 ? text : text.slice(start));
  }

  /** Buffer the partial last line, or report it once and drop it when it is overlong. */
  private keep(rest: string): void {
    if (rest.length > this.maxLine) {
      if (!this.skipping) this.onOverlong(this.lineNo + 1, this.byte);
      this.skipping = true;
      this.byte += utf8Length(rest);
      this.pending = '';
      return;
    }
    this.pending = rest;
  }

  end(): void {
    if (this.pending.length > 0 || this.skipping) this.take(this.pending);
    this.pending = '';
  }

  private take(raw: string): void {
    this.lineNo++;
    const start = this.byte;
    this.byte += utf8Length(raw) + 1;
    if (this.skipping) { this.skipping = false; return; }
    if (raw.length > this.maxLine) { this.onOverlong(this.lineNo, start); return; }
    this.onLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw, this.lineNo, start);
  }
}
