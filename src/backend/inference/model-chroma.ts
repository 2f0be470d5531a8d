/**
 * The features a chord model's emissions are computed from. Kept free of imports (no tfjs) so the
 * service's main thread can name them.
 */

/**
 * The chroma options of a model's *emissions* on a recording (alignment, recognition, the held-out
 * comparison): the seed's `fmp` pipeline (raw, libfmp's filterbank) with the filterbank shifted by
 * `tuningCents`, the tuning the `align` chroma of the same recording was computed with (its
 * `tuningCents`: the global estimate the chroma templates use). A recording 40 cents sharp is then
 * read like an in-tune one, as the models were trained (the corpus is in tune; `chordwarp train` and
 * `experiment` keep libfmp's `tuning=0`, the seed's features). In-tune audio: estimate ≈ 0, the same
 * features as training.
 * @param tuningCents deviation from A4 = 440 Hz [cents], e.g. `alignChroma.tuningCents`
 * @example analyzeFile(audio, modelChromaOptions(alignChroma.tuningCents), { cache })
 */
export function modelChromaOptions(tuningCents: number): { pipeline: 'fmp'; tuning: number } {
  if (!Number.isFinite(tuningCents)) throw new RangeError(`tuningCents must be finite, got ${tuningCents}`)
  return { pipeline: 'fmp', tuning: tuningCents }
}
