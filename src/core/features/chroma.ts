/**
 * The chroma pipelines (madmom-style chain, one implementation for CLI, worker and renderer):
 *
 *   PCM ─resample→ analysis rate ─centred frames (Hann, N) → |STFT| ─┬─ fmp:   |X|² → librosa chroma
 *                                                                    │         filterbank → raw chroma
 *                                                                    │         [→ log(1+γx) → norm]
 *                                                                    └─ align: HPSS (median) → |X_h|² →
 *                                                                              tuned semitone bands →
 *                                                                              treble + bass chroma →
 *                                                                              log(1+γx/ref) → ℓ2
 *
 * `ChromaExtractor` streams (push PCM chunks at the analysis rate, then `finish`); `computeChroma`
 * runs the whole chain on a signal in memory. Both give the same numbers for the same samples,
 * whatever the chunking.
 */
import { hannWindow, RealFft } from './fft'
import { chromaFilterBank, pitchWindow, type SparseBank, semitoneFilterBank } from './filterbank'
import { StreamingHpss } from './hpss'
import { logCompress, normalizeFeatureSequence } from './postprocess'
import { type ResampleOptions, Resampler } from './resample'
import { TuningEstimator } from './tuning'
import { type Chroma, type ChromaOptions, resolveChromaOptions, type TuningEstimate } from './types'

/** MIDI pitch range of the `align` semitone bands: C1 … B6. */
export const ALIGN_MIN_PITCH = 24
export const ALIGN_MAX_PITCH = 95
/** Hann bumps over MIDI pitch that fold bands into bass and treble chroma (lo, hi: weight 0). */
export const BASS_RANGE: readonly [number, number] = [24, 60]
export const TREBLE_RANGE: readonly [number, number] = [36, 96]
/** A frame counts as silent for the `align` level reference below this fraction of the loudest. */
const SILENT_FRACTION = 1e-6
/** `Chroma.levelDb` of digital silence: frame levels are floored here [dBFS]. */
export const LEVEL_FLOOR_DB = -120
const LEVEL_FLOOR_MS = 10 ** (LEVEL_FLOOR_DB / 10)
/** Onset strength: γ of log(1 + γ·|X|), |X| scaled so a sinusoid of amplitude a peaks at a (≈ −100 dBFS knee). */
export const ONSET_GAMMA = 1e5
/** Onset strength: highest frequency of the spectral flux [Hz]. */
export const ONSET_MAX_HZ = 5000

/** The onset window: the largest power of two ≤ the hop (at least 64) [samples]. */
export function onsetWindowSize(hopSize: number): number {
  let w = 64
  while (w * 2 <= hopSize) w *= 2
  return w
}

/** Growable Float32Array of rows of 12. */
class Rows {
  data = new Float32Array(12 * 256)
  frames = 0
  push(v: Float64Array): void {
    if ((this.frames + 1) * 12 > this.data.length) {
      const bigger = new Float32Array(this.data.length * 2)
      bigger.set(this.data)
      this.data = bigger
    }
    const o = this.frames * 12
    for (let c = 0; c < 12; c++) this.data[o + c] = v[c]!
    this.frames++
  }
  take(): Float32Array {
    return this.data.slice(0, this.frames * 12)
  }
}

/**
 * Streaming chroma extractor for one pipeline. Push mono PCM at `options.sampleRate`.
 * @example
 * const ex = new ChromaExtractor({ pipeline: 'align' }, estimateTuning(pcm, 22050))
 * for (const chunk of chunks) ex.push(chunk)
 * const chroma = ex.finish()
 */
