// Trace Log webview bundle (dist/media/trace-log.js): acquires the VS Code API and starts the
// app (app.ts), which speaks the typed protocol of extension/protocol.ts.
import { TraceLogApp, type VsCodeApi } from './app';

declare function acquireVsCodeApi(): VsCodeApi;

const root = document.getElementById('root');
if (root) new TraceLogApp(root, acquireVsCodeApi());
