import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selectTfBackend } from '../../../src/backend/tf-backend'
import {
  binaryTemplate,
  type ChordModel,
  createModel,
  modelFromFile,
  modelToFile,
  predictClasses,
  predictProbs,
} from '../../../src/core/model'
import { finiteDiff, worstRatio } from './reference'

beforeAll(async () => {
  await selectTfBackend('cpu')
})

const models: ChordModel[] = []
function make(...args: Parameters<typeof createModel>): ChordModel {
  const m = createModel(...args)
  models.push(m)
  return m
}
afterAll(() => {
  for (const m of models) m.dispose()
})

function chroma(T: number, seed: number): Float32Array {
  return Float32Array.from({ length: T * 12 }, (_, i) => Math.abs(Math.sin(seed + i * 0.731)) * 3)
}

function logitsOf(m: ChordModel, x: Float32Array, T: number): Float32Array {
  return tf.tidy(() => m.logits(tf.tensor3d(x, [1, T, 12])).dataSync() as Float32Array)
}

describe('model sizes', () => {
  it('dChord has 25 parameters (seed Table 3.1), unshared 289, conv K·12·H + H + 24H + 24 + 1', () => {
    expect(make().paramCount()).toBe(25)
    expect(make({ kind: 'dchord-unshared' }).paramCount()).toBe(289)
    expect(make({ kind: 'conv' }).paramCount()).toBe(9 * 12 * 16 + 16 + 16 * 24 + 24 + 1)
    expect(make({ kind: 'dchord', blank: true }).paramCount()).toBe(26)
    expect(make({ kind: 'dchord', blank: true }).outputs).toBe(25)
  })
  it('rejects unknown kinds and bad settings', () => {
    expect(() => createModel({ kind: 'mlp' as never })).toThrow(/unknown model kind/)
    expect(() => createModel({ etaInit: 0 })).toThrow(/etaInit/)
    expect(() => createModel({ kind: 'conv', convKernel: 4 })).toThrow(/odd/)
  })
})

describe('templates', () => {
  it('binary init gives libfmp binary triads for all 24 chords', () => {
    for (const kind of ['dchord', 'dchord-unshared'] as const) {
      const t = make({ kind }).templates()
      for (let r = 0; r < 24; r++) for (let p = 0; p < 12; p++) expect(t[r]![p]).toBe(binaryTemplate(r, p))
    }
    // C:maj = C E G; A:min = A C E
    expect([0, 4, 7].every((p) => binaryTemplate(0, p) === 1)).toBe(true)
    expect([9, 0, 4].every((p) => binaryTemplate(21, p) === 1)).toBe(true)
  })
  it('shared weights: every template is its quality’s C template rotated to its root', () => {
    const t = make({ init: 'random', seed: 3 }).templates()
    for (let r = 0; r < 24; r++) {
      const base = r < 12 ? t[0]! : t[12]!
      for (let p = 0; p < 12; p++) expect(t[r]![p]).toBeCloseTo(base[(p - (r % 12) + 12) % 12]!, 6)
    }
    expect(t[0]).not.toEqual(t[12])
  })
})

