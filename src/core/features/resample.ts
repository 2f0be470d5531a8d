/**
 * Band-limited sample-rate conversion by a polyphase Kaiser-windowed-sinc filter, streaming.
 *
 * The ratio is reduced to L/M (out/in). Output sample j sits exactly at input time j·M/L (no delay:
 * the filter is centred), so times in seconds are preserved; n input samples give ⌈n·L/M⌉ outputs
 * (librosa/soxr convention). The kernel h(t) = 2fc·sinc(2fc·t)·kaiser(t/K) is designed from the
 * requested stop-band attenuation A and passband edge: stop band from the lower Nyquist frequency up
 * (nothing aliases into the passband or the transition band), passband up to `passband` × that
 * Nyquist, Kaiser's formulas for β and the length. Coefficients of each of the L phases are tabulated
 * once (2K taps each) when L·2K ≤ 2^20, else interpolated from a table oversampled 512×.
 */

/** Options of the resampler. */
export interface ResampleOptions {
  /** stop-band attenuation [dB] (default 90) */
  attenuationDb: number
  /** passband edge as a fraction of the lower of the two Nyquist frequencies [-] (default 0.8) */
  passband: number
}

export const defaultResampleOptions: Readonly<ResampleOptions> = {
  attenuationDb: 90,
  passband: 0.8,
}

/** Modified Bessel function of the first kind, order 0 (power series). */
export function besselI0(x: number): number {
  let sum = 1
  let term = 1
  const q = (x * x) / 4
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k)
    sum += term
    if (term < sum * 1e-17) break
  }
  return sum
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b]
  return a
}

/** The designed filter: what the tests and docs quote. */
export interface ResampleDesign {
  /** output/input ratio, reduced */
  up: number
  down: number
  /** cutoff (−6 dB point) [cycles per input sample] */
  cutoff: number
  /** passband edge [cycles per input sample] */
  passEdge: number
  /** stop-band edge [cycles per input sample] */
  stopEdge: number
  /** Kaiser β */
  beta: number
  /** half-length of the kernel [input samples]; each output reads 2K inputs */
  halfWidth: number
}

/**
 * Kaiser-window design for converting `fromRate` to `toRate`.
 * @param fromRate input rate [Hz], integer
 * @param toRate output rate [Hz], integer
 * @example designResampler(48000, 22050) // { up: 147, down: 320, halfWidth: 64, … }
 */
export function designResampler(
  fromRate: number,
  toRate: number,
  options: Partial<ResampleOptions> = {},
): ResampleDesign {
  const o = Object.assign({}, defaultResampleOptions, options)
  if (!Number.isInteger(fromRate) || !Number.isInteger(toRate) || fromRate <= 0 || toRate <= 0)
    throw new RangeError(`sample rates must be positive integers, got ${fromRate} → ${toRate}`)
  const g = gcd(fromRate, toRate)
  const up = toRate / g
  const down = fromRate / g
  const nyq = 0.5 * Math.min(1, up / down)
  const stopEdge = nyq
  const passEdge = o.passband * nyq
  const cutoff = 0.5 * (passEdge + stopEdge)
  // design for 1.5 dB more than asked: Kaiser's β and length formulas are estimates
  const A = o.attenuationDb + 1.5
  const beta = A > 50 ? 0.1102 * (A - 8.7) : A >= 21 ? 0.5842 * (A - 21) ** 0.4 + 0.07886 * (A - 21) : 0
  const taps = Math.ceil((A - 7.95) / (14.36 * (stopEdge - passEdge))) + 1
  const halfWidth = Math.max(1, Math.ceil(taps / 2))
  return { up, down, cutoff, passEdge, stopEdge, beta, halfWidth }
}

