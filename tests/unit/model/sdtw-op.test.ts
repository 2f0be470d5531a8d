import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectTfBackend } from '../../../src/backend/tf-backend'
import {
  dtwEngine,
  MAX_SELF_CELLS,
  MAX_TENSOR_CELLS,
  softDtw,
  softDtwLoss,
  softDtwSelf,
  softDtwToTargets,
  squaredEuclideanCost,
} from '../../../src/core/model'
import { diagonalPriorBatch } from '../../../src/core/model/stabilisers'
import { finiteDiff, referenceEngine, refSoftDtw, worstRatio } from './reference'

beforeAll(async () => {
  await selectTfBackend('cpu')
})

function seq(len: number, seed: number): Float64Array {
  return Float64Array.from({ length: len }, (_, i) => Math.abs(Math.sin(seed * 12.9898 + i * 78.233)) * 1.3)
}

describe('reference soft-DTW (test helper)', () => {
  it('E equals finite differences of the value', () => {
    const n = 4
    const m = 3
    const C = seq(n * m, 1)
    for (const gamma of [0.1, 1, 10]) {
      const r = refSoftDtw(C, n, m, gamma)
      const fd = finiteDiff((c) => refSoftDtw(c, n, m, gamma).value, C, 1e-6)
      expect(worstRatio(r.E, fd, 1e-6, 1e-8)).toBeLessThan(1)
    }
  })
  it('equals −γ log Σ_paths exp(−cost/γ) on a 2×2 case', () => {
    // paths: diagonal (0 + 0), right-down (0 + 2 + 0), down-right (0 + 2 + 0)
    expect(refSoftDtw([0, 2, 2, 0], 2, 2, 1).value).toBeCloseTo(-Math.log(1 + 2 * Math.exp(-2)), 14)
  })
})

