/**
 * Harmonic–percussive separation by median filtering (Fitzgerald 2010; librosa `decompose.hpss` with
 * `margin=1`, `power=2`), streaming: frames go in one at a time and the harmonic part of frame t comes
 * out once frame t + h (h = half the time kernel) has arrived, or at `finish`.
 *
 * H = median of |X| along time (kernel Lt frames), P = median along frequency (kernel Lf bins), both
 * with scipy's 'reflect' edges (d c b a | a b c d | d c b a); harmonic = |X|·H²/(H² + P²) (0 where
 * H = P = 0). Both medians are kept as sorted sliding windows, so a frame costs O(K·L) instead of a sort
 * per bin.
 */

/** scipy.ndimage 'reflect' index into [0, n). */
export function reflectIndex(i: number, n: number): number {
  while (i < 0 || i >= n) {
    if (i < 0) i = -i - 1
    if (i >= n) i = 2 * n - i - 1
  }
  return i
}

/** Replace `oldV` by `newV` in the sorted window w[o … o+L) and restore the order. */
function replaceSorted(w: Float64Array, o: number, L: number, oldV: number, newV: number): void {
  let j = o
  const end = o + L
  while (j < end && w[j] !== oldV) j++
  if (j === end) j = end - 1 // unreachable when oldV is in the window
  if (newV > oldV) {
    while (j + 1 < end && w[j + 1]! < newV) {
      w[j] = w[j + 1]!
      j++
    }
  } else {
    while (j > o && w[j - 1]! > newV) {
      w[j] = w[j - 1]!
      j--
    }
  }
  w[j] = newV
}

function insertionSort(w: Float64Array, o: number, L: number): void {
  for (let i = o + 1; i < o + L; i++) {
    const v = w[i]!
    let j = i - 1
    while (j >= o && w[j]! > v) {
      w[j + 1] = w[j]!
      j--
    }
    w[j + 1] = v
  }
}

/** Median along frequency of one frame, bins 0 … K−1, reflecting at 0 and at `avail`. */
export function medianAlongFrequency(
  mag: Float64Array,
  avail: number,
  K: number,
  L: number,
  out: Float64Array,
  win: Float64Array,
): void {
  const h = (L - 1) >> 1
  for (let i = 0; i < L; i++) win[i] = mag[reflectIndex(i - h, avail)]!
  insertionSort(win, 0, L)
  out[0] = win[h]!
  for (let k = 1; k < K; k++) {
    replaceSorted(win, 0, L, mag[reflectIndex(k - 1 - h, avail)]!, mag[reflectIndex(k + h, avail)]!)
    out[k] = win[h]!
  }
}

/**
 * Streaming median-filter HPSS over bins 0 … K−1.
 * @example
 * const hp = new StreamingHpss(410, 17, 17)
 * for (const mag of frames) hp.push(mag, mag.length, (t, harmonic) => use(t, harmonic))
 * hp.finish((t, harmonic) => use(t, harmonic))
 */
export class StreamingHpss {
  /** K, bins per frame that get a harmonic value */
  readonly bins: number
  private readonly Lt: number
  private readonly Lf: number
  private readonly ht: number
  private readonly R: number
  private readonly mag: Float64Array // R × K ring of |X|
  private readonly perc: Float64Array // R × K ring of P
  private readonly sortedT: Float64Array // K × Lt sorted windows along time
  private readonly winF: Float64Array
  private readonly pBuf: Float64Array
  private readonly harm: Float64Array
  private received = 0
  private nextOut = 0

  /**
   * @param bins K, the bins to separate
   * @param timeKernel Lt, median length along time, odd [frames]
   * @param freqKernel Lf, median length along frequency, odd [bins]
   */
  constructor(bins: number, timeKernel: number, freqKernel: number) {
    this.bins = bins
    this.Lt = timeKernel
    this.Lf = freqKernel
    this.ht = (timeKernel - 1) >> 1
    let R = 1
    while (R < timeKernel + 2) R <<= 1
    this.R = R
    this.mag = new Float64Array(R * bins)
    this.perc = new Float64Array(R * bins)
    this.sortedT = new Float64Array(bins * timeKernel)
    this.winF = new Float64Array(freqKernel)
    this.pBuf = new Float64Array(bins)
    this.harm = new Float64Array(bins)
  }

  /**
   * Add the next frame.
   * @param mag |X| of the frame; bins beyond K (up to `avail`) feed the frequency median at the top edge
   * @param avail number of valid bins in `mag` (≥ K)
   * @param emit receives (t, harmonic magnitude of frame t, K bins; the buffer is reused)
   */
  push(mag: Float64Array, avail: number, emit: (t: number, harmonic: Float64Array) => void): void {
    const K = this.bins
    const slot = (this.received & (this.R - 1)) * K
    for (let k = 0; k < K; k++) this.mag[slot + k] = mag[k]!
    medianAlongFrequency(mag, avail, K, this.Lf, this.pBuf, this.winF)
    this.perc.set(this.pBuf, slot)
    this.received++
    // frame t is ready when frame t + h has arrived
    while (this.nextOut + this.ht < this.received) this.emitFrame(Number.POSITIVE_INFINITY, emit)
  }

  /** Emit the remaining frames, reflecting at the end of the signal. */
  finish(emit: (t: number, harmonic: Float64Array) => void): void {
    const T = this.received
    while (this.nextOut < T) this.emitFrame(T, emit)
  }

  private emitFrame(T: number, emit: (t: number, harmonic: Float64Array) => void): void {
    const t = this.nextOut
    const K = this.bins
    const L = this.Lt
    const h = this.ht
    const R1 = this.R - 1
    const mag = this.mag
    const s = this.sortedT
    const n = Number.isFinite(T) ? T : this.received + h + 1 // no reflection at the end while streaming
    if (t === 0) {
      for (let k = 0; k < K; k++) {
        for (let i = 0; i < L; i++) s[k * L + i] = mag[(reflectIndex(i - h, n) & R1) * K + k]!
        insertionSort(s, k * L, L)
      }
    } else {
      const outSlot = (reflectIndex(t - 1 - h, n) & R1) * K
      const inSlot = (reflectIndex(t + h, n) & R1) * K
      for (let k = 0; k < K; k++) replaceSorted(s, k * L, L, mag[outSlot + k]!, mag[inSlot + k]!)
    }
    const slot = (t & R1) * K
    const perc = this.perc
    const harm = this.harm
    for (let k = 0; k < K; k++) {
      const H = s[k * L + h]!
      const P = perc[slot + k]!
      const H2 = H * H
      const d = H2 + P * P
      harm[k] = d > 1e-300 ? (mag[slot + k]! * H2) / d : 0
    }
    this.nextOut++
    emit(t, harm)
  }
}
