/**
 * Real FFT with a precomputed plan (bit-reversal table, twiddles) and reused buffers: the hot loop of
 * every chroma pipeline. A real frame of length N is packed into N/2 complex points, transformed by an
 * iterative radix-4 FFT (plus one radix-2 stage when log2(N/2) is odd) and split into the N/2 + 1
 * non-negative-frequency bins.
 *
 * Convention (numpy.fft.rfft): X[k] = Σ_n x[n]·e^{−2πi·k·n/N}, k = 0 … N/2, no scaling.
 */
export class RealFft {
  /** N, the real transform length [samples]; a power of two ≥ 4 */
  readonly size: number
  /** N/2 + 1, the number of output bins */
  readonly bins: number
  private readonly half: number
  private readonly rev: Uint32Array
  private readonly oddStages: boolean
  // per radix-4 stage (q = 1 or 2, then ×4): for j < q, W^j, W^2j, W^3j of W = e^{−2πi/(4q)} (re, im)
  private readonly tw: Float64Array
  // split twiddles e^{−2πi·k/N}, k ≤ N/2
  private readonly cosN: Float64Array
  private readonly sinN: Float64Array
  private readonly zr: Float64Array
  private readonly zi: Float64Array

  /**
   * @param size N [samples], a power of two ≥ 4
   * @example const fft = new RealFft(4096); fft.forward(frame, re, im)
   */
  constructor(size: number) {
    if (!Number.isInteger(size) || size < 4 || (size & (size - 1)) !== 0)
      throw new RangeError(`FFT size must be a power of two ≥ 4, got ${size}`)
    this.size = size
    this.bins = size / 2 + 1
    const M = size / 2
    this.half = M
    let bits = 0
    while (1 << bits < M) bits++
    this.rev = new Uint32Array(M)
    for (let i = 0; i < M; i++) {
      let r = 0
      for (let b = 0; b < bits; b++) if (i & (1 << b)) r |= 1 << (bits - 1 - b)
      this.rev[i] = r
    }
    this.oddStages = bits % 2 === 1
    const tw: number[] = []
    for (let q = this.oddStages ? 2 : 1; q < M; q <<= 2)
      for (let j = 0; j < q; j++)
        for (let r = 1; r <= 3; r++) {
          const a = (2 * Math.PI * r * j) / (4 * q)
          tw.push(Math.cos(a), -Math.sin(a))
        }
    this.tw = Float64Array.from(tw)
    this.cosN = new Float64Array(M + 1)
    this.sinN = new Float64Array(M + 1)
    for (let k = 0; k <= M; k++) {
      this.cosN[k] = Math.cos((2 * Math.PI * k) / size)
      this.sinN[k] = -Math.sin((2 * Math.PI * k) / size)
    }
    this.zr = new Float64Array(M)
    this.zi = new Float64Array(M)
  }

  /**
   * Forward transform of one real frame.
   * @param x input, length N (not modified)
   * @param re real parts of X[0 … N/2], length ≥ N/2 + 1 (written)
   * @param im imaginary parts of X[0 … N/2], length ≥ N/2 + 1 (written)
   */
  forward(x: ArrayLike<number>, re: Float64Array, im: Float64Array): void {
    this.transform(x, 0, null)
    this.split(re, im)
  }

  /**
   * Power spectrum |X[k]|², k = 0 … N/2, of the windowed frame w[n]·x[offset + n].
   * @param x signal; x[offset … offset + N) must exist
   * @param offset first sample of the frame
   * @param window w, length N (null: rectangular)
   * @param P output, length ≥ N/2 + 1
   * @param scale multiplies |X|² (default 1)
   */
  powerSpectrum(
    x: ArrayLike<number>,
    offset: number,
    window: Float64Array | null,
    P: Float64Array,
    scale = 1,
  ): void {
    this.transform(x, offset, window)
    this.split(P, null, scale)
  }

  /**
   * Magnitude spectrum |X[k]|·scale for k < bins of the windowed frame w[n]·x[offset + n].
   */
  magnitudeSpectrum(
    x: ArrayLike<number>,
    offset: number,
    window: Float64Array | null,
    mag: Float64Array,
    scale: number,
    bins: number,
  ): void {
    this.transform(x, offset, window)
    this.split(mag, null, scale * scale, bins)
    for (let k = 0; k < bins; k++) mag[k] = Math.sqrt(mag[k]!)
  }

