/**
 * The chroma data type shared by features, model and aligner, and the options of the two pipelines.
 * Rates travel with the data (madmom style): every frames-to-seconds step uses `frameRate`, never a
 * literal.
 */

/** The two named pipelines: `fmp` (the seed's / libfmp C5 chroma) and `align` (HPSS, tuned semitone
 *  filterbank, treble + bass chroma; the default for alignment and the app). */
export type ChromaPipeline = 'fmp' | 'align'

/** Per-frame normalisation, as libfmp `normalize_feature_sequence` ('l2' = norm '2'). */
export type ChromaNorm = 'l2' | 'l1' | 'max' | 'none'

/**
 * Global tuning of a recording, estimated from the deviations of spectral peaks from the
 * equal-tempered grid of A4 = 440 Hz. The grid repeats every 100 cents, so a recording 56 cents flat
 * reads as +44 cents with every pitch class one semitone down: `margin` and `alternative` let the
 * aligner's transposition guard weigh that reading.
 */
export interface TuningEstimate {
  /** deviation of the recording's reference from A4 = 440 Hz, in [−50, 50) [cents] */
  cents: number
  /** concentration of the peak deviations (weighted resultant length): 0 = no tonal evidence, 1 = all
   *  peaks on one grid [-] */
  confidence: number
  /** distance from `cents` to the ±50-cent boundary where the semitone assignment flips [cents] */
  margin: number
  /** the same grid read from the other side: `cents − 100` if cents ≥ 0, else `cents + 100` [cents] */
  alternative: number
  /** number of spectral peaks that voted */
  peaks: number
}

/**
 * A chromagram with its rates. Frame t is centred on sample t·hopSize of the analysis-rate signal
 * (librosa/libfmp `center=True`, zero padding of windowSize/2 at both ends), so:
 * - the time of frame t is t·hopSize/sampleRate = t/frameRate [s] (its centre, not its start);
 * - frame t covers [t/frameRate − windowSize/(2·sampleRate), t/frameRate + windowSize/(2·sampleRate));
 * - a signal of n samples gives frames = 1 + ⌊n/hopSize⌋, so the last centre is ≤ the duration.
 * Frame t "owns" the interval [(t − ½)/frameRate, (t + ½)/frameRate) when frames are turned back into
 * segments (libfmp `convert_sequence_ann`).
 */
export interface Chroma {
  /** T×12 row-major (frame t = data[12t … 12t+11], bin 0 = C); the FMP 12×T matrix stored column by column */
  data: Float32Array
  /** T, the number of frames */
  frames: number
  /** analysis sample rate [Hz] */
  sampleRate: number
  /** hop between frame centres [samples at sampleRate] */
  hopSize: number
  /** STFT window length [samples at sampleRate] */
  windowSize: number
  /** sampleRate / hopSize [frames/s] */
  frameRate: number
  /** T×12 bass chroma, `align` pipeline only */
  bass?: Float32Array
  /** tuning deviation the filterbank was shifted by [cents] (0 = A4 at 440 Hz) */
  tuningCents: number
  /** the estimate behind `tuningCents` when the tuning was 'auto' */
  tuning?: TuningEstimate
  pipeline: ChromaPipeline
  /**
   * Level of each frame before any compression or normalisation, T values [dBFS]: 10·log10 of the
   * Hann-weighted mean square of the analysis-rate samples around the frame's centre,
   * Σ w[n]·x[n]² / Σ w[n], with a periodic Hann window of min(windowSize, 2·hopSize) samples centred
   * like the spectrum's (zero padding at the ends), floored at `LEVEL_FLOOR_DB` (−120). With
   * 2·hopSize the windows of successive frames sum to one, so every sample counts equally and the
   * level follows the signal within about a hop (the spectrum's longer window would smear the start
   * and end of the music by half a window). A sinusoid of amplitude a reads 20·log10(a) − 3.01;
   * digital silence reads −120. Full band (before HPSS): how loud the recording is there, not how
   * harmonic. Absent in chroma from older caches or other sources.
   */
  levelDb?: Float32Array
  /**
   * Onset strength of each frame, T values [nats]: the positive spectral flux
   * Σ_k max(0, log(1 + γ|X_t(k)|) − log(1 + γ|X_{t−1}(k)|)) over 0 < f_k ≤ 5 kHz (`ONSET_MAX_HZ`),
   * |X_t| the magnitude spectrum of a short Hann window of `onsetWindowSize(hopSize)` samples (the
   * largest power of two ≤ the hop, so successive windows do not overlap) centred on frame t, scaled
   * so a sinusoid of amplitude a peaks at a, γ = 1e5 (`ONSET_GAMMA`); 0 for frame 0. Peaks where notes
   * start; the aligner moves chord boundaries onto them. Absent in chroma from older caches.
   */
  onset?: Float32Array
  /** number of analysis-rate samples the frames were computed from (frames = 1 + ⌊samples/hopSize⌋) */
  samples?: number
  /**
   * length of the analysed signal [s]: input samples ÷ input rate (the decoded file's length for
   * files), exact where frames/frameRate is only within one hop
   */
  duration?: number
}

