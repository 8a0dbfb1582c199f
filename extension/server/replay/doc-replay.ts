// Live replay of one document on the engine (placeholder until engine/index.ts lands):
// reports that no replay ran, so the server offers its parse-only features.
import { DiagnosticSeverity, Range } from 'vscode-languageserver/node';
import type { LspDiagnosticGroup } from '../../lsp-protocol';
import type { ParsedDocument } from '../parse-document';
import type { CancelToken } from '../scheduler';
import type { LookupView, OpInfo, RegionView, StateView, WalkStepView } from './types';

export interface ReplayDiagnostic {
  range: Range;
  group: LspDiagnosticGroup;
  severity: DiagnosticSeverity;
  code: string;
  message: string;
}

export interface ReplayRunStats {
  replayed: boolean;
  replayedOps: number;
  resumedFromLine: number;
}

export class DocReplay {
  opCount = 0;
  ready = false;
  ops: OpInfo[] = [];

  constructor(readonly snapshotEvery: number) {}

  async update(_parsed: ParsedDocument, _dirtyLine: number, _token: CancelToken): Promise<ReplayRunStats | null> {
    return { replayed: false, replayedOps: 0, resumedFromLine: 0 };
  }

  diagnostics(_lines: string[]): ReplayDiagnostic[] {
    return [];
  }

  opAtLine(_line: number): OpInfo | undefined {
    return undefined;
  }

  regionsAt(_line: number, _domain: number | undefined, _limit: number, _from = 0, _to = Number.MAX_SAFE_INTEGER): RegionView[] {
    return [];
  }

  lookupAt(_line: number, _domain: number | undefined, _gfn: number): LookupView | undefined {
    return undefined;
  }

  walkAt(_line: number, _domain: number | undefined, _gfn: number): WalkStepView[] {
    return [];
  }

  stateAt(_line: number, _domain: number | undefined): StateView | undefined {
    return undefined;
  }

  domainAtLine(_line: number): number {
    return 1;
  }

  lastChangeBefore(_line: number, _domain: number, _gfn: number): OpInfo | undefined {
    return undefined;
  }

  opsTouching(_domain: number | undefined, _from: number, _to: number): OpInfo[] {
    return [];
  }
}
