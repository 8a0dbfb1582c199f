// The command table: every UI command is a spec { id, precondition, make(ctx) => handler },
// registered in one loop under the `p2m.` prefix. When a precondition is missing the command
// does not throw: it tells the user why (and returns a typed `{ disabled }` outcome, which
// the extension-host tests assert on). Failures are shown to the user and re-thrown.

import * as vscode from 'vscode';
import type { AddressSpaceTree } from '../views/address-space-tree';
import type { RegionsView } from '../views/regions-view';
import type { TraceSession } from '../session/trace-session';
import type { TraceLogHost } from '../panel/trace-log-host';

export interface UiContext {
  readonly extensionUri: vscode.Uri;
  readonly session: TraceSession;
  readonly tree: AddressSpaceTree;
  readonly regions: RegionsView;
  readonly output: vscode.OutputChannel;
  showLog(): TraceLogHost;
}

export type Handler = (...args: unknown[]) => unknown;

/** Why a command cannot run now, or undefined when it can. */
export type Precondition = (ctx: UiContext) => string | undefined;

export interface CommandSpec {
  id: string;
  title: string;
  precondition?: Precondition;
  make(ctx: UiContext): Handler;
}

export interface Disabled { disabled: string }

export function isDisabled(v: unknown): v is Disabled {
  return typeof v === 'object' && v !== null && typeof (v as Disabled).disabled === 'string';
}

export const needSession: Precondition = ctx =>
  ctx.session.session ? undefined
    : ctx.session.isLoading ? 'a trace is still loading'
      : 'no trace is loaded. Run "P2M: Open Sample Trace" or "P2M: Load Trace…" first';

export function all(...ps: Precondition[]): Precondition {
  return ctx => { for (const p of ps) { const r = p(ctx); if (r) return r; } return undefined; };
}

/** The reason a command is unavailable right now (also used by tests and the API). */
export function whyDisabled(specs: readonly CommandSpec[], ctx: UiContext, id: string): string | undefined {
  return specs.find(s => s.id === id)?.precondition?.(ctx);
}

export function registerCommandTable(specs: readonly CommandSpec[], ctx: UiContext): vscode.Disposable[] {
  return specs.map(spec => {
    const handler = spec.make(ctx);
    return vscode.commands.registerCommand(spec.id, async (...args: unknown[]) => {
      const reason = spec.precondition?.(ctx);
      if (reason) {
        void vscode.window.showInformationMessage(`P2M: ${spec.title} is unavailable: ${reason}.`);
        return { disabled: reason } satisfies Disabled;
      }
      try {
        return await handler(...args);
      } catch (e) {
        void vscode.window.showErrorMessage(`P2M: ${spec.title} failed: ${e instanceof Error ? e.message : String(e)}`);
        throw e;
      }
    });
  });
}