/** Options of `computeChroma`; `pipeline` picks the defaults of every other field. */
export interface ChromaOptions {
  /** pipeline (default 'align') */
  pipeline: ChromaPipeline
  /** analysis sample rate; the input is resampled to it [Hz] (default 22050) */
  sampleRate: number
  /** STFT window = FFT length, a power of two [samples] (default 4096) */
  windowSize: number
  /** hop between frames [samples] (fmp 2048 ≈ 10.77 frames/s, align 1024 ≈ 21.5 frames/s) */
  hopSize: number
  /** 'auto' estimates the global tuning; a number is the deviation from A4 = 440 Hz [cents]
   *  (fmp 0, as libfmp's `tuning=0`; align 'auto') */
  tuning: 'auto' | number
  /** γ of the log compression log(1 + γ·x); 0 = none. `align` applies it to chroma scaled so the
   *  file's mean non-silent frame energy is 1 (fmp 0 = raw chroma, align 100) [-] */
  logGamma: number
  /** per-frame normalisation (fmp 'none' = raw chroma, align 'l2') */
  norm: ChromaNorm
  /** frames whose norm is ≤ this become the unit vector (libfmp threshold) (default 1e-4) [-] */
  normThreshold: number
  /** HPSS median kernel along time; 0 disables HPSS (fmp 0, align 17 ≈ 0.79 s) [frames] */
  hpssTimeKernel: number
  /** HPSS median kernel along frequency (default 17 ≈ 91 Hz) [bins] */
  hpssFreqKernel: number
}

const common = {
  sampleRate: 22050,
  windowSize: 4096,
  normThreshold: 1e-4,
  hpssFreqKernel: 17,
} as const

/** Defaults of each pipeline. */
export const defaultChromaOptions: Readonly<Record<ChromaPipeline, Readonly<ChromaOptions>>> = {
  fmp: {
    ...common,
    pipeline: 'fmp',
    hopSize: 2048,
    tuning: 0,
    logGamma: 0,
    norm: 'none',
    hpssTimeKernel: 0,
  },
  align: {
    ...common,
    pipeline: 'align',
    hopSize: 1024,
    tuning: 'auto',
    logGamma: 100,
    norm: 'l2',
    hpssTimeKernel: 17,
  },
}

/** The pipeline used when none is named. */
export const defaultPipeline: ChromaPipeline = 'align'

/** Bad feature options or input: the CLI reports it as a user error (one line, exit 1). */
export class FeatureOptionsError extends Error {
  override name = 'FeatureOptionsError'
  readonly userError = true
}

/**
 * Merge options once over the defaults of their pipeline, and validate them.
 * @example resolveChromaOptions({ pipeline: 'fmp' }).hopSize // 2048
 */
export function resolveChromaOptions(options: Partial<ChromaOptions> = {}): ChromaOptions {
  const pipeline = options.pipeline ?? defaultPipeline
  if (pipeline !== 'fmp' && pipeline !== 'align')
    throw new FeatureOptionsError(`unknown chroma pipeline "${pipeline}" (use align or fmp)`)
  const given: Partial<ChromaOptions> = {}
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (given as Record<string, unknown>)[k] = v
  const o: ChromaOptions = Object.assign({}, defaultChromaOptions[pipeline], given)
  const intIn = (name: keyof ChromaOptions, v: number, lo: number, hi: number) => {
    if (!Number.isInteger(v) || v < lo || v > hi)
      throw new FeatureOptionsError(`${name} must be an integer in [${lo}, ${hi}], got ${v}`)
  }
  intIn('sampleRate', o.sampleRate, 1000, 384000)
  intIn('windowSize', o.windowSize, 64, 1 << 16)
  if ((o.windowSize & (o.windowSize - 1)) !== 0)
    throw new FeatureOptionsError(`windowSize must be a power of two, got ${o.windowSize}`)
  intIn('hopSize', o.hopSize, 1, o.windowSize * 4)
  if (o.tuning !== 'auto' && !(Number.isFinite(o.tuning) && Math.abs(o.tuning) <= 600))
    throw new FeatureOptionsError(
      `tuning must be "auto" or a number of cents in [-600, 600], got ${o.tuning}`,
    )
  if (!(Number.isFinite(o.logGamma) && o.logGamma >= 0))
    throw new FeatureOptionsError(`logGamma must be ≥ 0, got ${o.logGamma}`)
  if (!['l2', 'l1', 'max', 'none'].includes(o.norm))
    throw new FeatureOptionsError(`norm must be l2, l1, max or none, got "${o.norm}"`)
  if (!(Number.isFinite(o.normThreshold) && o.normThreshold >= 0))
    throw new FeatureOptionsError(`normThreshold must be ≥ 0, got ${o.normThreshold}`)
  intIn('hpssTimeKernel', o.hpssTimeKernel, 0, 255)
  intIn('hpssFreqKernel', o.hpssFreqKernel, 1, 255)
  if (o.hpssTimeKernel > 0 && (o.hpssTimeKernel % 2 === 0 || o.hpssFreqKernel % 2 === 0))
    throw new FeatureOptionsError('HPSS kernels must be odd')
  return o
}