export class ChromaExtractor {
  readonly options: ChromaOptions
  readonly tuningCents: number
  private readonly tuning: TuningEstimate | undefined
  private readonly N: number
  private readonly hop: number
  private readonly fft: RealFft
  private readonly win: Float64Array
  private readonly frame: Float64Array
  private readonly mag: Float64Array
  /** bins that feed the filterbank (magnitudes are needed up to kMag for the HPSS edge) */
  private readonly kUse: number
  private readonly kMag: number
  private readonly hpss: StreamingHpss | null
  private readonly spectrumScale: number
  // fmp
  private readonly dense: Float64Array | null = null
  // align
  private readonly bank: SparseBank | null = null
  private readonly bassW: Float64Array | null = null
  private readonly trebleW: Float64Array | null = null
  private readonly bands: Float64Array | null = null
  private readonly power: Float64Array
  private readonly row = new Float64Array(12)
  private readonly rowBass = new Float64Array(12)
  private readonly treble = new Rows()
  private readonly bass = new Rows()
  /** per-frame level [dBFS] (grown by doubling) */
  private level = new Float32Array(256)
  /** onset strength: short FFT centred on the frame, previous log spectrum, per-frame values */
  private readonly onsetFft: RealFft
  private readonly onsetWin: Float64Array
  private readonly onsetBins: number
  private readonly onsetScale: number
  private onsetPrev: Float64Array
  private onsetCur: Float64Array
  private onset = new Float32Array(256)
  /** Hann window of the level, min(N, 2·hop) samples centred on the frame, and Σ of its weights */
  private readonly levelWin: Float64Array
  private readonly winSum: number
  // framing
  private buf: Float64Array
  private bufStart = 0
  private bufLen = 0
  private received = 0
  private nextFrame = 0
  private finished = false

  /**
   * @param options merged over the pipeline's defaults
   * @param tuning the grid deviation [cents] or an estimate (its `cents` is used); required when
   *   `options.tuning` is 'auto' (the extractor streams, so the estimate must come first), else it
   *   defaults to `options.tuning`
   */
  constructor(options: Partial<ChromaOptions>, tuning?: number | TuningEstimate) {
    const o = resolveChromaOptions(options)
    this.options = o
    if (tuning === undefined) {
      if (o.tuning === 'auto')
        throw new RangeError("ChromaExtractor: tuning 'auto' must be estimated first (TuningEstimator)")
      tuning = o.tuning
    }
    this.tuning = typeof tuning === 'number' ? undefined : tuning
    this.tuningCents = typeof tuning === 'number' ? tuning : tuning.cents
    const N = o.windowSize
    this.N = N
    this.hop = o.hopSize
    this.fft = new RealFft(N)
    this.win = hannWindow(N)
    const W = Math.min(N, onsetWindowSize(o.hopSize))
    this.onsetFft = new RealFft(W)
    this.onsetWin = hannWindow(W)
    this.onsetBins = Math.min(W / 2 + 1, Math.floor((ONSET_MAX_HZ * W) / o.sampleRate) + 1)
    this.onsetScale = 4 / W // periodic Hann: a sinusoid of amplitude a peaks at a·W/4
    this.onsetPrev = new Float64Array(W / 2 + 1)
    this.onsetCur = new Float64Array(W / 2 + 1)
    this.levelWin = hannWindow(Math.min(N, 2 * o.hopSize))
    let ws = 0
    for (const w of this.levelWin) ws += w
    this.winSum = ws
    this.frame = new Float64Array(N)
    const nb = N / 2 + 1
    this.mag = new Float64Array(nb)
    this.power = new Float64Array(nb)
    if (o.pipeline === 'fmp') {
      const F = chromaFilterBank(o.sampleRate, N, this.tuningCents) // 12 × nb
      this.dense = new Float64Array(12 * nb)
      for (let c = 0; c < 12; c++) for (let k = 0; k < nb; k++) this.dense[k * 12 + c] = F[c * nb + k]!
      this.kUse = nb
      this.spectrumScale = 1 // librosa.stft: unnormalised
    } else {
      this.bank = semitoneFilterBank(o.sampleRate, N, this.tuningCents, ALIGN_MIN_PITCH, ALIGN_MAX_PITCH)
      this.kUse = Math.min(nb, this.bank.maxBin)
      this.bands = new Float64Array(this.bank.size)
      this.bassW = pitchWindow(ALIGN_MIN_PITCH, this.bank.size, BASS_RANGE[0], BASS_RANGE[1])
      this.trebleW = pitchWindow(ALIGN_MIN_PITCH, this.bank.size, TREBLE_RANGE[0], TREBLE_RANGE[1])
      this.spectrumScale = 2 / (N / 2) // a sinusoid of amplitude a peaks at |X| = a
    }
    const hf = (o.hpssFreqKernel - 1) >> 1
    this.kMag = o.hpssTimeKernel > 0 ? Math.min(nb, this.kUse + hf) : this.kUse
    this.hpss = o.hpssTimeKernel > 0 ? new StreamingHpss(this.kUse, o.hpssTimeKernel, o.hpssFreqKernel) : null
    this.buf = new Float64Array(2 * N + 8192)
  }

