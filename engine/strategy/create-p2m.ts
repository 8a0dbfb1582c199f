// One constructor for every strategy: the replay machine, CLI and comparison call this
// instead of `new P2m` so `--strategy` / `strategy=` reach the engine.
import type { P2mConfig } from '../p2m/config';
import { P2m } from '../p2m/p2m';
import type { StrategyName } from './registry';
import { OldStrategyP2m } from './strategy-p2m';

export interface StrategyP2mConfig extends Omit<Partial<P2mConfig>, 'strategy'> {
  strategy?: StrategyName;
  /** xen-4.8 only: the RFC's missing `else` (mem_access order 0 overwritten by 1G/2M). */
  rfcMissingElse?: boolean;
}

export function createP2m(config: StrategyP2mConfig = {}): P2m {
  const { strategy = 'upstream', rfcMissingElse, ...rest } = config;
  if (strategy === 'upstream') return new P2m(rest);
  return new OldStrategyP2m({ ...rest, strategy, rfcMissingElse });
}

/** The strategy a P2m runs ('upstream' for the base class). */
export function strategyOf(p: P2m): StrategyName {
  return p instanceof OldStrategyP2m ? p.strategy : 'upstream';
}
