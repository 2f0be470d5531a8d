/**
 * Filterbanks that fold an STFT power spectrum into pitch classes.
 * - `chromaFilterBank`: librosa's `filters.chroma` (Ellis' chromagram_E), used by libfmp C5 and so by
 *   the `fmp` pipeline. meyda's `createChromaFilterBank` ports the same formula but drops the floor of
 *   1 on the bin widths (`Math.max(v - f[i]), 1` passes 1 to `map`), which narrows every bump above
 *   ~93 Hz at 22050/4096; this one follows librosa.
 * - `semitoneFilterBank`: energy-preserving semitone bands on a tuned grid, for the `align` pipeline.
 */

/** Frequency of MIDI pitch p on a grid detuned by `cents` from A4 = 440 Hz [Hz].
 * @example pitchToHz(69, 40) // 450.3 */
export function pitchToHz(p: number, cents = 0): number {
  return 440 * 2 ** ((p - 69 + cents / 100) / 12)
}

/**
 * librosa `filters.chroma(sr, n_fft, tuning, n_chroma, ctroct=5, octwidth=2, norm=2, base_c=True)`:
 * Gaussian bumps in pitch-class distance (width ≥ 1 bin), each FFT column ℓ2-normalised, weighted by a
 * Gaussian over octaves centred at octave 5 (880 Hz) with width 2, rolled so that bin 0 is C.
 * @param sampleRate [Hz]
 * @param nFft FFT length [samples]
 * @param tuningCents deviation from A4 = 440 Hz [cents] (librosa `tuning` = cents/100)
 * @param nChroma bins per octave (default 12)
 * @returns F, nChroma × (nFft/2 + 1) row-major, float64
 * @example chromaFilterBank(22050, 4096) // 12 × 2049
 */
export function chromaFilterBank(
  sampleRate: number,
  nFft: number,
  tuningCents = 0,
  nChroma = 12,
): Float64Array {
  const nBins = Math.floor(nFft / 2) + 1
  const ctroct = 5
  const octwidth = 2
  const a440 = 440 * 2 ** (tuningCents / 100 / 12)
  // frqbins over all nFft bins (librosa builds the full width, then drops the aliased half)
  const frq = new Float64Array(nFft)
  for (let i = 1; i < nFft; i++) frq[i] = nChroma * Math.log2((sampleRate * i) / nFft / (a440 / 16))
  frq[0] = frq[1]! - 1.5 * nChroma
  const width = new Float64Array(nFft)
  for (let i = 0; i < nFft - 1; i++) width[i] = Math.max(frq[i + 1]! - frq[i]!, 1)
  width[nFft - 1] = 1
  const half = Math.round(nChroma / 2)
  const w = new Float64Array(nChroma * nBins)
  const roll = 3 * Math.floor(nChroma / 12)
  for (let k = 0; k < nBins; k++) {
    let ss = 0
    const col = new Float64Array(nChroma)
    for (let c = 0; c < nChroma; c++) {
      const a = frq[k]! - c + half + 10 * nChroma
      const d = (((a % nChroma) + nChroma) % nChroma) - half
      const v = Math.exp(-0.5 * ((2 * d) / width[k]!) ** 2)
      col[c] = v
      ss += v * v
    }
    const norm = Math.sqrt(ss)
    const oct = Math.exp(-0.5 * ((frq[k]! / nChroma - ctroct) / octwidth) ** 2)
    for (let c = 0; c < nChroma; c++) {
      // np.roll(wts, -roll, axis=0): output row r takes input row (r + roll) mod nChroma
      const r = (((c - roll) % nChroma) + nChroma) % nChroma
      w[r * nBins + k] = (norm > 0 ? col[c]! / norm : col[c]!) * oct
    }
  }
  return w
}

/** A sparse filterbank: filter p has weights w[offset[p] … offset[p+1]) on bins start[p] …. */
export interface SparseBank {
  /** number of filters */
  size: number
  /** first bin of each filter */
  start: Int32Array
  /** offset of each filter's weights in `weights`; length size + 1 */
  offset: Int32Array
  weights: Float64Array
  /** one past the highest bin any filter reads */
  maxBin: number
}

