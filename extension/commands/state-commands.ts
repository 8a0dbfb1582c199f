// Commands about the replayed state: p2m.exportState (JSON, p2m_dump_info text, .p2mtrace up
// to the cursor), p2m.showDumpInfo, p2m.compareStrategies, and the Regions view's filters
// (p2m.filterRegions, p2m.searchRegions, p2m.clearRegionFilter).

import * as vscode from 'vscode';
import { TYPE_NAMES } from '../views/descriptor-fields';
import { needSession, type CommandSpec } from './command-table';
import { UiCommands } from './ui-command-ids';
import { writeFileAtomic } from '../../engine/util/atomic-write';

type ExportFormat = 'json' | 'dump' | 'p2mtrace';
const FORMATS: Array<{ label: string; description: string; format: ExportFormat }> = [
  { label: 'p2m_dump_info text', description: 'Xen console format, re-loadable as a checkpoint', format: 'dump' },
  { label: 'JSON', description: 'stats, true counts, regions per domain', format: 'json' },
  { label: '.p2mtrace up to here', description: 'the trace truncated at the cursor', format: 'p2mtrace' },
];

export const stateCommands: CommandSpec[] = [
  {
    id: UiCommands.exportState, title: 'Export State…', precondition: needSession,
    make: ctx => async (fmt?: unknown, target?: unknown) => {
      let format = FORMATS.find(f => f.format === fmt)?.format;
      if (!format) format = (await vscode.window.showQuickPick(FORMATS, { title: 'P2M: Export State' }))?.format;
      if (!format) return undefined;
      const { text, suggestedExt } = await ctx.session.query('export', { format });
      let uri = target instanceof vscode.Uri ? target : undefined;
      if (!uri) {
        const s = ctx.session.session;
        const base = s ? vscode.Uri.joinPath(s.uri, '..', `${s.summary.name.replace(/\.[^.]*$/, '')}-op${s.cursor.position}.${suggestedExt}`) : undefined;
        uri = await vscode.window.showSaveDialog({ title: 'P2M: Export State', defaultUri: base });
      }
      if (!uri) return undefined;
      // Local files: temp file + rename, so a failed export never truncates an existing file.
      if (uri.scheme === 'file') writeFileAtomic(uri.fsPath, text);
      else await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
      void vscode.window.showInformationMessage(`P2M: exported ${format} to ${vscode.workspace.asRelativePath(uri)}.`);
      return uri;
    },
  },
  {
    id: UiCommands.showDumpInfo, title: 'Show Dump Info', precondition: needSession,
    make: ctx => async () => {
      const text = await ctx.session.query('dumpInfo', {});
      const s = ctx.session.session;
      ctx.output.appendLine(`--- p2m_dump_info after op ${s?.cursor.position} of ${s?.cursor.opCount} ---`);
      ctx.output.append(text);
      ctx.output.show(true);
      return text;
    },
  },
  {
    id: UiCommands.compareStrategies, title: 'Compare Strategies', precondition: needSession,
    make: ctx => async () => {
      const results = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'P2M: replaying under each strategy…' },
        () => ctx.session.query('compareStrategies', {}));
      const host = ctx.showLog();
      await host.initialized;
      void host.panel.webview.postMessage({ type: 'strategies', results });
      return results;
    },
  },
  {
    id: UiCommands.filterRegions, title: 'Filter Regions…', precondition: needSession,
    make: ctx => async () => {
      const cur = ctx.regions.currentFilter;
      interface Pick extends vscode.QuickPickItem { what: 'type' | 'perm'; perm: string }
      const items: Pick[] = [
        ...TYPE_NAMES.slice(1).map((t): Pick => ({ label: t, what: 'type', perm: '', picked: !!cur.types?.includes(t) })),
        ...['r', 'w', 'x'].map((p): Pick => ({ label: `permission ${p}`, what: 'perm', perm: p, picked: !!cur.perms?.includes(p) })),
      ];
      const picks = await vscode.window.showQuickPick(items,
        { title: 'P2M: Filter Regions', canPickMany: true, placeHolder: 'Types to show (none = all) and required permissions' });
      if (!picks) return undefined;
      const types = picks.filter(p => p.what === 'type').map(p => p.label);
      const perms = picks.flatMap(p => (p.what === 'perm' ? [p.perm] : [])).join('');
      ctx.regions.setFilter({ ...cur, types: types.length ? types : undefined, perms: perms || undefined });
      return ctx.regions.currentFilter;
    },
  },
  {
    id: UiCommands.searchRegions, title: 'Search Regions…', precondition: needSession,
    make: ctx => async (arg?: unknown) => {
      const text = typeof arg === 'string' ? arg : await vscode.window.showInputBox({
        title: 'P2M: Search Regions', prompt: 'Text in the GFN/MFN range, type, permissions or attributes',
        value: ctx.regions.currentFilter.text ?? '',
      });
      if (text === undefined) return undefined;
      ctx.regions.setFilter({ ...ctx.regions.currentFilter, text: text.trim() || undefined });
      return ctx.regions.currentFilter;
    },
  },
  {
    id: UiCommands.clearRegionFilter, title: 'Clear Region Filter',
    make: ctx => () => { ctx.regions.setFilter({}); return ctx.regions.currentFilter; },
  },
];
