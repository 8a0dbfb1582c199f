// Command ids of the debugger issue (`p2m.<verbNoun>`), declared once; extension/ids.ts
// merges them into its `Commands` table, which package.json's contributions must match.
export const DebugCommands = {
  debugThisTrace: 'p2m.debugThisTrace',
  debugFromLine: 'p2m.debugFromLine',
} as const;
