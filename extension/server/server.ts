// Language server entry (dist/server.js --stdio). Placeholder until the language-server issue.
import { createConnection, ProposedFeatures, TextDocumentSyncKind } from 'vscode-languageserver/node';

if (process.argv.includes('--help')) {
  process.stdout.write('usage: node dist/server.js --stdio\nP2M Debugger language server for .p2mtrace, Xen console and xenalyze files.\n');
  process.exit(0);
}
const connection = createConnection(ProposedFeatures.all);
connection.onInitialize(() => ({ capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental } }));
connection.listen();
