/**
 * Training defaults the renderer needs at run time (no zod here: `client.ts` re-exports this module).
 */

/** The model families a training run can train. */
export type ModelFamily = 'dchord' | 'dchord-unshared' | 'conv'

/**
 * Adam step size of each model family when a training configuration names none: 0.1 for dChord and
 * unshared templates (the seed's), 0.003 for conv, whose ReLU units die at 0.1. The same numbers as
 * `defaultLearningRates` of src/core/model, which the API cannot import (the renderer bundles it).
 */
export const DEFAULT_LEARNING_RATES: Readonly<Record<ModelFamily, number>> = {
  dchord: 0.1,
  'dchord-unshared': 0.1,
  conv: 0.003,
}

/** Padding modes of soft-DTW targets. */
export type PadMode = 'uniform' | 'last' | 'unfold' | 'none'

/**
 * The padding a training configuration trains with: its own, else `unfold` for typed targets (whole
 * recordings; measured far more robust on noisy recordings, docs/training.md) and `uniform` for the
 * seed's 150-frame segments.
 */
export function padOf(cfg: { pad?: PadMode | undefined; targets: 'typed' | 'segments' }): PadMode {
  return cfg.pad ?? (cfg.targets === 'typed' ? 'unfold' : 'uniform')
}
