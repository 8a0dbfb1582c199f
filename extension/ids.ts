// Every id the extension shares with package.json's `contributes`, declared once.
// package.json must use exactly these strings; the extension-host suite checks that every
// command here is contributed and registered, so a rename that misses one side fails a test.

import { UiCommands } from './commands/ui-command-ids';
import { DebugCommands } from './debug/debug-command-ids';

/** Command ids: `p2m.<verbNoun>` (the UI's are declared in commands/ui-command-ids.ts). */
export const Commands = {
  ...UiCommands,
  ...DebugCommands,
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

/** View containers and views. */
export const Views = {
  container: 'p2m',
  gpaSpace: 'p2m.gpaSpace',
  regions: 'p2m.regions',
} as const;

/** Context keys: `p2m.<feature>.<state>`, used in `when` clauses. */
export const ContextKeys = {
  traceLoaded: 'p2m.trace.loaded',
  sessionLoading: 'p2m.session.loading',
  atStart: 'p2m.session.atStart',
  atEnd: 'p2m.session.atEnd',
  regionsFiltered: 'p2m.regions.filtered',
} as const;

/** Language ids of the trace formats we contribute grammars for. */
export const Languages = {
  p2mtrace: 'p2mtrace',
  xenConsole: 'xen-console',
  xenalyze: 'xenalyze',
} as const;
export type LanguageId = (typeof Languages)[keyof typeof Languages];
export const TRACE_LANGUAGES: readonly LanguageId[] = Object.values(Languages);

/** Webview panel view types. */
export const Panels = {
  traceLog: 'p2m.traceLog',
} as const;

/** Full extension id (`publisher.name`), e.g. for tests calling `vscode.extensions.getExtension`. */
export const EXTENSION_ID = 'p2m-tools.p2m-debugger';
