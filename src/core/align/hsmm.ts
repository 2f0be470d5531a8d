/**
 * Explicit-duration (semi-Markov) Viterbi for forced alignment of an ordered chord sequence, and a
 * banded forward–backward over the same model for confidences.
 *
 * Model. A region of n frames holds K chords in the given order, each for d ≥ 1 frames, optionally
 * preceded and followed by N (no chord) of any length ≥ 0. The score of a segmentation
 * b_0 ≤ b_1 < … < b_K ≤ n (chord k covers frames [b_k, b_{k+1})) is
 *
 *   Σ_k [ S_k(b_{k+1}) − S_k(b_k) + L(b_{k+1} − b_k) ] + S_N(b_0) − π·[b_0 > 0]
 *                                                  + S_N(n) − S_N(b_K) − π·[b_K < n]
 *
 * with S_k the cumulative log-evidence of chord k (prefix sums of frame scores), L a concave
 * duration kernel (see `duration.ts`) and π the cost of an N segment.
 *
 * Viterbi: V_k(t) = S_k(t) + max_{s<t} [ V_{k−1}(s) − S_k(s) + L(t − s) ]. Because L is concave the
 * matrix M[t][s] = A[s] + L(t−s) is Monge (for t1 < t2, s1 < s2 the A terms cancel and
 * L(t1−s1) + L(t2−s2) ≥ L(t1−s2) + L(t2−s1) is concavity of L), so the leftmost optimal s is
 * non-decreasing in t and divide and conquer over t finds all row maxima in O(n log n). Total
 * O(K·n·log n) time and O(K·n) memory for the backpointers, against O(K·n·Dmax) for the textbook
 * recursion.
 */

/** One region's alignment problem. */
export interface HsmmProblem {
  /** Frames in the region. */
  n: number
  /**
   * Cumulative log-evidence of each chord of the region, n+1 entries each: S_k[t] − S_k[0] = Σ_{τ<t} e_k(τ)
   * (any offset cancels, so views into whole-recording prefix sums can be passed).
   */
  cum: Float64Array[]
  /** Cumulative log-evidence of N (n+1 entries); needed when leadN or trailN. */
  cumN: Float64Array | null
  /** Duration kernel L[d], d = 0 … n (L[0] ignored), concave on d ≥ 1. */
  kernel: Float64Array
  /** Kernel of the first chord instead of `kernel` (concave too); default `kernel`. */
  firstKernel?: Float64Array
  /** Kernel of the last chord instead of `kernel` (concave too); default `kernel`. */
  lastKernel?: Float64Array
  /** Allow N before the first chord. */
  leadN: boolean
  /** Allow N after the last chord. */
  trailN: boolean
  /** Cost of an N segment [nats]. */
  nPenalty: number
}

export interface HsmmPath {
  /** b_0 … b_K: chord k covers local frames [b_k, b_{k+1}). */
  bounds: Int32Array
  score: number
}

const NEG = Number.NEGATIVE_INFINITY
/** Backpointer entries kept before switching to checkpointed backtracking (128 MB of Int32). */
export const BACKPOINTER_BUDGET = 32 << 20

function leadScore(p: HsmmProblem, s: number): number {
  if (!p.leadN) return s === 0 ? 0 : NEG
  return p.cumN![s]! - p.cumN![0]! - (s > 0 ? p.nPenalty : 0)
}

function trailScore(p: HsmmProblem, t: number): number {
  if (!p.trailN) return t === p.n ? 0 : NEG
  return p.cumN![p.n]! - p.cumN![t]! - (t < p.n ? p.nPenalty : 0)
}

/**
 * Row maxima of M[t][s] = A[s] + L[t − s] (s < t) for t ∈ [tLo, tHi], s ∈ [sLo, sHi], by divide and
 * conquer on the monotone (leftmost) argmax. Writes best + S[t] into V and the argmax into arg.
 * (SMAWK is O(n) instead of O(n log n) but measured slower here: the argmax tracks the diagonal so
 * closely that this needs only ~log2 n ≈ 13 cheap evaluations per row.)
 */
function rowMaxima(
  A: Float64Array,
  L: Float64Array,
  S: Float64Array,
  V: Float64Array,
  arg: Int32Array,
  argOff: number,
  tLo0: number,
  tHi0: number,
  sLo0: number,
  sHi0: number,
  stack: Int32Array,
): void {
  // explicit stack of (tLo, tHi, sLo, sHi) ranges: no recursion overhead in the hot loop
  let sp = 0
  stack[sp++] = tLo0
  stack[sp++] = tHi0
  stack[sp++] = sLo0
  stack[sp++] = sHi0
  while (sp > 0) {
    const sHi = stack[--sp]!
    const sLo = stack[--sp]!
    const tHi = stack[--sp]!
    const tLo = stack[--sp]!
    if (tLo > tHi) continue
    const t = (tLo + tHi) >> 1
    const end = Math.min(sHi, t - 1)
    let best = NEG
    let at = sLo
    for (let s = sLo; s <= end; s++) {
      const v = A[s]! + L[t - s]!
      if (v > best) {
        best = v
        at = s
      }
    }
    V[t] = best + S[t]!
    arg[argOff + t] = at
    stack[sp++] = tLo
    stack[sp++] = t - 1
    stack[sp++] = sLo
    stack[sp++] = at
    stack[sp++] = t + 1
    stack[sp++] = tHi
    stack[sp++] = at
    stack[sp++] = sHi
  }
}

