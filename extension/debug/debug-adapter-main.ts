// Standalone debug adapter (dist/debug-adapter.js), DAP over stdio. Placeholder until the debugger issue.
import { DebugSession, InitializedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';

class P2mDebugSession extends DebugSession {
  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = { supportsConfigurationDoneRequest: true };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }
}

if (process.argv.includes('--help')) {
  process.stdout.write('usage: node dist/debug-adapter.js   (speaks the Debug Adapter Protocol on stdin/stdout)\n');
  process.exit(0);
}
DebugSession.run(P2mDebugSession);