/**
 * Semitone filterbank on the grid of A4 = 440·2^(cents/1200) Hz. Band p is the triangle
 * w_p(f) = max(0, 1 − |12·log2(f/f_p)|) in log-frequency (the triangles of adjacent pitches sum to 1),
 * integrated against the piecewise-linear interpolation of the power spectrum:
 * W[p][k] = ∫ w_p(f)·φ_k(f) df / Δf, φ_k the hat function of bin k, Δf = sampleRate/nFft.
 * So Σ_p W[p][k] = 1 for bins inside the range (energy is preserved), low pitches whose band is
 * narrower than a bin read the interpolated spectrum instead of falling between bins, and a spectrum
 * with equal energy per semitone (pink noise) gives equal band values.
 * @param sampleRate [Hz]
 * @param nFft FFT length [samples]
 * @param tuningCents grid deviation from A4 = 440 Hz [cents]
 * @param minPitch lowest MIDI pitch (default 24 = C1)
 * @param maxPitch highest MIDI pitch (default 95 = B6)
 * @returns W, (maxPitch − minPitch + 1) sparse filters over bins 0 … nFft/2
 * @example semitoneFilterBank(22050, 4096, 37.7) // 72 bands C1 … B6 on a grid 37.7 cents sharp
 */
export function semitoneFilterBank(
  sampleRate: number,
  nFft: number,
  tuningCents = 0,
  minPitch = 24,
  maxPitch = 95,
): SparseBank {
  const df = sampleRate / nFft
  const nBins = nFft / 2 + 1
  const size = maxPitch - minPitch + 1
  const start = new Int32Array(size)
  const offset = new Int32Array(size + 1)
  const rows: Float64Array[] = []
  let maxBin = 0
  for (let i = 0; i < size; i++) {
    const p = minPitch + i
    const fc = pitchToHz(p, tuningCents)
    const lo = pitchToHz(p - 1, tuningCents)
    const hi = pitchToHz(p + 1, tuningCents)
    const k0 = Math.max(0, Math.floor(lo / df))
    const k1 = Math.min(nBins - 1, Math.ceil(hi / df))
    const row = new Float64Array(k1 - k0 + 1)
    // midpoint rule; ≥ 64 steps per band and ≥ 32 per bin
    const steps = Math.max(64, Math.ceil(((hi - lo) / df) * 32))
    const h = (hi - lo) / steps
    for (let s = 0; s < steps; s++) {
      const f = lo + (s + 0.5) * h
      const tri = 1 - Math.abs(12 * Math.log2(f / fc))
      if (tri <= 0) continue
      const u = f / df
      const k = Math.floor(u)
      const frac = u - k
      const wgt = (tri * h) / df
      if (k >= k0 && k <= k1) row[k - k0]! += wgt * (1 - frac)
      if (k + 1 >= k0 && k + 1 <= k1) row[k + 1 - k0]! += wgt * frac
    }
    start[i] = k0
    offset[i + 1] = offset[i]! + row.length
    rows.push(row)
    maxBin = Math.max(maxBin, k1 + 1)
  }
  const weights = new Float64Array(offset[size]!)
  for (let i = 0; i < size; i++) weights.set(rows[i]!, offset[i]!)
  return { size, start, offset, weights, maxBin }
}

/**
 * Pitch weights that fold semitone bands into a chroma: a Hann bump sin²(π·(p − lo)/(hi − lo)) over
 * [lo, hi]. With hi − lo a multiple of 12 (≥ 24) the weights of each pitch class sum to the same value,
 * so equal band energies give a flat chroma.
 * @param minPitch first MIDI pitch of the band vector
 * @param count number of pitches
 * @param lo MIDI pitch where the bump starts (weight 0)
 * @param hi MIDI pitch where it ends (weight 0)
 * @example pitchWindow(24, 72, 36, 96) // treble weights of the align pipeline
 */
export function pitchWindow(minPitch: number, count: number, lo: number, hi: number): Float64Array {
  const w = new Float64Array(count)
  for (let i = 0; i < count; i++) {
    const p = minPitch + i
    if (p > lo && p < hi) w[i] = Math.sin((Math.PI * (p - lo)) / (hi - lo)) ** 2
  }
  return w
}
