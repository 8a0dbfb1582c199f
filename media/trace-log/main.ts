// Trace Log webview bundle (dist/media/trace-log.js). Minimal shell from the Foundation issue:
// it performs the `ready` → `init` handshake of extension/protocol.ts and shows which trace is
// loaded. The UI issue builds the virtualized log, filters and plots on top of this.
import type { HostToWebview, TraceInfo, WebviewToHost } from '../../extension/protocol';

interface VsCodeApi { postMessage(msg: WebviewToHost): void }
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const titleEl = document.getElementById('title');
const statusEl = document.getElementById('status');

function showTrace(trace: TraceInfo | null): void {
  if (!statusEl) return;
  // textContent, never innerHTML: trace names come from the file system.
  statusEl.textContent = trace
    ? `Trace: ${trace.name} (${trace.languageId}, ${trace.lineCount} lines)`
    : 'No trace loaded';
  statusEl.dataset.state = trace ? 'loaded' : 'empty';
}

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const msg = event.data;
  switch (msg?.type) {
    case 'init':
      if (titleEl) titleEl.textContent = msg.title;
      showTrace(msg.trace);
      break;
    case 'traceChanged':
      showTrace(msg.trace);
      break;
    default:
      break; // not part of the protocol: ignore
  }
});

vscode.postMessage({ type: 'ready' });
