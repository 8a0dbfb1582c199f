// Gives `*.log` files that are Xen console output the `xen-console` language.
// Why this exists: VS Code decides a language by file name/extension BEFORE looking at
// `firstLine`, and the built-in Log language owns `.log`, so our manifest `firstLine` only
// helps files without a claimed extension. For `.log` we look at the first line ourselves
// (we activate on `onLanguage:log` for this) and switch the document's language.
import * as vscode from 'vscode';
import { Languages } from './ids';

/** A hypervisor `(XEN) ` or guest `(dN) ` console prefix at the start of the first line. */
export const XEN_CONSOLE_FIRST_LINE = /^\((?:XEN|d\d+)\) /;

export function looksLikeXenConsole(firstLine: string): boolean {
  return XEN_CONSOLE_FIRST_LINE.test(firstLine);
}

async function maybeSwitch(doc: vscode.TextDocument): Promise<void> {
  if (doc.languageId !== 'log' || doc.lineCount === 0) return;
  if (!looksLikeXenConsole(doc.lineAt(0).text)) return;
  await vscode.languages.setTextDocumentLanguage(doc, Languages.xenConsole);
}

export function registerLogLanguageDetection(): vscode.Disposable {
  // Documents already open when we activate (the one that triggered onLanguage:log).
  for (const doc of vscode.workspace.textDocuments) void maybeSwitch(doc);
  return vscode.workspace.onDidOpenTextDocument(doc => void maybeSwitch(doc));
}