  /** Add mono samples at the analysis rate. */
  push(pcm: Float32Array): void {
    if (this.finished) throw new Error('ChromaExtractor: push after finish')
    const half = this.N / 2
    let i = 0
    while (i < pcm.length) {
      if (this.bufLen === this.buf.length) this.compact()
      const n = Math.min(pcm.length - i, this.buf.length - this.bufLen)
      const b = this.buf
      const o = this.bufLen
      for (let j = 0; j < n; j++) b[o + j] = pcm[i + j]!
      this.bufLen += n
      this.received += n
      i += n
      // frame t spans samples [t·hop − N/2, t·hop + N/2)
      while (this.nextFrame * this.hop + half <= this.received) this.analyse(this.nextFrame++)
    }
  }

  /** Flush the last frames and post-process: the chromagram of everything pushed. */
  finish(): Chroma {
    if (this.finished) throw new Error('ChromaExtractor: finish called twice')
    this.finished = true
    const T = 1 + Math.floor(this.received / this.hop)
    while (this.nextFrame < T) this.analyse(this.nextFrame++)
    if (this.hpss) this.hpss.finish(this.onHarmonic)
    const o = this.options
    let data = this.treble.take()
    let bass: Float32Array | undefined
    if (o.pipeline === 'align') {
      bass = this.bass.take()
      data = normalizeFeatureSequence(
        logCompress(data, o.logGamma, levelReference(data)),
        12,
        o.norm,
        o.normThreshold,
      )
      bass = normalizeFeatureSequence(
        logCompress(bass, o.logGamma, levelReference(bass)),
        12,
        o.norm,
        o.normThreshold,
      )
    } else {
      if (o.logGamma > 0) data = logCompress(data, o.logGamma)
      if (o.norm !== 'none') data = normalizeFeatureSequence(data, 12, o.norm, o.normThreshold)
    }
    const chroma: Chroma = {
      data,
      frames: T,
      sampleRate: o.sampleRate,
      hopSize: this.hop,
      windowSize: this.N,
      frameRate: o.sampleRate / this.hop,
      tuningCents: this.tuningCents,
      pipeline: o.pipeline,
    }
    if (bass) chroma.bass = bass
    if (this.tuning) chroma.tuning = this.tuning
    chroma.levelDb = this.level.slice(0, T)
    chroma.onset = this.onset.slice(0, T)
    chroma.samples = this.received
    chroma.duration = this.received / o.sampleRate
    return chroma
  }

  private compact(): void {
    // keep from the first sample of the next frame
    const first = this.nextFrame * this.hop - this.N / 2
    const drop = Math.min(this.bufLen, Math.max(0, first - this.bufStart))
    if (drop > 0) {
      this.buf.copyWithin(0, drop, this.bufLen)
      this.bufStart += drop
      this.bufLen -= drop
    } else {
      const bigger = new Float64Array(this.buf.length * 2)
      bigger.set(this.buf.subarray(0, this.bufLen))
      this.buf = bigger
    }
  }