/** The continuous kernel h(t), t in input samples. */
export function resampleKernel(d: ResampleDesign): (t: number) => number {
  const i0b = besselI0(d.beta)
  const K = d.halfWidth
  const fc2 = 2 * d.cutoff
  return (t: number) => {
    const u = t / K
    if (u <= -1 || u >= 1) return 0
    const x = fc2 * t
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x)
    return fc2 * sinc * (besselI0(d.beta * Math.sqrt(1 - u * u)) / i0b)
  }
}

const OVERSAMPLE = 512
const MAX_TABLE = 1 << 20

/**
 * Streaming resampler. `push` returns the outputs that the inputs so far determine; `finish` returns
 * the rest (the input continues with zeros) up to ⌈n·L/M⌉ samples in all.
 * @example const rs = new Resampler(44100, 22050); const a = rs.push(chunk); const b = rs.finish()
 */
export class Resampler {
  readonly fromRate: number
  readonly toRate: number
  readonly design: ResampleDesign
  private readonly L: number
  private readonly M: number
  private readonly K: number
  private readonly table: Float64Array | null // L × 2K, row φ: h(φ/L + K − 1 − m)
  private readonly dense: Float64Array | null // h(i/OVERSAMPLE − K), i = 0 … 2K·OVERSAMPLE
  private readonly coef: Float64Array
  /** integer decimation (L = 1): h(0 … K−1) of the symmetric kernel */
  private readonly half: Float64Array | null
  private buf: Float64Array
  private bufStart = 0 // absolute index of buf[0]
  private bufLen = 0
  private received = 0
  private produced = 0

  constructor(fromRate: number, toRate: number, options: Partial<ResampleOptions> = {}) {
    this.fromRate = fromRate
    this.toRate = toRate
    const d = designResampler(fromRate, toRate, options)
    this.design = d
    this.L = d.up
    this.M = d.down
    this.K = d.halfWidth
    const K = this.K
    const h = resampleKernel(d)
    this.coef = new Float64Array(2 * K)
    if (this.L * 2 * K <= MAX_TABLE) {
      this.table = new Float64Array(this.L * 2 * K)
      for (let ph = 0; ph < this.L; ph++)
        for (let m = 0; m < 2 * K; m++) this.table[ph * 2 * K + m] = h(ph / this.L + K - 1 - m)
      this.dense = null
    } else {
      this.table = null
      this.dense = new Float64Array(2 * K * OVERSAMPLE + 2)
      for (let i = 0; i < this.dense.length; i++) this.dense[i] = h(i / OVERSAMPLE - K)
    }
    this.half = null
    if (this.L === 1) {
      this.half = new Float64Array(K)
      for (let d = 0; d < K; d++) this.half[d] = h(d)
    }
    this.buf = new Float64Array(4 * K + 4096)
  }

  /** Number of output samples for n input samples: ⌈n·L/M⌉. */
  outputLength(n: number): number {
    return Math.ceil((n * this.L) / this.M)
  }

  /** Add input samples; returns the new output samples. */
  push(x: Float32Array): Float32Array {
    this.append(x)
    // output j reads inputs up to ⌊j·M/L⌋ + K, so it is final once ⌊j·M/L⌋ ≤ received − 1 − K,
    // i.e. for j < ⌈(received − K)·L/M⌉
    const r = this.received - this.K
    return this.produce(r > 0 ? Math.ceil((r * this.L) / this.M) : 0)
  }

  /** The remaining outputs, treating the input as zero after its end. */
  finish(): Float32Array {
    return this.produce(this.outputLength(this.received))
  }

  private append(x: Float32Array): void {
    // keep inputs from the first one the next output reads
    const firstNeeded = Math.max(0, Math.floor((this.produced * this.M) / this.L) - this.K + 1)
    const drop = Math.min(this.bufLen, Math.max(0, firstNeeded - this.bufStart))
    if (drop > 0) {
      this.buf.copyWithin(0, drop, this.bufLen)
      this.bufStart += drop
      this.bufLen -= drop
    }
    if (this.bufLen + x.length > this.buf.length) {
      const bigger = new Float64Array(Math.max(this.buf.length * 2, this.bufLen + x.length))
      bigger.set(this.buf.subarray(0, this.bufLen))
      this.buf = bigger
    }
    for (let i = 0; i < x.length; i++) this.buf[this.bufLen + i] = x[i]!
    this.bufLen += x.length
    this.received += x.length
  }

