// Command ids of the UI issue (`p2m.<verbNoun>`), declared once; extension/ids.ts merges them
// into its `Commands` table, which package.json's contributions must match.

export const UiCommands = {
  openSample: 'p2m.openSample',
  loadTrace: 'p2m.loadTrace',
  closeTrace: 'p2m.closeTrace',
  showTraceLog: 'p2m.showTraceLog',
  replayAll: 'p2m.replayAll',
  replayToLine: 'p2m.replayToLine',
  stepForward: 'p2m.stepForward',
  stepBack: 'p2m.stepBack',
  goToOperation: 'p2m.goToOperation',
  reset: 'p2m.reset',
  compareStrategies: 'p2m.compareStrategies',
  exportState: 'p2m.exportState',
  showDumpInfo: 'p2m.showDumpInfo',
  goToGfn: 'p2m.goToGfn',
  lookupGfn: 'p2m.lookupGfn',
  copyDescriptor: 'p2m.copyDescriptor',
  copyDumpLine: 'p2m.copyDumpLine',
  watchRange: 'p2m.watchRange',
  showInTraceLog: 'p2m.showInTraceLog',
  filterRegions: 'p2m.filterRegions',
  searchRegions: 'p2m.searchRegions',
  clearRegionFilter: 'p2m.clearRegionFilter',
} as const;

export type UiCommandId = (typeof UiCommands)[keyof typeof UiCommands];