/**
 * Best segmentation of a region (explicit-duration Viterbi).
 * @returns bounds b_0 … b_K and the score; score −∞ when K chords cannot fit in n frames
 */
/** The duration kernel of chord k (1-based) of K. */
function kernelOf(p: HsmmProblem, k: number, K: number): Float64Array {
  if (k === K && p.lastKernel) return p.lastKernel
  if (k === 1 && p.firstKernel) return p.firstKernel
  return p.kernel
}

export function hsmmViterbi(p: HsmmProblem, maxBackpointers = BACKPOINTER_BUDGET): HsmmPath {
  const { n, cum } = p
  const K = cum.length
  const bounds = new Int32Array(K + 1)
  if (K === 0) {
    // only N (or nothing, when the region is empty)
    const score =
      p.leadN || p.trailN ? p.cumN![n]! - p.cumN![0]! - (n > 0 ? p.nPenalty : 0) : n === 0 ? 0 : NEG
    return { bounds, score }
  }
  if (K > n) return { bounds, score: NEG }
  // Backpointers for all K layers take K·(n+1) ints. Beyond the budget (long recordings with many
  // chords) keep the V row of every c-th layer only (c ≈ √K) and recompute one block of c layers at a
  // time while backtracking: memory O((K/c + c)·n), time ≈ 2× the forward pass.
  const block = K * (n + 1) <= maxBackpointers ? K : Math.max(1, Math.ceil(Math.sqrt(K)))
  const A = new Float64Array(n + 1)
  // depth-first: at most 2 pending ranges per level of a ⌈log2 n⌉-deep split
  const stack = new Int32Array(8 * (Math.ceil(Math.log2(n + 2)) + 2))
  const arg = new Int32Array(block * (n + 1))
  /** Run layers k0+1 … k1 from V_{k0} = start; backpointers of layer k go to slot k − k0 − 1. */
  const layers = (start: Float64Array, k0: number, k1: number, keep: Float64Array[] | null): Float64Array => {
    let prev: Float64Array = start
    let cur: Float64Array = new Float64Array(n + 1)
    for (let k = k0 + 1; k <= k1; k++) {
      const S = cum[k - 1]!
      const sLo = k - 1
      const sHi = n - (K - k) - 1
      for (let s = sLo; s <= sHi; s++) A[s] = prev[s]! - S[s]!
      cur.fill(NEG)
      rowMaxima(A, kernelOf(p, k, K), S, cur, arg, (k - k0 - 1) * (n + 1), k, n - (K - k), sLo, sHi, stack)
      if (keep && k % block === 0 && k < K) keep[k / block] = Float64Array.from(cur)
      const tmp = prev === start ? new Float64Array(n + 1) : prev
      prev = cur
      cur = tmp
    }
    return prev
  }
  const V0 = new Float64Array(n + 1).fill(NEG)
  for (let s = 0; s <= n - K; s++) V0[s] = leadScore(p, s)
  const checkpoints: Float64Array[] = [V0]
  const last = layers(V0, 0, K, block < K ? checkpoints : null)
  let best = NEG
  let end = n
  for (let t = K; t <= n; t++) {
    const v = last[t]! + trailScore(p, t)
    if (v > best) {
      best = v
      end = t
    }
  }
  bounds[K] = end
  for (let k1 = K; k1 >= 1; ) {
    const k0 = block < K ? Math.floor((k1 - 1) / block) * block : 0
    if (block < K) layers(checkpoints[k0 / block]!, k0, k1, null)
    for (let k = k1; k > k0; k--) bounds[k - 1] = arg[(k - k0 - 1) * (n + 1) + bounds[k]!]!
    k1 = k0
  }
  return { bounds, score: best }
}

/**
 * Score of a given segmentation under the model (for tests and for comparing alternatives).
 * @returns −∞ when the bounds are infeasible
 */
export function hsmmScore(p: HsmmProblem, bounds: ArrayLike<number>): number {
  const K = p.cum.length
  let s = leadScore(p, bounds[0]!) + trailScore(p, bounds[K]!)
  for (let k = 0; k < K; k++) {
    const a = bounds[k]!
    const b = bounds[k + 1]!
    if (b - a < 1) return NEG
    s += p.cum[k]![b]! - p.cum[k]![a]! + kernelOf(p, k + 1, K)[b - a]!
  }
  return s
}

/** Posterior over each boundary, restricted to a window around the Viterbi path. */
export interface BoundaryPosterior {
  /** First frame of each boundary's window. */
  lo: Int32Array
  /** Posterior probabilities over the window of boundary j: post[j][t − lo[j]]. */
  post: Float64Array[]
}

