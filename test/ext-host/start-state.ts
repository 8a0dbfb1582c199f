// Facts captured by index.ts before mocha starts, for tests that need the pristine state.
// Stored on globalThis because each *.test.js is its own bundle with its own module copies.
const KEY = '__p2mExtHostStart';
type StartState = { activeAtStart: boolean | null };

export function setActiveAtStart(active: boolean | null): void {
  (globalThis as Record<string, unknown>)[KEY] = { activeAtStart: active } satisfies StartState;
}

/** null: the extension was not found at all. undefined: index.ts did not run first. */
export function activeAtStart(): boolean | null | undefined {
  return ((globalThis as Record<string, unknown>)[KEY] as StartState | undefined)?.activeAtStart;
}
