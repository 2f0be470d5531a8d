/**
 * Chroma for training: the `fmp` pipeline of `src/backend/features` (raw chroma: the model learns its
 * own compression). Wired once the features room lands.
 */
import type { ChromaSource } from './corpus'

/** The chroma source used by training commands. */
export function defaultChromaSource(): ChromaSource {
  return async () => {
    throw new Error('chroma features (src/backend/features) are not part of this build yet')
  }
}