  private produce(jEnd: number): Float32Array {
    const n = Math.max(0, jEnd - this.produced)
    const out = new Float32Array(n)
    const K = this.K
    const L = this.L
    const M = this.M
    const K2 = 2 * K
    const buf = this.buf
    const bufStart = this.bufStart
    const bufEnd = bufStart + this.bufLen
    const table = this.table
    const coef = this.coef
    const half = this.half
    for (let o = 0; o < n; o++) {
      const j = this.produced + o
      const pos = j * M
      const base = Math.floor(pos / L)
      const ph = pos - base * L
      let c: Float64Array
      let co = 0
      if (table) {
        c = table
        co = ph * K2
      } else {
        this.interpolate(ph / L)
        c = coef
      }
      const first = base - K + 1
      let acc = 0
      if (half && first >= bufStart && first + K2 <= bufEnd) {
        // integer decimation: the one kernel is symmetric, h(d) = h(−d); fold the pairs
        const c0 = base - bufStart
        let a0 = half[0]! * buf[c0]!
        let a1 = 0
        for (let d = 1; d + 1 < K; d += 2) {
          a0 += half[d]! * (buf[c0 - d]! + buf[c0 + d]!)
          a1 += half[d + 1]! * (buf[c0 - d - 1]! + buf[c0 + d + 1]!)
        }
        if (K % 2 === 0) a0 += half[K - 1]! * (buf[c0 - K + 1]! + buf[c0 + K - 1]!)
        acc = a0 + a1
      } else if (first >= bufStart && first + K2 <= bufEnd) {
        // four accumulators: independent add chains (2K is even; a pair may remain)
        const off = first - bufStart
        let a0 = 0
        let a1 = 0
        let a2 = 0
        let a3 = 0
        let m = 0
        for (; m + 3 < K2; m += 4) {
          a0 += c[co + m]! * buf[off + m]!
          a1 += c[co + m + 1]! * buf[off + m + 1]!
          a2 += c[co + m + 2]! * buf[off + m + 2]!
          a3 += c[co + m + 3]! * buf[off + m + 3]!
        }
        for (; m < K2; m++) a0 += c[co + m]! * buf[off + m]!
        acc = a0 + a1 + (a2 + a3)
      } else {
        for (let m = 0; m < K2; m++) {
          const i = first + m
          if (i >= bufStart && i < bufEnd) acc += c[co + m]! * buf[i - bufStart]!
        }
      }
      out[o] = acc
    }
    this.produced += n
    return out
  }

  /** Coefficients h(frac + K − 1 − m) from the oversampled table, linear interpolation. */
  private interpolate(frac: number): void {
    const d = this.dense!
    const K = this.K
    for (let m = 0; m < 2 * K; m++) {
      const u = (frac + K - 1 - m + K) * OVERSAMPLE
      const i = Math.floor(u)
      const f = u - i
      this.coef[m] = i >= 0 && i + 1 < d.length ? d[i]! * (1 - f) + d[i + 1]! * f : 0
    }
  }
}

/**
 * Resample a whole signal.
 * @param x input samples
 * @param fromRate [Hz]
 * @param toRate [Hz]
 * @returns ⌈x.length·toRate/fromRate⌉ samples (x itself, copied, when the rates are equal)
 * @example resample(pcm44k, 44100, 22050)
 */
export function resample(
  x: Float32Array,
  fromRate: number,
  toRate: number,
  options: Partial<ResampleOptions> = {},
): Float32Array {
  if (fromRate === toRate) return x.slice()
  const rs = new Resampler(fromRate, toRate, options)
  const a = rs.push(x)
  const b = rs.finish()
  const out = new Float32Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}
