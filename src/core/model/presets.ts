/**
 * Named training protocols.
 * - `paper`: what the report states (§3.2): Adam α 0.1, batch 5, 200 epochs, best by validation loss;
 *   γ is not stated, so the soft-DTW library default γ = 1.
 * - `author`: what the author's published code ran (github Kiro-V/mir-sdtw): one batch of all
 *   training segments and γ = 0.3 (which reproduces the report's loss range 130 → 70).
 * - `stabilised`: `paper` plus the stabilisers: γ 10 → 0.1 schedule, a fading diagonal prior, and
 *   normalisation by the number of frames.
 */

import { defaultDiagonalPrior, defaultGammaSchedule } from './stabilisers'
import type { TrainOptions } from './trainer'

export type PresetName = 'paper' | 'author' | 'stabilised'

export const PRESETS: Record<PresetName, Partial<TrainOptions>> = {
  paper: { batchSize: 5, gamma: 1, epochs: 200, learningRate: 0.1 },
  author: { batchSize: 'all', gamma: 0.3, epochs: 200, learningRate: 0.1 },
  stabilised: {
    batchSize: 5,
    epochs: 200,
    learningRate: 0.1,
    gammaSchedule: defaultGammaSchedule,
    diagonalPrior: defaultDiagonalPrior,
    normalize: 'n',
  },
}

/** Options of a preset (a fresh copy). */
export function preset(name: PresetName): Partial<TrainOptions> {
  const p = PRESETS[name]
  if (!p) throw new RangeError(`unknown preset "${name}" (paper, author, stabilised)`)
  return JSON.parse(JSON.stringify(p)) as Partial<TrainOptions>
}
