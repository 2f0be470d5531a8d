/**
 * The chord-duration prior of the explicit-duration aligner.
 *
 * The prior is a heavy-tailed mixture of two log-normals around the same median μ (the region's
 * length ÷ its chord count):  p(d) = (1−w)·LN(d; μ, σ) + w·LN(d; μ, σ_tail).  The aligner uses the
 * *upper concave envelope* of log p over d = 1 … 6μ, continued linearly beyond. Concavity makes the score matrix of each
 * layer of the dynamic programme Monge, so the optimal start of a chord moves monotonically with its
 * end and each layer costs O(T log T) instead of O(T·Dmax) (see `hsmm.ts`). The envelope equals
 * log p where log p is concave (below the mode) and is a straight line over the convex, heavy tail:
 * it is more permissive than p for long chords (by at most ~1.5 nats), never stricter.
 */

export interface DurationPriorOptions {
  /** Spread of the main log-normal component [natural-log units]. Default 0.6 (≈ ×/÷ 1.8 at 1σ). */
  sigma?: number
  /** Spread of the heavy-tail component [natural-log units]. Default 1.5. */
  tailSigma?: number
  /** Weight of the heavy-tail component. Default 0.1. */
  tailWeight?: number
}

export const defaultDurationPriorOptions: Required<DurationPriorOptions> = {
  sigma: 0.6,
  tailSigma: 1.5,
  tailWeight: 0.1,
}

function logNormalPdf(d: number, mu: number, sigma: number): number {
  const z = (Math.log(d) - mu) / sigma
  return -Math.log(d * sigma * Math.sqrt(2 * Math.PI)) - 0.5 * z * z
}

/**
 * log p(d) of the mixture for d = 1 … dMax frames (index 0 unused = −∞).
 * @param median median chord duration [frames]
 * @param dMax longest duration considered [frames]
 */
export function logDurationPrior(
  median: number,
  dMax: number,
  options: DurationPriorOptions = {},
): Float64Array {
  const o = { ...defaultDurationPriorOptions, ...options }
  const mu = Math.log(Math.max(median, 1))
  const out = new Float64Array(dMax + 1)
  out[0] = Number.NEGATIVE_INFINITY
  const lw1 = Math.log(1 - o.tailWeight)
  const lw2 = Math.log(o.tailWeight)
  for (let d = 1; d <= dMax; d++) {
    const a = lw1 + logNormalPdf(d, mu, o.sigma)
    const b = o.tailWeight > 0 ? lw2 + logNormalPdf(d, mu, o.tailSigma) : Number.NEGATIVE_INFINITY
    const m = Math.max(a, b)
    out[d] = m + Math.log(Math.exp(a - m) + Math.exp(b - m))
  }
  return out
}

/**
 * Upper concave envelope of y[1..n] (index 0 ignored), evaluated at every integer: the smallest
 * concave function ≥ y. O(n) (monotone chain).
 */
export function concaveEnvelope(y: Float64Array): Float64Array {
  const n = y.length - 1
  const out = new Float64Array(y.length)
  out[0] = Number.NEGATIVE_INFINITY
  if (n < 1) return out
  const hull: number[] = []
  for (let d = 1; d <= n; d++) {
    // pop while the last hull point lies on or below the chord from its predecessor to d
    while (hull.length >= 2) {
      const a = hull[hull.length - 2]!
      const b = hull[hull.length - 1]!
      if ((y[b]! - y[a]!) * (d - a) <= (y[d]! - y[a]!) * (b - a)) hull.pop()
      else break
    }
    hull.push(d)
  }
  for (let i = 0; i + 1 < hull.length; i++) {
    const a = hull[i]!
    const b = hull[i + 1]!
    const slope = (y[b]! - y[a]!) / (b - a)
    for (let d = a; d < b; d++) out[d] = y[a]! + slope * (d - a)
  }
  out[hull[hull.length - 1]!] = y[hull[hull.length - 1]!]!
  return out
}

/** The envelope is taken over d ≤ this many medians; beyond, it continues as a straight line. */
export const ENVELOPE_SPAN = 6

/**
 * The kernel the aligner uses, d = 1 … dMax [frames]: the concave envelope of the log prior over
 * d ≤ ENVELOPE_SPAN·median, continued linearly with the envelope's last slope beyond (so the kernel
 * depends on the median only, not on the region length).
 */
export function durationKernel(
  median: number,
  dMax: number,
  options: DurationPriorOptions = {},
): Float64Array {
  const span = Math.max(2, Math.ceil(ENVELOPE_SPAN * Math.max(median, 1)))
  const env = concaveEnvelope(logDurationPrior(median, span, options))
  const out = new Float64Array(dMax + 1)
  out[0] = Number.NEGATIVE_INFINITY
  const slope = env[span]! - env[span - 1]!
  for (let d = 1; d <= dMax; d++) out[d] = d <= span ? env[d]! : env[span]! + slope * (d - span)
  return out
}

/**
 * One-sided version of a kernel: unchanged up to its maximum, flat beyond (still concave). Used for
 * the first and last chord of a recording, which are often held (intro vamp, final fermata,
 * ritardando, fade-out): their length is left to the audio and the neighbouring N.
 */
export function oneSidedKernel(kernel: Float64Array): Float64Array {
  const out = Float64Array.from(kernel)
  let peak = 1
  for (let d = 1; d < kernel.length; d++) if (kernel[d]! > kernel[peak]!) peak = d
  for (let d = peak + 1; d < kernel.length; d++) out[d] = kernel[peak]!
  return out
}
