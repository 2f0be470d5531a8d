/**
 * Global tuning estimation: the deviation of a recording's pitch grid from A4 = 440 Hz. Spectral peaks
 * (local maxima within ±2 bins, at most `dynamicRangeDb` below the frame's strongest) in
 * [minFreq, maxFreq] are located to a fraction of a bin by parabolic interpolation of the log
 * magnitude; each votes with its magnitude for its deviation from the nearest equal-tempered pitch
 * (a circular quantity with period 100 cents). The estimate is the mode of the vote histogram
 * smoothed by a circular Gaussian, refined parabolically; the mode, unlike a circular mean, is not
 * pulled by the flat 5th and 7th harmonics (−14 and −31 cents).
 */
import { hannWindow, RealFft } from './fft'
import type { TuningEstimate } from './types'

/** Options of the tuning estimator. */
export interface TuningOptions {
  /** analysis window = FFT length, a power of two [samples] (default 4096) */
  windowSize: number
  /** hop between analysed frames [samples] (default 4096: a quarter of `align`'s frames) */
  hopSize: number
  /** lowest peak frequency that votes [Hz] (default 100) */
  minFreq: number
  /** highest peak frequency that votes [Hz] (default 4000) */
  maxFreq: number
  /** peaks weaker than the frame's strongest by more than this are ignored [dB] (default 40) */
  dynamicRangeDb: number
  /** width σ of the circular Gaussian that smooths the vote histogram [cents] (default 4) */
  smoothingCents: number
}

export const defaultTuningOptions: Readonly<TuningOptions> = {
  windowSize: 4096,
  hopSize: 4096,
  minFreq: 100,
  maxFreq: 4000,
  dynamicRangeDb: 40,
  smoothingCents: 4,
}

/** Absolute floor of a peak's magnitude (|X| of the unscaled FFT; −140 dB re a full-scale sinusoid). */
const ABS_FLOOR = 1e-7 * 1024

/**
 * Streaming tuning estimator: push mono PCM at the analysis rate in any chunks, then `finish`.
 * Frames start at sample 0 and advance by `hopSize`; a trailing partial frame is zero-padded.
 * @example const te = new TuningEstimator(22050); te.push(pcm); te.finish().cents
 */
export class TuningEstimator {
  readonly sampleRate: number
  private readonly o: TuningOptions
  private readonly fft: RealFft
  private readonly win: Float64Array
  private readonly frame: Float64Array
  private readonly mag: Float64Array
  private readonly hist = new Float64Array(100)
  private sumW = 0
  private sumC = 0
  private sumS = 0
  private peaks = 0
  private buf: Float64Array
  private bufLen = 0 // samples in buf; buf[0] is sample `bufStart`
  private bufStart = 0
  private nextFrame = 0 // start sample of the next frame
  private total = 0

  /**
   * @param sampleRate of the pushed PCM [Hz]
   * @param options defaults: `defaultTuningOptions`
   */
  constructor(sampleRate: number, options: Partial<TuningOptions> = {}) {
    this.sampleRate = sampleRate
    this.o = Object.assign({}, defaultTuningOptions, options)
    const N = this.o.windowSize
    this.fft = new RealFft(N)
    this.win = hannWindow(N)
    this.frame = new Float64Array(N)
    this.mag = new Float64Array(N / 2 + 1)
    this.buf = new Float64Array(2 * N)
  }

  /** Add samples. */
  push(pcm: Float32Array): void {
    const N = this.o.windowSize
    let i = 0
    while (i < pcm.length) {
      if (this.bufLen === this.buf.length) this.compact()
      const n = Math.min(pcm.length - i, this.buf.length - this.bufLen)
      for (let j = 0; j < n; j++) this.buf[this.bufLen + j] = pcm[i + j]!
      this.bufLen += n
      i += n
      this.total += n
      while (this.nextFrame + N <= this.bufStart + this.bufLen) {
        this.analyse(this.nextFrame - this.bufStart, N)
        this.nextFrame += this.o.hopSize
      }
    }
  }

  /** The estimate over everything pushed. */
  finish(): TuningEstimate {
    const N = this.o.windowSize
    // a trailing partial frame (or the only frame of a short signal), zero-padded
    if (this.nextFrame < this.total && (this.nextFrame === 0 || this.total - this.nextFrame > N / 2)) {
      const avail = this.bufStart + this.bufLen - this.nextFrame
      this.analyse(this.nextFrame - this.bufStart, Math.max(0, Math.min(N, avail)))
      this.nextFrame = this.total
    }
    return tuningFromHistogram(this.hist, this.sumW, this.sumC, this.sumS, this.peaks, this.o.smoothingCents)
  }

