// Trace Log webview bundle. Placeholder until the UI issue.
const root = document.getElementById('root');
if (root) root.textContent = 'P2M Trace Log';
