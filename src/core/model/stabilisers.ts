/**
 * Stabilisers for soft-DTW training with weakly aligned targets, after Zeitler, Deniffel, Krause and
 * Müller, "Stabilizing training with soft dynamic time warping: a case study for pitch class
 * estimation with weakly aligned targets" (ISMIR 2023): a γ schedule (large γ first, then small), a
 * diagonal prior added to the cost that fades out, and sequence unfolding (`PadMode` `unfold` in
 * `targets.ts`). Length normalisation divides each item's soft-DTW value by its lengths.
 */

/** γ held at `start` for `holdEpochs` epochs, then log-linearly down to `end` over `decayEpochs`. */
export interface GammaSchedule {
  /** γ of the first epochs. */
  start: number
  /** Epochs at `start` [epochs]. */
  holdEpochs: number
  /** Final γ. */
  end: number
  /** Epochs from `start` to `end` [epochs]. */
  decayEpochs: number
}

/** The schedule of the issue: γ = 10 for epochs 0–9, then down to 0.1 by epoch 19. */
export const defaultGammaSchedule: GammaSchedule = { start: 10, holdEpochs: 10, end: 0.1, decayEpochs: 10 }

/**
 * γ at an epoch (0-based).
 * @example gammaAt({start:10, holdEpochs:10, end:0.1, decayEpochs:10}, 19) // 0.1
 */
export function gammaAt(s: GammaSchedule, epoch: number): number {
  if (epoch < s.holdEpochs) return s.start
  const k = s.decayEpochs <= 0 ? 1 : Math.min(1, (epoch - s.holdEpochs + 1) / s.decayEpochs)
  return s.start * (s.end / s.start) ** k
}

/**
 * A penalty w·(i/(n−1) − j/(m−1))² added to cell (i, j) of each cost matrix, so early alignments stay
 * near the diagonal; w fades linearly from `weight` to 0 over `fadeEpochs`.
 */
export interface DiagonalPrior {
  /** Initial weight w [cost units; costs of probability vectors lie in 0..2]. */
  weight: number
  /** Epochs until w reaches 0 [epochs]. */
  fadeEpochs: number
}

export const defaultDiagonalPrior: DiagonalPrior = { weight: 1, fadeEpochs: 20 }

/** Prior weight at an epoch (0-based). */
export function priorWeightAt(p: DiagonalPrior, epoch: number): number {
  if (p.fadeEpochs <= 0) return 0
  return p.weight * Math.max(0, 1 - epoch / p.fadeEpochs)
}

/**
 * The prior matrices of a batch: B×N×M row-major, (i/(n_b−1) − j/(m_b−1))² inside each item's block
 * (0 along a length-1 side), 0 outside.
 */
export function diagonalPriorBatch(
  B: number,
  N: number,
  M: number,
  n: Int32Array,
  m: Int32Array,
  weight: number,
): Float32Array {
  const out = new Float32Array(B * N * M)
  if (weight === 0) return out
  for (let b = 0; b < B; b++) {
    const nb = n[b]!
    const mb = m[b]!
    for (let i = 0; i < nb; i++) {
      const u = nb > 1 ? i / (nb - 1) : 0
      for (let j = 0; j < mb; j++) {
        const v = mb > 1 ? j / (mb - 1) : 0
        out[(b * N + i) * M + j] = weight * (u - v) * (u - v)
      }
    }
  }
  return out
}

/** How soft-DTW values are normalised by length: none, ÷n (frames), ÷m (targets), ÷(n+m). */
export type LengthNormalization = 'none' | 'n' | 'm' | 'n+m'

/** The divisor of an item's soft-DTW value. */
export function lengthDivisor(mode: LengthNormalization, n: number, m: number): number {
  switch (mode) {
    case 'n':
      return n
    case 'm':
      return m
    case 'n+m':
      return n + m
    default:
      return 1
  }
}