  private compact(): void {
    const keep = Math.max(0, this.bufStart + this.bufLen - this.nextFrame)
    const from = this.bufLen - keep
    if (from > 0) {
      this.buf.copyWithin(0, from, this.bufLen)
      this.bufStart += from
      this.bufLen = keep
    } else {
      const bigger = new Float64Array(this.buf.length * 2)
      bigger.set(this.buf.subarray(0, this.bufLen))
      this.buf = bigger
    }
  }

  private analyse(offset: number, count: number): void {
    const N = this.o.windowSize
    const mag = this.mag
    const nb = N / 2 + 1
    if (count === N) this.fft.magnitudeSpectrum(this.buf, offset, this.win, mag, 1, nb)
    else {
      const x = this.frame
      x.fill(0)
      for (let n = 0; n < count; n++) x[n] = this.buf[offset + n]!
      this.fft.magnitudeSpectrum(x, 0, this.win, mag, 1, nb)
    }
    let peak = 0
    for (let k = 0; k < nb; k++) if (mag[k]! > peak) peak = mag[k]!
    const floor = Math.max(ABS_FLOOR, peak * 10 ** (-this.o.dynamicRangeDb / 20))
    const df = this.sampleRate / N
    const k0 = Math.max(2, Math.ceil(this.o.minFreq / df))
    const k1 = Math.min(nb - 3, Math.floor(this.o.maxFreq / df))
    for (let k = k0; k <= k1; k++) {
      const m = mag[k]!
      if (m <= floor || m <= mag[k - 1]! || m < mag[k + 1]! || m <= mag[k - 2]! || m < mag[k + 2]!) continue
      const a = Math.log(mag[k - 1]! + 1e-300)
      const b = Math.log(m)
      const c = Math.log(mag[k + 1]! + 1e-300)
      const den = a - 2 * b + c
      const delta = den < 0 ? (0.5 * (a - c)) / den : 0
      const f = (k + delta) * df
      const semis = 12 * Math.log2(f / 440)
      let dev = 100 * (semis - Math.round(semis)) // [-50, 50]
      if (dev >= 50) dev -= 100
      this.vote(dev, m)
    }
  }

  private vote(dev: number, w: number): void {
    const pos = dev + 50 // [0, 100)
    const i = Math.floor(pos)
    const frac = pos - i
    this.hist[i % 100]! += w * (1 - frac)
    this.hist[(i + 1) % 100]! += w * frac
    const th = (2 * Math.PI * dev) / 100
    this.sumW += w
    this.sumC += w * Math.cos(th)
    this.sumS += w * Math.sin(th)
    this.peaks++
  }
}

/** Mode of the circular vote histogram (bin i = deviation i − 50 cents). */
function tuningFromHistogram(
  hist: Float64Array,
  sumW: number,
  sumC: number,
  sumS: number,
  peaks: number,
  sigma: number,
): TuningEstimate {
  if (!(sumW > 0)) return { cents: 0, confidence: 0, margin: 50, alternative: -100, peaks: 0 }
  const n = hist.length
  const sm = new Float64Array(n)
  const r = Math.ceil(4 * sigma)
  for (let i = 0; i < n; i++) {
    let s = 0
    for (let d = -r; d <= r; d++) s += hist[(((i + d) % n) + n) % n]! * Math.exp(-0.5 * (d / sigma) ** 2)
    sm[i] = s
  }
  let best = 0
  for (let i = 1; i < n; i++) if (sm[i]! > sm[best]!) best = i
  const a = sm[(best + n - 1) % n]!
  const b = sm[best]!
  const c = sm[(best + 1) % n]!
  const den = a - 2 * b + c
  const delta = den < 0 ? (0.5 * (a - c)) / den : 0
  let cents = best + delta - 50
  if (cents >= 50) cents -= 100
  if (cents < -50) cents += 100
  const confidence = Math.hypot(sumC, sumS) / sumW
  return {
    cents,
    confidence,
    margin: 50 - Math.abs(cents),
    alternative: cents >= 0 ? cents - 100 : cents + 100,
    peaks,
  }
}

/**
 * Estimate the global tuning of mono PCM.
 * @param pcm mono samples
 * @param sampleRate [Hz]
 * @param options defaults: `defaultTuningOptions`
 * @example estimateTuning(pcm, 22050).cents // e.g. 38.5 for a recording 38.5 cents sharp
 */
export function estimateTuning(
  pcm: Float32Array,
  sampleRate: number,
  options: Partial<TuningOptions> = {},
): TuningEstimate {
  const te = new TuningEstimator(sampleRate, options)
  te.push(pcm)
  return te.finish()
}
