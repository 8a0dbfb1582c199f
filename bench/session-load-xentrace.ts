// Benchmark case: bench/session-load.ts on a 1M-record xentrace binary (the format Xen's own
// tools write): the same product load path and memory figures as the text variant.
import { measure, type BenchResult } from './session-load';

export function run(size: 'small' | 'full' = 'full'): Promise<BenchResult> { return measure(size, 'xentrace'); }
