import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectTfBackend } from '../../../src/backend/tf-backend'
import { ctcBatchLoss, ctcForwardBackward, ctcMinFrames } from '../../../src/core/model'
import { finiteDiff, worstRatio } from './reference'

beforeAll(async () => {
  await selectTfBackend('cpu')
})

/** Seeded log-probabilities T×C (rows normalised). */
function randomLogp(T: number, C: number, seed: number): Float64Array {
  let s = seed
  const rnd = () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648
  }
  const out = new Float64Array(T * C)
  for (let t = 0; t < T; t++) {
    let z = 0
    for (let c = 0; c < C; c++) z += out[t * C + c] = 0.05 + rnd()
    for (let c = 0; c < C; c++) out[t * C + c] = Math.log(out[t * C + c]! / z)
  }
  return out
}

/** Brute force, blank lattice: sum over all C^T label paths whose collapse (merge repeats, drop blanks) is `labels`. */
function bruteBlank(logp: Float64Array, T: number, C: number, labels: number[], blank: number): number {
  let total = 0
  const path = new Array<number>(T).fill(0)
  const total_paths = C ** T
  for (let code = 0; code < total_paths; code++) {
    let c = code
    for (let t = 0; t < T; t++) {
      path[t] = c % C
      c = Math.floor(c / C)
    }
    const collapsed: number[] = []
    for (let t = 0; t < T; t++)
      if (path[t] !== blank && (t === 0 || path[t] !== path[t - 1])) collapsed.push(path[t]!)
    if (collapsed.length !== labels.length || collapsed.some((v, i) => v !== labels[i])) continue
    let lp = 0
    for (let t = 0; t < T; t++) lp += logp[t * C + path[t]!]!
    total += Math.exp(lp)
  }
  return -Math.log(total)
}

/** Brute force, blank-free lattice: sum over all splits of T frames into K non-empty runs in order. */
function bruteNoBlank(logp: Float64Array, T: number, C: number, labels: number[]): number {
  const K = labels.length
  let total = 0
  const rec = (t: number, k: number, lp: number) => {
    if (k === K) {
      if (t === T) total += Math.exp(lp)
      return
    }
    let acc = lp
    for (let e = t; e < T; e++) {
      acc += logp[e * C + labels[k]!]!
      rec(e + 1, k + 1, acc)
    }
  }
  rec(0, 0, 0)
  return -Math.log(total)
}

describe('ctcForwardBackward vs brute-force enumeration', () => {
  const cases: { T: number; C: number; labels: number[] }[] = [
    { T: 1, C: 3, labels: [1] },
    { T: 3, C: 3, labels: [1] },
    { T: 4, C: 3, labels: [0, 1] },
    { T: 5, C: 3, labels: [1, 1] }, // repeat: needs a blank between (blank lattice)
    { T: 6, C: 4, labels: [2, 0, 2] },
    { T: 7, C: 3, labels: [0, 1, 0] },
  ]
  for (const { T, C, labels } of cases) {
    it(`blank lattice, T=${T}, C=${C}, labels ${labels}`, () => {
      const blank = C - 1
      const lab = labels.map((l) => (l >= blank ? l - 1 : l))
      const logp = randomLogp(T, C, 7 + T)
      const r = ctcForwardBackward(logp, T, C, lab, blank)
      expect(r.nll).toBeCloseTo(bruteBlank(logp, T, C, lab, blank), 10)
    })
    it(`blank-free lattice, T=${T}, C=${C}, labels ${labels}`, () => {
      const logp = randomLogp(T, C, 11 + T)
      const r = ctcForwardBackward(logp, T, C, labels, -1)
      expect(r.nll).toBeCloseTo(bruteNoBlank(logp, T, C, labels), 10)
    })
  }
  it('the empty sequence with a blank is the all-blank path', () => {
    const logp = randomLogp(4, 3, 3)
    const want = -(logp[2]! + logp[5]! + logp[8]! + logp[11]!)
    expect(ctcForwardBackward(logp, 4, 3, [], 2).nll).toBeCloseTo(want, 12)
  })
  it('reports an impossible fit as +Infinity with a zero gradient', () => {
    const logp = randomLogp(2, 3, 5)
    expect(ctcMinFrames([1, 1], 2)).toBe(3)
    const r = ctcForwardBackward(logp, 2, 3, [1, 1], 2)
    expect(r.nll).toBe(Number.POSITIVE_INFINITY)
    expect(r.grad.every((g) => g === 0)).toBe(true)
    expect(ctcForwardBackward(logp, 2, 3, [0, 1, 0], -1).nll).toBe(Number.POSITIVE_INFINITY)
  })
  it('rejects labels equal to the blank or out of range', () => {
    expect(() => ctcForwardBackward(randomLogp(3, 3, 1), 3, 3, [2], 2)).toThrow(/blank/)
    expect(() => ctcForwardBackward(randomLogp(3, 3, 1), 3, 3, [3], -1)).toThrow(/class/)
  })
})

