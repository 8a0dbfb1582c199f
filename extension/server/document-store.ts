// Open documents, synced incrementally. Wraps vscode-languageserver's TextDocuments with an
// update hook that remembers the first line touched since the last analysis, so the replay
// can restart from the last snapshot before that line instead of from the top.
import { TextDocuments, TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

export class DocumentStore {
  readonly documents: TextDocuments<TextDocument>;
  /** uri → first 0-based line changed since the last `takeDirtyLine` (0 = everything). */
  private readonly dirty = new Map<string, number>();

  constructor() {
    this.documents = new TextDocuments<TextDocument>({
      create: (uri, languageId, version, content) => {
        this.dirty.set(uri, 0);
        return TextDocument.create(uri, languageId, version, content);
      },
      update: (doc, changes, version) => {
        this.noteChanges(doc.uri, changes);
        return TextDocument.update(doc, changes, version);
      },
    });
  }

  private noteChanges(uri: string, changes: TextDocumentContentChangeEvent[]): void {
    let first = this.dirty.get(uri) ?? Number.MAX_SAFE_INTEGER;
    for (const c of changes) {
      // A change without a range replaces the whole document. Positions of later changes refer
      // to the text after earlier ones, but the minimum start line is still the first line
      // whose content differs from the last analysed text.
      first = 'range' in c ? Math.min(first, c.range.start.line) : 0;
    }
    this.dirty.set(uri, first);
  }

  get(uri: string): TextDocument | undefined {
    return this.documents.get(uri);
  }

  all(): TextDocument[] {
    return this.documents.all();
  }

  /** First changed line since the previous call (undefined: nothing changed). Resets it. */
  takeDirtyLine(uri: string): number | undefined {
    const v = this.dirty.get(uri);
    this.dirty.delete(uri);
    return v;
  }

  /** Put a dirty line back (an analysis pass was cancelled before it consumed the edit). */
  restoreDirtyLine(uri: string, line: number): void {
    this.dirty.set(uri, Math.min(line, this.dirty.get(uri) ?? Number.MAX_SAFE_INTEGER));
  }

  forget(uri: string): void {
    this.dirty.delete(uri);
  }
}