  private analyse(t: number): void {
    const N = this.N
    const start = t * this.hop - N / 2
    let src: Float64Array = this.buf
    let off = start - this.bufStart
    if (start < 0 || start + N > this.received) {
      // edge frame: zero padding outside [0, received)
      const x = this.frame
      const lo = Math.max(0, -start)
      const hi = Math.max(lo, Math.min(N, this.received - start))
      x.fill(0)
      for (let n = lo; n < hi; n++) x[n] = this.buf[off + n]!
      src = x
      off = 0
    }
    this.frameLevel(t, src, off)
    this.frameOnset(t, src, off)
    if (this.hpss) {
      this.fft.magnitudeSpectrum(src, off, this.win, this.mag, this.spectrumScale, this.kMag)
      this.hpss.push(this.mag, this.kMag, this.onHarmonic)
    } else {
      this.fft.powerSpectrum(src, off, this.win, this.power, this.spectrumScale * this.spectrumScale)
      this.fold(this.power)
    }
  }

  /** Level of frame t [dBFS]: Hann-weighted mean square of the samples around its centre (see `Chroma.levelDb`). */
  private frameLevel(t: number, src: Float64Array, off: number): void {
    const w = this.levelWin
    const L = w.length
    const o = off + (this.N - L) / 2
    let acc = 0
    for (let n = 0; n < L; n++) {
      const v = src[o + n]!
      acc += w[n]! * v * v
    }
    if (t >= this.level.length) {
      const bigger = new Float32Array(this.level.length * 2)
      bigger.set(this.level)
      this.level = bigger
    }
    this.level[t] = 10 * Math.log10(Math.max(LEVEL_FLOOR_MS, acc / this.winSum))
  }

  /**
   * Onset strength of frame t (see `Chroma.onset`): positive spectral flux of the log magnitude
   * between the short windows centred on frames t − 1 and t.
   */
  private frameOnset(t: number, src: Float64Array, off: number): void {
    const W = this.onsetWin.length
    const K = this.onsetBins
    const cur = this.onsetCur
    this.onsetFft.magnitudeSpectrum(src, off + (this.N - W) / 2, this.onsetWin, cur, this.onsetScale, K)
    for (let k = 0; k < K; k++) cur[k] = Math.log1p(ONSET_GAMMA * cur[k]!)
    let flux = 0
    if (t > 0) {
      const prev = this.onsetPrev
      for (let k = 1; k < K; k++) {
        const d = cur[k]! - prev[k]!
        if (d > 0) flux += d
      }
    }
    this.onsetCur = this.onsetPrev
    this.onsetPrev = cur
    if (t >= this.onset.length) {
      const bigger = new Float32Array(this.onset.length * 2)
      bigger.set(this.onset)
      this.onset = bigger
    }
    this.onset[t] = flux
  }

  /** HPSS output: harmonic magnitude of a frame → power → fold. */
  private readonly onHarmonic = (_t: number, m: Float64Array): void => {
    const K = this.kUse
    const P = this.power
    for (let k = 0; k < K; k++) P[k] = m[k]! * m[k]!
    this.fold(P)
  }