describe('ctc gradient', () => {
  for (const blank of [3, -1]) {
    it(`∂nll/∂logp matches finite differences (blank ${blank})`, () => {
      const T = 6
      const C = 4
      const labels = [0, 2, 0]
      // perturb log-probabilities freely (nll is defined for any real scores)
      const logp = randomLogp(T, C, 99)
      const r = ctcForwardBackward(logp, T, C, labels, blank)
      const fd = finiteDiff((v) => ctcForwardBackward(v, T, C, labels, blank).nll, logp, 1e-6)
      expect(worstRatio(r.grad, fd, 1e-6, 1e-8)).toBeLessThan(1)
      // occupancies of each frame sum to 1 (every path visits exactly one state per frame)
      for (let t = 0; t < T; t++) {
        let s = 0
        for (let c = 0; c < C; c++) s += r.grad[t * C + c]!
        expect(s).toBeCloseTo(-1, 10)
      }
    })
  }

  it('the tfjs op through log-softmax gives the float64 gradient w.r.t. logits (per-item lengths)', () => {
    const B = 2
    const T = 5
    const C = 4
    const labels = [
      [0, 1],
      [2, 2],
    ]
    const n = Int32Array.from([5, 4])
    const z = Float64Array.from({ length: B * T * C }, (_, i) => Math.sin(i * 1.7) * 1.5)
    const ref = (v: Float64Array) => {
      let total = 0
      for (let b = 0; b < B; b++) {
        const lp = new Float64Array(n[b]! * C)
        for (let t = 0; t < n[b]!; t++) {
          let mx = Number.NEGATIVE_INFINITY
          for (let c = 0; c < C; c++) mx = Math.max(mx, v[(b * T + t) * C + c]!)
          let s = 0
          for (let c = 0; c < C; c++) s += Math.exp(v[(b * T + t) * C + c]! - mx)
          for (let c = 0; c < C; c++) lp[t * C + c] = v[(b * T + t) * C + c]! - mx - Math.log(s)
        }
        total += ctcForwardBackward(lp, n[b]!, C, labels[b]!, 3).nll
      }
      return total / B
    }
    const x = tf.tensor3d(Float32Array.from(z), [B, T, C])
    const { value, grads } = tf.valueAndGrads((t: tf.Tensor) => ctcBatchLoss(t as tf.Tensor3D, labels, n, 3))(
      [x],
    )
    expect(value.dataSync()[0]!).toBeCloseTo(ref(z), 4)
    const g = grads[0]!.dataSync()
    const fd = finiteDiff(ref, z, 1e-5)
    expect(worstRatio(g, fd, 1e-3, 1e-5)).toBeLessThan(1)
    // frames beyond an item's length get no gradient
    for (let c = 0; c < C; c++) expect(g[(1 * T + 4) * C + c]).toBe(0)
    tf.dispose([x, value, ...grads])
  })

  it('the op names the item that cannot fit', () => {
    const x = tf.zeros([1, 2, 4]) as tf.Tensor3D
    expect(() => ctcBatchLoss(x, [[1, 1]], Int32Array.from([2]), 3)).toThrow(
      /item 0: 2 labels cannot fit 2 frames/,
    )
    x.dispose()
  })
})
