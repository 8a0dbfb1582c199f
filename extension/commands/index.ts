// All UI command specs, in one list (registered by registerCommandTable in extension.ts).
import type { CommandSpec } from './command-table';
import { replayCommands } from './replay-commands';
import { sessionCommands } from './session-commands';
import { stateCommands } from './state-commands';
import { treeCommands } from './tree-commands';

export const UI_COMMANDS: readonly CommandSpec[] = [...sessionCommands, ...replayCommands, ...treeCommands, ...stateCommands];
