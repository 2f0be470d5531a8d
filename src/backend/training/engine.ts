/**
 * The soft-DTW engine used for training. Wired to `src/core/dtw` once that room lands; until then
 * training with the soft-DTW loss reports that the engine is missing (no stand-in).
 */
import type { SoftDtwEngine } from '../../core/model'

/** The engine for training, or an error saying why there is none. */
export function trainingSoftDtwEngine(): SoftDtwEngine {
  throw new Error('the soft-DTW engine (src/core/dtw) is not part of this build yet')
}