/**
 * Forward–backward over the same model with every boundary b_j confined to b̂_j ± halfWidth
 * (b̂ = the Viterbi path): the posterior P(b_j = t | audio, boundaries in their windows).
 * Cost O(K·(2·halfWidth+1)²).
 * @param temperature divides every log score (1 = the model as is; larger = softer)
 */
export function hsmmPosterior(
  p: HsmmProblem,
  path: Int32Array,
  halfWidth: number,
  temperature = 1,
): BoundaryPosterior {
  const K = p.cum.length
  const n = p.n
  const g = 1 / temperature
  const lo = new Int32Array(K + 1)
  const hi = new Int32Array(K + 1)
  for (let j = 0; j <= K; j++) {
    // feasible: j chords before need ≥ j frames, K − j chords after need ≥ K − j frames
    let a = Math.max(j, path[j]! - halfWidth)
    let b = Math.min(n - (K - j), path[j]! + halfWidth)
    if (j === 0 && !p.leadN) a = b = 0
    if (j === K && !p.trailN) a = b = n
    lo[j] = a
    hi[j] = b
  }
  // Linear-domain recursions with per-layer rescaling: exp(S[t] − S[s]) factorises, so each pair
  // (s, t) costs one multiply-add; the kernel is tabulated as exp(g·(L[d] − max L)).
  const tables = new Map<Float64Array, { expL: Float64Array; Lmax: number }>()
  const table = (j: number) => {
    const L = kernelOf(p, j, K)
    let tb = tables.get(L)
    if (!tb) {
      let Lmax = NEG
      for (let d = 1; d <= n; d++) if (L[d]! > Lmax) Lmax = L[d]!
      const expL = new Float64Array(n + 1)
      for (let d = 1; d <= n; d++) expL[d] = Math.exp(g * (L[d]! - Lmax))
      tb = { expL, Lmax }
      tables.set(L, tb)
    }
    return tb
  }
  const alpha: Float64Array[] = []
  const beta: Float64Array[] = new Array(K + 1)
  alpha.push(Float64Array.from({ length: hi[0]! - lo[0]! + 1 }, (_, i) => leadScore(p, lo[0]! + i) * g))
  for (let j = 1; j <= K; j++) {
    const S = p.cum[j - 1]!
    const { expL, Lmax } = table(j)
    const prev = alpha[j - 1]!
    const l0 = lo[j - 1]!
    const u = new Float64Array(prev.length)
    let umax = NEG
    for (let i = 0; i < prev.length; i++) {
      u[i] = prev[i]! - g * S[l0 + i]!
      if (u[i]! > umax) umax = u[i]!
    }
    for (let i = 0; i < u.length; i++) u[i] = umax === NEG ? 0 : Math.exp(u[i]! - umax)
    const a = new Float64Array(hi[j]! - lo[j]! + 1)
    for (let t = lo[j]!; t <= hi[j]!; t++) {
      let acc = 0
      const sEnd = Math.min(hi[j - 1]!, t - 1)
      for (let s = l0; s <= sEnd; s++) acc += u[s - l0]! * expL[t - s]!
      a[t - lo[j]!] = acc > 0 ? g * S[t]! + umax + g * Lmax + Math.log(acc) : NEG
    }
    alpha.push(a)
  }
  beta[K] = Float64Array.from({ length: hi[K]! - lo[K]! + 1 }, (_, i) => trailScore(p, lo[K]! + i) * g)
  for (let j = K; j >= 1; j--) {
    const S = p.cum[j - 1]!
    const { expL, Lmax } = table(j)
    const next = beta[j]!
    const l1 = lo[j]!
    const v = new Float64Array(next.length)
    let vmax = NEG
    for (let i = 0; i < next.length; i++) {
      v[i] = next[i]! + g * S[l1 + i]!
      if (v[i]! > vmax) vmax = v[i]!
    }
    for (let i = 0; i < v.length; i++) v[i] = vmax === NEG ? 0 : Math.exp(v[i]! - vmax)
    const b = new Float64Array(hi[j - 1]! - lo[j - 1]! + 1)
    for (let s = lo[j - 1]!; s <= hi[j - 1]!; s++) {
      let acc = 0
      for (let t = Math.max(l1, s + 1); t <= hi[j]!; t++) acc += v[t - l1]! * expL[t - s]!
      b[s - lo[j - 1]!] = acc > 0 ? -g * S[s]! + vmax + g * Lmax + Math.log(acc) : NEG
    }
    beta[j - 1] = b
  }
  const post: Float64Array[] = []
  for (let j = 0; j <= K; j++) {
    const a = alpha[j]!
    const b = beta[j]!
    let m = NEG
    for (let i = 0; i < a.length; i++) if (a[i]! + b[i]! > m) m = a[i]! + b[i]!
    const q = new Float64Array(a.length)
    let z = 0
    if (m !== NEG) for (let i = 0; i < a.length; i++) z += q[i] = Math.exp(a[i]! + b[i]! - m)
    if (z > 0) for (let i = 0; i < a.length; i++) q[i]! /= z
    post.push(q)
  }
  return { lo, post }
}