describe('softDtw tfjs op', () => {
  const B = 3
  const N = 5
  const M = 4
  const n = Int32Array.from([5, 3, 4])
  const m = Int32Array.from([4, 4, 2])
  const C64 = seq(B * N * M, 3)
  const C32 = Float32Array.from(C64)

  it('values equal the float64 reference on each item block (per-item lengths)', () => {
    const C = tf.tensor3d(C32, [B, N, M])
    const v = softDtw(C, n, m, 0.7, referenceEngine)
    const got = v.dataSync()
    for (let b = 0; b < B; b++) {
      const block = Float64Array.from(C32.subarray(b * N * M, (b + 1) * N * M))
      const want = refSoftDtw(block, n[b]!, m[b]!, 0.7, M).value
      expect(Math.abs(got[b]! - want)).toBeLessThanOrEqual(1e-6 * Math.abs(want) + 1e-6)
    }
    tf.dispose([C, v])
  })

  it('gradient is dy · E, zero outside each block, nothing leaks', () => {
    const C = tf.tensor3d(C32, [B, N, M])
    const w = tf.tensor1d([1, -2, 0.5])
    const before = tf.memory().numTensors
    const { value, grads } = tf.valueAndGrads((c: tf.Tensor) =>
      tf.sum(tf.mul(softDtw(c as tf.Tensor3D, n, m, 0.7, referenceEngine), w)),
    )([C])
    const g = grads[0]!.dataSync()
    for (let b = 0; b < B; b++) {
      const block = Float64Array.from(C32.subarray(b * N * M, (b + 1) * N * M))
      const E = refSoftDtw(block, n[b]!, m[b]!, 0.7, M).E
      const wb = [1, -2, 0.5][b]!
      for (let i = 0; i < N; i++)
        for (let j = 0; j < M; j++) {
          const got = g[(b * N + i) * M + j]!
          if (i < n[b]! && j < m[b]!) expect(got).toBeCloseTo(wb * E[i * m[b]! + j]!, 6)
          else expect(Math.abs(got)).toBe(0) // dy · 0 may be −0
        }
    }
    tf.dispose([value, ...grads])
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([C, w])
  })

  it('through the squared-Euclidean cost, ∂/∂X matches float64 finite differences', () => {
    const D = 3
    const Nx = 6
    const My = 3
    const X64 = seq(2 * Nx * D, 5)
    const Y64 = seq(2 * My * D, 9)
    const nn = Int32Array.from([6, 4])
    const mm = Int32Array.from([3, 2])
    const gamma = 0.5
    const ref = (x: Float64Array) => {
      let total = 0
      for (let b = 0; b < 2; b++) {
        const C = new Float64Array(nn[b]! * mm[b]!)
        for (let i = 0; i < nn[b]!; i++)
          for (let j = 0; j < mm[b]!; j++) {
            let s = 0
            for (let d = 0; d < D; d++) s += (x[(b * Nx + i) * D + d]! - Y64[(b * My + j) * D + d]!) ** 2
            C[i * mm[b]! + j] = s
          }
        total += refSoftDtw(C, nn[b]!, mm[b]!, gamma).value
      }
      return total
    }
    const X = tf.tensor3d(Float32Array.from(X64), [2, Nx, D])
    const Y = tf.tensor3d(Float32Array.from(Y64), [2, My, D])
    const { value, grads } = tf.valueAndGrads((x: tf.Tensor) =>
      tf.sum(softDtw(squaredEuclideanCost(x as tf.Tensor3D, Y), nn, mm, gamma, referenceEngine)),
    )([X])
    expect(value.dataSync()[0]!).toBeCloseTo(ref(X64), 4)
    const fd = finiteDiff(ref, X64, 1e-6)
    expect(worstRatio(grads[0]!.dataSync(), fd, 2e-3, 2e-4)).toBeLessThan(1)
    tf.dispose([X, Y, value, ...grads])
  })

  it('squared-Euclidean cost equals ‖x − y‖²', () => {
    const X = tf.tensor3d([1, 0, 0.5, 0.5], [1, 2, 2])
    const Y = tf.tensor3d([0, 1, 1, 0, 0.5, 0.5], [1, 3, 2])
    const c = squaredEuclideanCost(X, Y).dataSync()
    expect(Array.from(c).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([2, 0, 0.5, 0.5, 0.5, 0])
    tf.dispose([X, Y])
  })

  it('names bad arguments', () => {
    const C = tf.zeros([2, 3, 3]) as tf.Tensor3D
    expect(() => softDtw(C, Int32Array.from([3]), Int32Array.from([3, 3]), 1, referenceEngine)).toThrow(
      /n must have one length per item/,
    )
    expect(() => softDtw(C, Int32Array.from([3, 4]), Int32Array.from([3, 3]), 1, referenceEngine)).toThrow(
      /n\[1\] = 4/,
    )
    expect(() => softDtw(C, Int32Array.from([3, 3]), Int32Array.from([3, 3]), 0, referenceEngine)).toThrow(
      /gamma/,
    )
    C.dispose()
  })
})

describe('softDtwSelf: the self term of the divergence without N×N tensors', () => {
  const D = 4
  const N = 7
  const n = Int32Array.from([7, 4, 5])
  const X64 = seq(3 * N * D, 11)
  const gamma = 0.6

  /** Σ_b sdtw(X_b, X_b) in float64, from the reference. */
  const ref = (x: Float64Array) => {
    let total = 0
    for (let b = 0; b < 3; b++) {
      const nb = n[b]!
      const C = new Float64Array(nb * nb)
      for (let i = 0; i < nb; i++)
        for (let j = 0; j < nb; j++) {
          let s = 0
          for (let d = 0; d < D; d++) s += (x[(b * N + i) * D + d]! - x[(b * N + j) * D + d]!) ** 2
          C[i * nb + j] = s
        }
      total += refSoftDtw(C, nb, nb, gamma).value
    }
    return total
  }

  it('equals softDtw over the squared-Euclidean self-cost, in values and in ∂/∂X (rows past n_b: 0)', () => {
    const X = tf.tensor3d(Float32Array.from(X64), [3, N, D])
    const w = tf.tensor1d([1, -0.5, 2])
    const viaTensors = tf.valueAndGrads((x: tf.Tensor) =>
      tf.sum(
        tf.mul(
          softDtw(squaredEuclideanCost(x as tf.Tensor3D, x as tf.Tensor3D), n, n, gamma, referenceEngine),
          w,
        ),
      ),
    )([X])
    const before = tf.memory().numTensors
    const direct = tf.valueAndGrads((x: tf.Tensor) =>
      tf.sum(tf.mul(softDtwSelf(x as tf.Tensor3D, n, gamma, referenceEngine), w)),
    )([X])
    expect(tf.memory().numTensors - before).toBe(1 + 1) // the value and the one gradient
    expect(direct.value.dataSync()[0]!).toBeCloseTo(viaTensors.value.dataSync()[0]!, 4)
    const a = direct.grads[0]!.dataSync()
    expect(worstRatio(a, viaTensors.grads[0]!.dataSync(), 1e-4, 1e-5)).toBeLessThan(1)
    for (let b = 0; b < 3; b++)
      for (let i = n[b]!; i < N; i++)
        for (let d = 0; d < D; d++) expect(Math.abs(a[(b * N + i) * D + d]!)).toBe(0) // dy · 0 may be −0
    tf.dispose([X, w, direct.value, ...direct.grads, viaTensors.value, ...viaTensors.grads])
  })

  it('∂/∂X matches float64 finite differences of the reference, with the TS engine too', () => {
    const X = tf.tensor3d(Float32Array.from(X64), [3, N, D])
    const fd = finiteDiff(ref, X64, 1e-6)
    for (const engine of [referenceEngine, dtwEngine]) {
      const { value, grads } = tf.valueAndGrads((x: tf.Tensor) =>
        tf.sum(softDtwSelf(x as tf.Tensor3D, n, gamma, engine)),
      )([X])
      expect(value.dataSync()[0]!).toBeCloseTo(ref(X64), 4)
      expect(worstRatio(grads[0]!.dataSync(), fd, 2e-3, 2e-4)).toBeLessThan(1)
      tf.dispose([value, ...grads])
    }
    X.dispose()
  })

  it('refuses an item too long for its n² cells, in one line that says what to do', () => {
    const big = Math.floor(Math.sqrt(MAX_SELF_CELLS)) + 1
    const X = tf.zeros([1, big, 2]) as tf.Tensor3D
    expect(() => softDtwSelf(X, Int32Array.of(big), 1, referenceEngine)).toThrow(
      new RegExp(`item 0 needs ${big} × ${big} cells, more than ${MAX_SELF_CELLS}: train on segments`),
    )
    X.dispose()
  })
})

describe('softDtwToTargets: long targets without B×N×M tensors', () => {
  const D = 3
  const N = 6
  const M = 5
  const n = Int32Array.from([6, 4])
  const m = Int32Array.from([5, 3])
  const X64 = seq(2 * N * D, 21)
  const Y64 = seq(2 * M * D, 23)
  const gamma = 0.4
  const prior = 0.7

  it('equals softDtw over the squared-Euclidean cost plus the diagonal prior, in values and ∂/∂X', () => {
    const X = tf.tensor3d(Float32Array.from(X64), [2, N, D])
    const Y = tf.tensor3d(Float32Array.from(Y64), [2, M, D])
    const w = tf.tensor1d([0.5, -1.5])
    const viaTensors = tf.valueAndGrads((x: tf.Tensor) => {
      const C = tf.add(
        squaredEuclideanCost(x as tf.Tensor3D, Y),
        tf.tensor3d(diagonalPriorBatch(2, N, M, n, m, prior), [2, N, M]),
      )
      return tf.sum(tf.mul(softDtw(C as tf.Tensor3D, n, m, gamma, referenceEngine), w))
    })([X])
    const direct = tf.valueAndGrads((x: tf.Tensor) =>
      tf.sum(tf.mul(softDtwToTargets(x as tf.Tensor3D, Y, n, m, gamma, prior, referenceEngine), w)),
    )([X])
    expect(direct.value.dataSync()[0]!).toBeCloseTo(viaTensors.value.dataSync()[0]!, 4)
    expect(worstRatio(direct.grads[0]!.dataSync(), viaTensors.grads[0]!.dataSync(), 1e-4, 1e-5)).toBeLessThan(
      1,
    )
    tf.dispose([X, Y, w, direct.value, ...direct.grads, viaTensors.value, ...viaTensors.grads])
  })

  it('∂/∂X matches float64 finite differences of the reference with the prior', () => {
    const ref = (x: Float64Array) => {
      let total = 0
      for (let b = 0; b < 2; b++) {
        const nb = n[b]!
        const mb = m[b]!
        const C = new Float64Array(nb * mb)
        for (let i = 0; i < nb; i++)
          for (let j = 0; j < mb; j++) {
            let s = 0
            for (let d = 0; d < D; d++) s += (x[(b * N + i) * D + d]! - Y64[(b * M + j) * D + d]!) ** 2
            const u = i / (nb - 1)
            const v = j / (mb - 1)
            C[i * mb + j] = s + prior * (u - v) ** 2
          }
        total += refSoftDtw(C, nb, mb, gamma).value
      }
      return total
    }
    const X = tf.tensor3d(Float32Array.from(X64), [2, N, D])
    const Y = tf.tensor3d(Float32Array.from(Y64), [2, M, D])
    const { value, grads } = tf.valueAndGrads((x: tf.Tensor) =>
      tf.sum(softDtwToTargets(x as tf.Tensor3D, Y, n, m, gamma, prior, dtwEngine)),
    )([X])
    expect(value.dataSync()[0]!).toBeCloseTo(ref(X64), 4)
    expect(worstRatio(grads[0]!.dataSync(), finiteDiff(ref, X64, 1e-6), 2e-3, 2e-4)).toBeLessThan(1)
    tf.dispose([X, Y, value, ...grads])
  })

  it.each([false, true])(
    'softDtwLoss takes this route above MAX_TENSOR_CELLS and gives the same loss and gradient (divergence: %s)',
    (divergence) => {
      // a batch just above the threshold: 2 × 1500 × 1500 unfolded one-hot targets
      const B = 2
      const T = Math.ceil(Math.sqrt(MAX_TENSOR_CELLS / B)) + 8
      expect(B * T * T).toBeGreaterThan(MAX_TENSOR_CELLS)
      const nn = Int32Array.from([T, T - 40])
      const logits = tf.tensor3d(Float32Array.from(seq(B * T * 24, 31)), [B, T, 24])
      const cls = Array.from({ length: B * T }, (_, i) => Math.floor(i / 97) % 24)
      const targets = tf.oneHot(tf.tensor1d(cls, 'int32'), 24).reshape([B, T, 24]) as tf.Tensor3D
      // with the divergence the targets' self term (M × M) changes route too
      const opts = { gamma: 0.5, priorWeight: 0.3, normalize: 'n' as const, divergence }
      const big = tf.valueAndGrads((z: tf.Tensor) =>
        softDtwLoss(tf.softmax(z) as tf.Tensor3D, targets, nn, nn, opts, dtwEngine),
      )([logits])
      // the same items one at a time (each below the threshold: the tensor route)
      let sum = 0
      const parts: Float32Array[] = []
      for (let b = 0; b < B; b++) {
        const zb = logits.slice([b, 0, 0], [1, T, 24])
        const yb = targets.slice([b, 0, 0], [1, T, 24])
        expect(T * T).toBeLessThanOrEqual(MAX_TENSOR_CELLS)
        const r = tf.valueAndGrads((z: tf.Tensor) =>
          softDtwLoss(
            tf.softmax(z) as tf.Tensor3D,
            yb as tf.Tensor3D,
            nn.slice(b, b + 1),
            nn.slice(b, b + 1),
            opts,
            dtwEngine,
          ),
        )([zb])
        sum += r.value.dataSync()[0]!
        parts.push(r.grads[0]!.dataSync() as Float32Array)
        tf.dispose([zb, yb, r.value, ...r.grads])
      }
      // the batch loss is the mean over items, so its gradient is the per-item one ÷ B
      expect(big.value.dataSync()[0]!).toBeCloseTo(sum / B, 4)
      const g = big.grads[0]!.dataSync()
      const want = new Float32Array(g.length)
      for (const [b, p] of parts.entries())
        want.set(
          p.map((v) => v / B),
          b * T * 24,
        )
      expect(worstRatio(g, want, 1e-3, 1e-7)).toBeLessThan(1)
      tf.dispose([logits, targets, big.value, ...big.grads])
    },
  )
})

describe('dtwEngine (src/core/dtw) against the float64 reference', () => {
  it('values and E agree on a padded batch with per-item lengths, for small and large γ', () => {
    const B = 3
    const N = 7
    const M = 5
    const n = Int32Array.from([7, 4, 6])
    const m = Int32Array.from([5, 5, 2])
    const C = Float32Array.from(seq(B * N * M, 21))
    for (const gamma of [0.05, 1, 30]) {
      const got = dtwEngine.softDtwBatch(C, B, N, M, n, m, gamma)
      const want = referenceEngine.softDtwBatch(C, B, N, M, n, m, gamma)
      expect(worstRatio(got.values, want.values, 1e-9, 1e-9)).toBeLessThan(1)
      expect(worstRatio(got.E, want.E, 1e-6, 1e-7)).toBeLessThan(1) // E is stored as float32 like C
    }
    expect(dtwEngine.name).toMatch(/^dtw:/)
  })
})
