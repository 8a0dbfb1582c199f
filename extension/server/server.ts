// Language server entry (dist/server.js --stdio): parsing and live replay of open trace
// documents (.p2mtrace, Xen console logs, xenalyze dumps) in their own Node process, so the
// extension host stays light. Everything else is in server-main.ts and features/.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server-main';

if (process.argv.includes('--help')) {
  process.stdout.write('usage: node dist/server.js --stdio\nP2M Debugger language server for .p2mtrace, Xen console and xenalyze files.\n');
  process.exit(0);
}
startServer(createConnection(ProposedFeatures.all));