describe('forward pass', () => {
  it('equals a float64 reference: log(1 + ηx) → ℓ2 → templates', () => {
    const m = make({ init: 'random', seed: 1, etaInit: 2.5 })
    const T = 4
    const x = chroma(T, 1)
    const got = logitsOf(m, x, T)
    const W = m.templates()
    for (let t = 0; t < T; t++) {
      const c = Array.from({ length: 12 }, (_, p) => Math.log1p(2.5 * x[t * 12 + p]!))
      const nrm = Math.hypot(...c)
      for (let r = 0; r < 24; r++) {
        const want = c.reduce((s, v, p) => s + (v / nrm) * W[r]![p]!, 0)
        expect(got[t * 24 + r]).toBeCloseTo(want, 5)
      }
    }
  })
  it('uniform and silent frames give equal scores for all chords of a quality (libfmp unit vector)', () => {
    const m = make()
    const x = new Float32Array(24)
    x.fill(0.7, 0, 12) // uniform frame, then a silent frame
    const l = logitsOf(m, x, 2)
    for (let t = 0; t < 2; t++) for (let r = 1; r < 24; r++) expect(l[t * 24 + r]).toBeCloseTo(l[t * 24]!, 6)
    expect(l[24]).toBeCloseTo(3 / Math.sqrt(12), 6)
  })
  it('gradients w.r.t. θ = log η and the templates match float64 finite differences, finite on silent frames', () => {
    const T = 3
    const x = chroma(T, 2)
    x.fill(0, 12, 24) // a silent frame
    const target = Array.from({ length: T * 24 }, (_, i) => Math.cos(i))
    const m = make({ init: 'random', seed: 4, etaInit: 0.8 })
    const params = [Math.log(0.8), ...m.templates()[0]!, ...m.templates()[12]!]
    const ref = (v: Float64Array) => {
      const eta = Math.exp(v[0]!)
      let s = 0
      for (let t = 0; t < T; t++) {
        const c = Array.from({ length: 12 }, (_, p) => Math.log1p(eta * x[t * 12 + p]!))
        const nrm = Math.hypot(...c)
        const nv = nrm > 1e-4 ? c.map((q) => q / nrm) : c.map(() => 1 / Math.sqrt(12))
        for (let r = 0; r < 24; r++) {
          const base = r < 12 ? 1 : 13
          let z = 0
          for (let p = 0; p < 12; p++) z += nv[p]! * v[base + ((p - (r % 12) + 12) % 12)]!
          s += z * target[t * 24 + r]!
        }
      }
      return s
    }
    const tgt = tf.tensor3d(target, [1, T, 24])
    const X = tf.tensor3d(x, [1, T, 12])
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(m.logits(X), tgt)) as tf.Scalar, m.variables)
    const names = m.variables.map((v) => v.name)
    const g = [...grads[names[0]!]!.dataSync(), ...grads[names[1]!]!.dataSync()]
    expect(g.every(Number.isFinite)).toBe(true)
    expect(worstRatio(g, finiteDiff(ref, params, 1e-6), 1e-3, 1e-4)).toBeLessThan(1)
    tf.dispose([tgt, X, ...Object.values(grads)])
  })
  it('the conv model with binary init starts close to the template model', () => {
    const T = 40
    const x = chroma(T, 5)
    const a = logitsOf(make(), x, T)
    const b = logitsOf(make({ kind: 'conv', seed: 2 }), x, T)
    let worst = 0
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!))
    expect(worst).toBeLessThan(0.2)
  })
  it('predictProbs in chunks equals one pass (conv context crosses chunk borders)', () => {
    const m = make({ kind: 'conv', init: 'random', seed: 9 })
    const T = 30
    const x = chroma(T, 6)
    const whole = predictProbs(m, x, T)
    const chunked = predictProbs(m, x, T, 7)
    expect(worstRatio(chunked, whole, 1e-5, 1e-7)).toBeLessThan(1)
    const cls = predictClasses(m, x, T)
    for (let t = 0; t < T; t++) {
      const row = Array.from(whole.subarray(t * 24, t * 24 + 24))
      expect(cls[t]).toBe(row.indexOf(Math.max(...row)))
    }
  })
})

describe('model files', () => {
  it('round-trip through JSON gives identical outputs', () => {
    for (const kind of ['dchord', 'dchord-unshared', 'conv'] as const) {
      const m = make({ kind, init: 'random', seed: 11, etaInit: 3 })
      const json = JSON.parse(JSON.stringify(modelToFile(m, { name: 'x', metrics: { f: 0.5 } })))
      const { model, file } = modelFromFile(json)
      models.push(model)
      expect(file.paramCount).toBe(m.paramCount())
      expect(file.eta).toBeCloseTo(3, 5)
      const x = chroma(12, 7)
      expect(Array.from(logitsOf(model, x, 12))).toEqual(Array.from(logitsOf(m, x, 12)))
    }
  })
  it('rejects files that are not model files or have wrong weights', () => {
    expect(() => modelFromFile({ format: 'x' })).toThrow(/not a ChordWarp model file/)
    const f = JSON.parse(JSON.stringify(modelToFile(make())))
    f.weights.templates.shape = [24, 12]
    expect(() => modelFromFile(f)).toThrow(/"templates" has shape \[24,12\], expected \[2,12\]/)
    f.version = 9
    expect(() => modelFromFile(f)).toThrow(/version 9/)
  })
})

describe('backend conformance (cpu vs wasm)', () => {
  it('logits and gradients agree for every kind', async () => {
    const T = 20
    const x = chroma(T, 8)
    const w = Array.from({ length: T * 24 }, (_, i) => Math.sin(i * 0.37))
    const run = () =>
      (['dchord', 'dchord-unshared', 'conv'] as const).map((kind) => {
        const m = createModel({ kind, init: 'random', seed: 5 })
        const X = tf.tensor3d(x, [1, T, 12])
        const W = tf.tensor3d(w, [1, T, 24])
        const { value, grads } = tf.variableGrads(
          () => tf.sum(tf.mul(tf.softmax(m.logits(X)), W)) as tf.Scalar,
          m.variables,
        )
        const out = [
          value.dataSync()[0]!,
          ...m.variables.flatMap((v) => Array.from(grads[v.name]!.dataSync())),
        ]
        tf.dispose([X, W, value, ...Object.values(grads)])
        m.dispose()
        return out
      })
    const cpu = run()
    await selectTfBackend('wasm')
    const wasm = run()
    await selectTfBackend('cpu')
    for (let k = 0; k < 3; k++) expect(worstRatio(wasm[k]!, cpu[k]!, 1e-4, 1e-5)).toBeLessThan(1)
  })
})