  /** Power spectrum of one frame (bins 0 … kUse−1) → a row of chroma (and bass). */
  private fold(P: Float64Array): void {
    const K = this.kUse
    const row = this.row
    if (this.dense) {
      // F stored bin-major (K × 12): one pass over the spectrum, twelve accumulators
      const F = this.dense
      let c0 = 0
      let c1 = 0
      let c2 = 0
      let c3 = 0
      let c4 = 0
      let c5 = 0
      let c6 = 0
      let c7 = 0
      let c8 = 0
      let c9 = 0
      let c10 = 0
      let c11 = 0
      for (let k = 0, o = 0; k < K; k++, o += 12) {
        const p = P[k]!
        c0 += F[o]! * p
        c1 += F[o + 1]! * p
        c2 += F[o + 2]! * p
        c3 += F[o + 3]! * p
        c4 += F[o + 4]! * p
        c5 += F[o + 5]! * p
        c6 += F[o + 6]! * p
        c7 += F[o + 7]! * p
        c8 += F[o + 8]! * p
        c9 += F[o + 9]! * p
        c10 += F[o + 10]! * p
        c11 += F[o + 11]! * p
      }
      row[0] = c0
      row[1] = c1
      row[2] = c2
      row[3] = c3
      row[4] = c4
      row[5] = c5
      row[6] = c6
      row[7] = c7
      row[8] = c8
      row[9] = c9
      row[10] = c10
      row[11] = c11
      this.treble.push(row)
      return
    }
    const bank = this.bank!
    const E = this.bands!
    const { start, offset, weights } = bank
    for (let p = 0; p < bank.size; p++) {
      let acc = 0
      const k0 = start[p]!
      const end = offset[p + 1]!
      for (let j = offset[p]!, k = k0; j < end; j++, k++) acc += weights[j]! * P[k]!
      E[p] = acc
    }
    const rb = this.rowBass
    row.fill(0)
    rb.fill(0)
    const tw = this.trebleW!
    const bw = this.bassW!
    for (let p = 0; p < bank.size; p++) {
      const pc = (ALIGN_MIN_PITCH + p) % 12
      row[pc]! += tw[p]! * E[p]!
      rb[pc]! += bw[p]! * E[p]!
    }
    this.treble.push(row)
    this.bass.push(rb)
  }
}

/**
 * Level reference of a T×12 chroma: the mean frame energy (sum over bins) of the frames above
 * SILENT_FRACTION of the loudest; 1 when everything is silent.
 */
export function levelReference(data: Float32Array): number {
  const T = data.length / 12
  let max = 0
  const e = new Float64Array(T)
  for (let t = 0; t < T; t++) {
    let s = 0
    for (let c = 0; c < 12; c++) s += data[12 * t + c]!
    e[t] = s
    if (s > max) max = s
  }
  if (!(max > 0)) return 1
  let sum = 0
  let n = 0
  for (let t = 0; t < T; t++)
    if (e[t]! > max * SILENT_FRACTION) {
      sum += e[t]!
      n++
    }
  return sum / n
}

/**
 * Chromagram of a mono signal: resample to the analysis rate, estimate the tuning if asked, run the
 * pipeline.
 * @param pcm mono samples
 * @param sampleRate of `pcm` [Hz]
 * @param options merged over the defaults of `options.pipeline` ('align' if absent)
 * @returns Chroma with T = 1 + ⌊n/hop⌋ frames, n = length at the analysis rate; `duration` =
 *   pcm.length / sampleRate, `samples` = n, `levelDb` per frame
 * @example
 * const c = computeChroma(pcm, 44100, { pipeline: 'fmp' })
 * c.frameRate // 10.766…
 */
export function computeChroma(
  pcm: Float32Array,
  sampleRate: number,
  options: Partial<ChromaOptions> = {},
  resampleOptions: Partial<ResampleOptions> = {},
): Chroma {
  const o = resolveChromaOptions(options)
  let x = pcm
  if (sampleRate !== o.sampleRate) {
    const rs = new Resampler(sampleRate, o.sampleRate, resampleOptions)
    const a = rs.push(pcm)
    const b = rs.finish()
    x = new Float32Array(a.length + b.length)
    x.set(a)
    x.set(b, a.length)
  }
  let tuning: number | TuningEstimate = o.tuning === 'auto' ? 0 : o.tuning
  if (o.tuning === 'auto') {
    const te = new TuningEstimator(o.sampleRate)
    te.push(x)
    tuning = te.finish()
  }
  const ex = new ChromaExtractor(o, tuning)
  ex.push(x)
  const c = ex.finish()
  c.duration = pcm.length / sampleRate
  return c
}
