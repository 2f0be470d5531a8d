/** Small pure helpers of the SVG charts: nice axis ticks, linear scales, colour ramps. */

/** About `count` round tick values within [lo, hi] (steps of 1, 2 or 5 × 10^k). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return []
  if (hi === lo) {
    const d = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1
    lo -= d
    hi += d
  }
  // d3's tickIncrement: the 1/2/5 multiple nearest (geometrically) to span / count
  const raw = (hi - lo) / Math.max(1, count)
  const mag = 10 ** Math.floor(Math.log10(raw))
  const err = raw / mag
  const step = (err >= Math.sqrt(50) ? 10 : err >= Math.sqrt(10) ? 5 : err >= Math.sqrt(2) ? 2 : 1) * mag
  const out: number[] = []
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Math.abs(v) < step * 1e-9 ? 0 : v)
  return out
}

/** The padded [min, max] of the finite values (5 % margin), or [0, 1] when there are none. */
export function extent(values: Iterable<number | null>, pad = 0.05): [number, number] {
  let lo = Number.POSITIVE_INFINITY
  let hi = Number.NEGATIVE_INFINITY
  for (const v of values)
    if (v !== null && Number.isFinite(v)) {
      lo = Math.min(lo, v)
      hi = Math.max(hi, v)
    }
  if (lo === Number.POSITIVE_INFINITY) return [0, 1]
  const d = hi - lo || Math.abs(hi) || 1
  return [lo - d * pad, hi + d * pad]
}

/** A linear map from [d0, d1] to [r0, r1]. */
export function scale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0)
  return (v) => r0 + (v - d0) * k
}

/** A tick label with as many decimals as the step needs. */
export function tickLabel(v: number, ticks: readonly number[]): string {
  const step = ticks.length > 1 ? Math.abs(ticks[1]! - ticks[0]!) : Math.abs(v) || 1
  const d = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)))
  return v.toFixed(d)
}

/** Sequential ramp white → ink blue for t in [0, 1] (E matrices, distributions). */
export function blues(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t))
  // paper (#fbfaf7) → accent (#2f4b8f) → deep ink (#17254a)
  const stops: [number, [number, number, number]][] = [
    [0, [251, 250, 247]],
    [0.55, [47, 75, 143]],
    [1, [23, 37, 74]],
  ]
  for (let k = 1; k < stops.length; k++) {
    const [x1, c1] = stops[k]!
    const [x0, c0] = stops[k - 1]!
    if (x <= x1) {
      const f = (x - x0) / (x1 - x0)
      return [0, 1, 2].map((i) => Math.round(c0[i]! + (c1[i]! - c0[i]!) * f)) as [number, number, number]
    }
  }
  return stops.at(-1)![1]
}

/** Diverging ramp for signed weights: red (−1) ← paper (0) → blue (+1). */
export function diverging(t: number): string {
  const x = Math.min(1, Math.max(-1, t))
  if (x >= 0) {
    const [r, g, b] = blues(x * 0.8)
    return `rgb(${r}, ${g}, ${b})`
  }
  const f = -x
  const c = [251 + (180 - 251) * f, 250 + (35 - 250) * f, 247 + (24 - 247) * f].map(Math.round)
  return `rgb(${c.join(', ')})`
}
