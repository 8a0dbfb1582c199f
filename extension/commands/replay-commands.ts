// Replay commands from the palette: p2m.replayAll, p2m.replayToLine (cursor in the trace
// editor), p2m.stepForward / p2m.stepBack (keybindings while a session is active),
// p2m.goToOperation, p2m.reset. Each returns the new CursorState.

import * as vscode from 'vscode';
import { all, needSession, type CommandSpec, type Precondition } from './command-table';
import { UiCommands } from './ui-command-ids';

const notAtEnd: Precondition = ctx => {
  const c = ctx.session.session?.cursor;
  return c && c.position >= c.opCount ? `the cursor is already at the end (op ${c.position} of ${c.opCount})` : undefined;
};
const notAtStart: Precondition = ctx => {
  const c = ctx.session.session?.cursor;
  return c && c.position <= 0 ? `the cursor is already at the start (op 0 of ${c.opCount})` : undefined;
};
const TRACE_LANGS = new Set(['p2mtrace', 'xen-console', 'xenalyze']);
const traceEditor: Precondition = () => {
  const ed = vscode.window.activeTextEditor;
  if (!ed) return 'no editor is active: put the cursor on a line of a trace file';
  if (ed.document.uri.scheme !== 'file') return 'the active editor is not a trace file on disk';
  return TRACE_LANGS.has(ed.document.languageId) ? undefined : `the active editor is not a trace (language ${ed.document.languageId})`;
};

export const replayCommands: CommandSpec[] = [
  { id: UiCommands.replayAll, title: 'Replay All', precondition: needSession,
    make: ctx => () => ctx.session.seek(Number.MAX_SAFE_INTEGER) },
  { id: UiCommands.reset, title: 'Reset', precondition: needSession, make: ctx => () => ctx.session.seek(0) },
  { id: UiCommands.stepForward, title: 'Step Forward', precondition: all(needSession, notAtEnd), make: ctx => () => ctx.session.step(1) },
  { id: UiCommands.stepBack, title: 'Step Back', precondition: all(needSession, notAtStart), make: ctx => () => ctx.session.step(-1) },
  {
    id: UiCommands.replayToLine, title: 'Replay to Line', precondition: traceEditor,
    make: ctx => async (line?: unknown) => {
      const ed = vscode.window.activeTextEditor;
      const l = typeof line === 'number' ? line : (ed?.selection.active.line ?? 0) + 1;
      // The code lens "Replay to here" may come from a trace that is not loaded yet: load it first.
      if (ed && ctx.session.session?.uri.fsPath !== ed.document.uri.fsPath) {
        if (!(await ctx.session.load(ed.document.uri))) return undefined;
      }
      return ctx.session.seek(await ctx.session.query('opForLine', { line: l }));
    },
  },
  {
    id: UiCommands.goToOperation, title: 'Go to Operation…', precondition: needSession,
    make: ctx => async (arg?: unknown) => {
      const s = ctx.session.session;
      if (!s) return undefined;
      let n = typeof arg === 'number' ? arg : undefined;
      if (n === undefined) {
        const text = await vscode.window.showInputBox({
          title: 'P2M: Go to Operation', prompt: `Position after N operations (0–${s.summary.opCount})`,
          value: String(s.cursor.position),
          validateInput: v => /^\d+$/.test(v.trim()) && Number(v) <= s.summary.opCount ? undefined : `a number from 0 to ${s.summary.opCount}`,
        });
        if (text === undefined) return undefined;
        n = Number(text.trim());
      }
      return ctx.session.seek(n);
    },
  },
];