  /** Pack (windowed) x into z in bit-reversed order, fused with the first radix-2 stage, then the
   *  radix-4 stages. */
  private transform(x: ArrayLike<number>, off: number, w: Float64Array | null): void {
    const M = this.half
    const zr = this.zr
    const zi = this.zi
    const rev = this.rev
    let q = 1
    if (this.oddStages) {
      // positions i, i+1 (i even) hold z[rev[i]] and z[rev[i] + M/2]; butterfly them on the way in
      for (let i = 0; i < M; i += 2) {
        const a = 2 * rev[i]!
        const b = a + M
        let ar: number
        let ai: number
        let br: number
        let bi: number
        if (w) {
          ar = x[off + a]! * w[a]!
          ai = x[off + a + 1]! * w[a + 1]!
          br = x[off + b]! * w[b]!
          bi = x[off + b + 1]! * w[b + 1]!
        } else {
          ar = x[off + a]!
          ai = x[off + a + 1]!
          br = x[off + b]!
          bi = x[off + b + 1]!
        }
        zr[i] = ar + br
        zi[i] = ai + bi
        zr[i + 1] = ar - br
        zi[i + 1] = ai - bi
      }
      q = 2
    } else if (w) {
      for (let n = 0; n < M; n++) {
        const r = rev[n]!
        zr[r] = x[off + 2 * n]! * w[2 * n]!
        zi[r] = x[off + 2 * n + 1]! * w[2 * n + 1]!
      }
    } else {
      for (let n = 0; n < M; n++) {
        const r = rev[n]!
        zr[r] = x[off + 2 * n]!
        zi[r] = x[off + 2 * n + 1]!
      }
    }
    // radix-4 stages on radix-2 bit-reversed input: a block of 4q holds the sub-DFTs F0, F2, F1, F3
    const tw = this.tw
    let tOff = 0
    for (; q < M; q <<= 2) {
      const len = q << 2
      for (let j = 0; j < q; j++) {
        const tj = tOff + 6 * j
        const w1r = tw[tj]!
        const w1i = tw[tj + 1]!
        const w2r = tw[tj + 2]!
        const w2i = tw[tj + 3]!
        const w3r = tw[tj + 4]!
        const w3i = tw[tj + 5]!
        for (let i0 = j; i0 < M; i0 += len) {
          const i1 = i0 + q
          const i2 = i1 + q
          const i3 = i2 + q
          const ar = zr[i0]!
          const ai = zi[i0]!
          // c = F1 at i2 (× W^j), b = F2 at i1 (× W^2j), d = F3 at i3 (× W^3j)
          let xr = zr[i2]!
          let xi = zi[i2]!
          const cr = xr * w1r - xi * w1i
          const ci = xr * w1i + xi * w1r
          xr = zr[i1]!
          xi = zi[i1]!
          const br = xr * w2r - xi * w2i
          const bi = xr * w2i + xi * w2r
          xr = zr[i3]!
          xi = zi[i3]!
          const dr = xr * w3r - xi * w3i
          const di = xr * w3i + xi * w3r
          const s02r = ar + br
          const s02i = ai + bi
          const d02r = ar - br
          const d02i = ai - bi
          const s13r = cr + dr
          const s13i = ci + di
          const d13r = cr - dr
          const d13i = ci - di
          zr[i0] = s02r + s13r
          zi[i0] = s02i + s13i
          zr[i2] = s02r - s13r
          zi[i2] = s02i - s13i
          // ∓i·(c − d)
          zr[i1] = d02r + d13i
          zi[i1] = d02i - d13r
          zr[i3] = d02r - d13i
          zi[i3] = d02i + d13r
        }
      }
      tOff += 6 * q
    }
  }

  /**
   * X[k] = E[k] + e^{−2πik/N}·O[k], E = (Z[k] + conj Z[M−k])/2, O = (Z[k] − conj Z[M−k])/(2i).
   * With `im` null, writes scale·|X[k]|² into `re` for k < bins.
   */
  private split(re: Float64Array, im: Float64Array | null, scale = 1, bins = this.bins): void {
    const M = this.half
    const zr = this.zr
    const zi = this.zi
    const cosN = this.cosN
    const sinN = this.sinN
    const top = Math.min(bins, M)
    if (im) {
      re[0] = zr[0]! + zi[0]!
      im[0] = 0
      re[M] = zr[0]! - zi[0]!
      im[M] = 0
    } else {
      re[0] = scale * (zr[0]! + zi[0]!) ** 2
      if (bins > M) re[M] = scale * (zr[0]! - zi[0]!) ** 2
    }
    for (let k = 1; k < top; k++) {
      const ar = zr[k]!
      const ai = zi[k]!
      const br = zr[M - k]!
      const bi = -zi[M - k]!
      const er = 0.5 * (ar + br)
      const ei = 0.5 * (ai + bi)
      // (a − b)/(2i) = (ai − bi)/2 − i·(ar − br)/2
      const or = 0.5 * (ai - bi)
      const oi = -0.5 * (ar - br)
      const wr = cosN[k]!
      const wi = sinN[k]!
      const xr = er + or * wr - oi * wi
      const xi = ei + or * wi + oi * wr
      if (im) {
        re[k] = xr
        im[k] = xi
      } else re[k] = scale * (xr * xr + xi * xi)
    }
  }
}

/**
 * Periodic Hann window w[n] = ½ − ½·cos(2πn/N) (scipy `get_window('hann', N)`, librosa's default).
 * @param size N [samples]
 * @example hannWindow(4096)
 */
export function hannWindow(size: number): Float64Array {
  const w = new Float64Array(size)
  for (let n = 0; n < size; n++) w[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / size)
  return w
}
