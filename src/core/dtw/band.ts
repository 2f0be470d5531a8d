/**
 * Sakoe–Chiba band for an N×M problem: row i admits the columns lo[i] … hi[i].
 *
 * The band is the strip |i − j/s| ≤ r around the scaled diagonal j = i·s, s = (M−1)/(N−1), widened to
 * whole cells: lo[i] = floor((i − r)·s), hi[i] = max(ceil((i + r)·s), lo[i+1] − 1), clipped to 0 … M−1.
 * The second term only acts when M > N (s > 1), where it closes the gaps between rows. Every row keeps
 * the cells the diagonal passes through, lo and hi never decrease, and lo[i+1] ≤ hi[i] + 1, so (0, 0)
 * and (N−1, M−1) stay connected for the seed and stay/advance step sets.
 */
export interface BandRows {
  /** First admitted column of each row [N]. */
  lo: Int32Array
  /** Last admitted column of each row [N]. */
  hi: Int32Array
}

/**
 * Row intervals of a Sakoe–Chiba band.
 * @param N rows (length of x)
 * @param M columns (length of y)
 * @param r radius [rows], ≥ 0
 */
export function bandRows(N: number, M: number, r: number): BandRows {
  const lo = new Int32Array(N)
  const hi = new Int32Array(N)
  const s = N > 1 ? (M - 1) / (N - 1) : 0
  for (let i = 0; i < N; i++) {
    if (N === 1) {
      lo[i] = 0
      hi[i] = M - 1
      continue
    }
    // tiny tolerance so that exact multiples are not pushed out by rounding of (i ± r)·s
    const a = Math.floor((i - r) * s + 1e-9)
    const b = Math.max(Math.ceil((i + r) * s - 1e-9), Math.floor((i + 1 - r) * s + 1e-9) - 1)
    lo[i] = Math.max(0, Math.min(M - 1, a))
    hi[i] = Math.max(0, Math.min(M - 1, b))
  }
  return { lo, hi }
}

/**
 * The same band as column intervals (for a pass that iterates over columns): column j admits rows
 * rlo[j] … rhi[j]. Derived from the row intervals, so both describe exactly the same cells.
 */
export function bandColumns(band: BandRows, N: number, M: number): BandRows {
  const lo = new Int32Array(M).fill(N)
  const hi = new Int32Array(M).fill(-1)
  for (let i = 0; i < N; i++) {
    for (let j = band.lo[i]!; j <= band.hi[i]!; j++) {
      if (i < lo[j]!) lo[j] = i
      if (i > hi[j]!) hi[j] = i
    }
  }
  return { lo, hi }
}
