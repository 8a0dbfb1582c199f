// Standalone debug adapter (dist/debug-adapter.js): the `p2m` session speaking the Debug
// Adapter Protocol over stdin/stdout. This is a contract: external checks drive it with a DAP
// client. The extension normally runs the same session inline (activate-debug.ts).
import { DebugSession } from '@vscode/debugadapter';
import { P2mDebugSession } from './p2m-session';

if (process.argv.includes('--help')) {
  process.stdout.write('usage: node dist/debug-adapter.js   (speaks the Debug Adapter Protocol on stdin/stdout; debug type "p2m")\n');
  process.exit(0);
}
DebugSession.run(P2mDebugSession);
