/**
 * Model probabilities on the aligner's frame grid.
 *
 * The chord model (dChord) is trained on `fmp` chroma (hop 2048 at 22050 Hz ≈ 10.77 frames/s) while
 * the aligner reads `align` chroma (hop 1024 ≈ 21.5 frames/s). Both pipelines centre their frames
 * (librosa/libfmp `center=True`): frame t of a grid lies at time t·hopSize/sampleRate = t/frameRate
 * [seconds], its centre. Resampling therefore maps output frame j to the time τ_j = j/frameRateOut
 * and reads the input at the fractional frame u = τ_j·frameRateIn:
 *
 * - upsampling (frameRateOut ≥ frameRateIn): linear interpolation between the two input frames
 *   around u (u clamped to [0, Tin − 1], i.e. the first and last frames are held beyond the
 *   input's first and last centre);
 * - downsampling (frameRateOut < frameRateIn): the mean of the input frames whose centres lie in the
 *   interval the output frame owns, [(j − ½)/frameRateOut, (j + ½)/frameRateOut) (a box filter, so
 *   no input frame is skipped); an interval without any input centre (only at the clamped ends)
 *   falls back to interpolation.
 *
 * Every output row is a convex combination of input rows, so rows of probabilities stay probabilities
 * (non-negative, same sum). With the two pipelines' exact ratio 2, even output frames equal input
 * frame j/2 and odd ones the mean of frames (j−1)/2 and (j+1)/2.
 */

/** Per-frame values of a model (class probabilities) on a frame grid. */
export interface FrameProbabilities {
  /** frames×classes row-major. */
  data: Float32Array
  /** Columns per frame (24 chords, or 25 with N). */
  classes: number
  /** Number of frames T. */
  frames: number
  /** [frames/s]; frame t is centred at t / frameRate [seconds]. */
  frameRate: number
}

/** The grid to resample onto. */
export interface FrameGrid {
  /** Number of frames. */
  frames: number
  /** [frames/s] */
  frameRate: number
}

/**
 * Resample per-frame probabilities onto another frame grid (see the module comment for the time
 * convention).
 * @param p frames×classes probabilities with their frame rate
 * @param grid the target grid (e.g. the `align` chroma's `frames` and `frameRate`)
 * @returns grid.frames×classes row-major, on the target grid
 * @throws RangeError for empty input, a non-positive rate or a data length that does not match
 * @example
 *   // fmp (10.77 fps) model output onto the align grid (21.5 fps)
 *   const onAlign = resampleProbabilities(fmpProbs, { frames: chroma.frames, frameRate: chroma.frameRate })
 */
export function resampleProbabilities(p: FrameProbabilities, grid: FrameGrid): FrameProbabilities {
  const { classes: C, frames: Tin, frameRate: rIn } = p
  const { frames: Tout, frameRate: rOut } = grid
  if (!(Number.isInteger(C) && C > 0)) throw new RangeError(`classes must be a positive integer, got ${C}`)
  if (!(Number.isInteger(Tin) && Tin > 0)) throw new RangeError(`the input has no frames (${Tin})`)
  if (!(Number.isInteger(Tout) && Tout >= 0)) throw new RangeError(`grid frames must be ≥ 0, got ${Tout}`)
  if (!(rIn > 0 && Number.isFinite(rIn))) throw new RangeError(`input frameRate must be > 0, got ${rIn}`)
  if (!(rOut > 0 && Number.isFinite(rOut))) throw new RangeError(`grid frameRate must be > 0, got ${rOut}`)
  if (p.data.length !== Tin * C)
    throw new RangeError(`data holds ${p.data.length} values, expected frames×classes = ${Tin * C}`)
  const out = new Float32Array(Tout * C)
  const src = p.data
  const interpolate = (j: number) => {
    const u = Math.min(Tin - 1, Math.max(0, (j / rOut) * rIn))
    const i0 = Math.floor(u)
    const i1 = Math.min(Tin - 1, i0 + 1)
    const w = u - i0
    const o = j * C
    for (let k = 0; k < C; k++) out[o + k] = (1 - w) * src[i0 * C + k]! + w * src[i1 * C + k]!
  }
  if (rOut >= rIn) {
    for (let j = 0; j < Tout; j++) interpolate(j)
    return { data: out, classes: C, frames: Tout, frameRate: rOut }
  }
  const acc = new Float64Array(C)
  for (let j = 0; j < Tout; j++) {
    // input centres i/rIn in [(j − ½)/rOut, (j + ½)/rOut)  ⇔  i in [lo, hi)
    const lo = Math.max(0, Math.ceil(((j - 0.5) / rOut) * rIn - 1e-9))
    const hi = Math.min(Tin, Math.ceil(((j + 0.5) / rOut) * rIn - 1e-9))
    if (hi <= lo) {
      interpolate(j)
      continue
    }
    acc.fill(0)
    for (let i = lo; i < hi; i++) for (let k = 0; k < C; k++) acc[k]! += src[i * C + k]!
    const o = j * C
    for (let k = 0; k < C; k++) out[o + k] = acc[k]! / (hi - lo)
  }
  return { data: out, classes: C, frames: Tout, frameRate: rOut }
}
