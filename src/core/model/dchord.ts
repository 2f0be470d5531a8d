/**
 * dChord (seed §3.2, Table 3.1) and its larger variants, behind one interface.
 *
 *   x (raw chroma, B×T×12) → log(1 + η·x), η = exp(θ) trainable → ℓ2 normalisation per frame (frames with
 *   norm < threshold become the unit vector 1/√12, libfmp) → templates 12→24 → logits B×T×24 → softmax.
 *
 * Kinds:
 * - `dchord`: one major and one minor 12-vector, rotated to the 12 roots (weight sharing across
 *   transpositions): 24 template weights + θ = 25 parameters (the seed's model).
 * - `dchord-unshared`: 24 independent templates, 288 weights + θ = 289 parameters.
 * - `conv`: after normalisation, a temporal convolution (kernel K frames, 12→H, ReLU) and a dense
 *   layer H→24 with biases: K·12·H + H + 24·H + 24 + 1 parameters (2 153 for K = 9, H = 16).
 *   With `init: 'binary'` it starts as the binary-template model (centre tap = identity on the first
 *   12 hidden units, dense = binary templates), other weights small and seeded.
 * With `blank: true` a 25th logit, one trainable scalar, is appended for CTC's blank (index 24 of the
 * output; it is never a chord prediction).
 *
 * Only ops with kernels on the cpu, wasm and webgl/node backends are used (the im2col convolution
 * avoids Conv2DBackpropFilter, which the wasm backend lacks).
 */
import * as tf from '@tensorflow/tfjs'
import { createRng } from './rng'
import { NUM_CHORDS } from './targets'

/** Which model. */
export type ModelKind = 'dchord' | 'dchord-unshared' | 'conv'

/** Model configuration (stored with the weights). */
export interface ModelConfig {
  /** Model family. Default `dchord`. */
  kind: ModelKind
  /** Template initialisation: binary triads as libfmp C5 (unit entries on root, third, fifth), or seeded uniform [0, 1). Default `binary`. */
  init: 'binary' | 'random'
  /** Initial η of log(1 + η·x) [1]. Default 1 (the author's code). */
  etaInit: number
  /** Whether η is trained. Default true. */
  trainEta: boolean
  /** ℓ2 norm below which a frame is replaced by 1/√12 [chroma units]. Default 1e-4 (libfmp). */
  normThreshold: number
  /** Append a learned blank logit (for CTC). Default false. */
  blank: boolean
  /** `conv` only: hidden channels H. Default 16. */
  convHidden: number
  /** `conv` only: temporal kernel K [frames], odd. Default 9. */
  convKernel: number
  /** Seed of the random initial values [integer]. Default 0. */
  seed: number
}

export const defaultModelConfig: ModelConfig = {
  kind: 'dchord',
  init: 'binary',
  etaInit: 1,
  trainEta: true,
  normThreshold: 1e-4,
  blank: false,
  convHidden: 16,
  convKernel: 9,
  seed: 0,
}

/** Weights as plain arrays (row-major), by name. */
export type Weights = Record<string, { shape: number[]; values: number[] }>

/** A chord model: per-frame scores over the 24 chords (+ blank). */
export interface ChordModel {
  readonly config: ModelConfig
  /** Trainable variables. */
  readonly variables: tf.Variable[]
  /** Number of output classes: 24, or 25 with a blank. */
  readonly outputs: number
  /** Logits B×T×outputs of raw chroma B×T×12. */
  logits(x: tf.Tensor3D): tf.Tensor3D
  /** Number of trainable scalars. */
  paramCount(): number
  /** Current η. */
  eta(): number
  /** The effective 24×12 templates (rows: C:maj … B:maj, C:min … B:min; columns: chroma C … B); `conv` gives its centre-tap composite. */
  templates(): number[][]
  getWeights(): Weights
  setWeights(w: Weights): void
  dispose(): void
}

const MAJOR = [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0]
const MINOR = [1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0]

/** Binary triad template of class r [0..23] at chroma p: libfmp `generate_chord_templates`. */
export function binaryTemplate(r: number, p: number): number {
  const base = r < 12 ? MAJOR : MINOR
  return base[(p - (r % 12) + 12) % 12]!
}

/**
 * Scores of a batch of raw chroma before the template layer: log-compression and ℓ2 normalisation.
 * @param x B×T×12 raw chroma
 * @param logEta scalar θ, η = exp(θ)
 * @param threshold ℓ2 threshold
 * @returns B×T×12
 */
export function compressNormalize(x: tf.Tensor3D, logEta: tf.Tensor, threshold: number): tf.Tensor3D {
  return tf.tidy(() => {
    const c = tf.log1p(tf.mul(x, tf.exp(logEta)))
    const sq = tf.sum(tf.square(c), -1, true)
    const t2 = threshold * threshold
    const norm = tf.sqrt(tf.maximum(sq, t2))
    const mask = tf.step(tf.sub(sq, t2)) // 1 where the norm exceeds the threshold; zero gradient
    const unit = 1 / Math.sqrt(12)
    return tf.add(tf.mul(tf.div(c, norm), mask), tf.mul(tf.sub(1, mask), unit)) as tf.Tensor3D
  })
}

abstract class BaseModel implements ChordModel {
  readonly config: ModelConfig
  readonly variables: tf.Variable[] = []
  readonly outputs: number
  protected readonly logEta: tf.Variable
  protected readonly blankLogit: tf.Variable | null
  protected readonly named: [string, tf.Variable][] = []

  constructor(config: ModelConfig) {
    this.config = config
    this.outputs = config.blank ? NUM_CHORDS + 1 : NUM_CHORDS
    this.logEta = tf.variable(tf.scalar(Math.log(config.etaInit)), config.trainEta, undefined, 'float32')
    this.add('logEta', this.logEta, config.trainEta)
    this.blankLogit = config.blank ? tf.variable(tf.scalar(0), true) : null
    if (this.blankLogit) this.add('blank', this.blankLogit, true)
  }

  protected add(name: string, v: tf.Variable, trainable = true): void {
    this.named.push([name, v])
    if (trainable) this.variables.push(v)
  }

  /** Chord logits B×T×24 from normalised chroma. */
  protected abstract chordLogits(n: tf.Tensor3D): tf.Tensor3D

  logits(x: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const n = compressNormalize(x, this.logEta, this.config.normThreshold)
      const s = this.chordLogits(n)
      if (!this.blankLogit) return s
      const [B, T] = s.shape
      const b = tf.mul(tf.ones([B, T, 1]), this.blankLogit)
      return tf.concat([s, b], 2) as tf.Tensor3D
    })
  }

  paramCount(): number {
    return this.variables.reduce((a, v) => a + v.size, 0)
  }

  eta(): number {
    return Math.exp(this.logEta.dataSync()[0]!)
  }

  abstract templates(): number[][]

  getWeights(): Weights {
    const w: Weights = {}
    for (const [name, v] of this.named) w[name] = { shape: v.shape.slice(), values: Array.from(v.dataSync()) }
    return w
  }

  setWeights(w: Weights): void {
    for (const [name, v] of this.named) {
      const e = w[name]
      if (!e) throw new Error(`model weights: "${name}" is missing`)
      if (e.shape.length !== v.shape.length || e.shape.some((d, i) => d !== v.shape[i]))
        throw new Error(`model weights: "${name}" has shape [${e.shape}], expected [${v.shape}]`)
      if (e.values.length !== v.size || e.values.some((x) => !Number.isFinite(x)))
        throw new Error(`model weights: "${name}" must hold ${v.size} finite numbers`)
      v.assign(tf.tensor(e.values, v.shape, 'float32'))
    }
  }

  dispose(): void {
    for (const [, v] of this.named) v.dispose()
  }
}

/** The seed's dChord: shared major/minor templates rotated over 12 roots. */
class DChordShared extends BaseModel {
  private readonly w: tf.Variable // 2×12: major, minor
  private readonly rotate: tf.Tensor2D // 288×24 constant: flat templates = rotate · flat(w)

  constructor(config: ModelConfig) {
    super(config)
    const rng = createRng(config.seed)
    const init = new Float32Array(24)
    for (let q = 0; q < 2; q++)
      for (let p = 0; p < 12; p++)
        init[q * 12 + p] = config.init === 'binary' ? binaryTemplate(q * 12, p) : rng.next()
    this.w = tf.variable(tf.tensor2d(init, [2, 12]), true)
    this.add('templates', this.w)
    const R = new Float32Array(288 * 24)
    for (let r = 0; r < 24; r++)
      for (let p = 0; p < 12; p++) {
        const q = r < 12 ? 0 : 1
        R[(r * 12 + p) * 24 + q * 12 + ((p - (r % 12) + 12) % 12)] = 1
      }
    this.rotate = tf.tensor2d(R, [288, 24])
  }

  private full(): tf.Tensor2D {
    return tf.reshape(tf.matMul(this.rotate, tf.reshape(this.w, [24, 1])), [24, 12])
  }

  protected chordLogits(n: tf.Tensor3D): tf.Tensor3D {
    const [B, T] = n.shape
    const s = tf.matMul(tf.reshape(n, [B * T, 12]), this.full(), false, true)
    return tf.reshape(s, [B, T, NUM_CHORDS])
  }

  templates(): number[][] {
    return tf.tidy(() => this.full().arraySync())
  }

  override dispose(): void {
    super.dispose()
    this.rotate.dispose()
  }
}

/** 24 independent templates. */
class DChordUnshared extends BaseModel {
  private readonly w: tf.Variable // 24×12

  constructor(config: ModelConfig) {
    super(config)
    const rng = createRng(config.seed)
    const init = new Float32Array(288)
    for (let r = 0; r < 24; r++)
      for (let p = 0; p < 12; p++)
        init[r * 12 + p] = config.init === 'binary' ? binaryTemplate(r, p) : rng.next()
    this.w = tf.variable(tf.tensor2d(init, [24, 12]), true)
    this.add('templates', this.w)
  }

  protected chordLogits(n: tf.Tensor3D): tf.Tensor3D {
    const [B, T] = n.shape
    return tf.reshape(tf.matMul(tf.reshape(n, [B * T, 12]), this.w, false, true), [B, T, NUM_CHORDS])
  }

  templates(): number[][] {
    return this.w.arraySync() as number[][]
  }
}

/** Temporal convolution (im2col) → ReLU → dense → 24 logits. */
class ConvModel extends BaseModel {
  private readonly w1: tf.Variable // (K·12)×H
  private readonly b1: tf.Variable // H
  private readonly w2: tf.Variable // H×24
  private readonly b2: tf.Variable // 24

  constructor(config: ModelConfig) {
    super(config)
    const K = config.convKernel
    const H = config.convHidden
    if (!(Number.isInteger(K) && K >= 1 && K % 2 === 1))
      throw new RangeError(`convKernel must be odd ≥ 1, got ${K}`)
    if (!(Number.isInteger(H) && H >= 1)) throw new RangeError(`convHidden must be ≥ 1, got ${H}`)
    const rng = createRng(config.seed)
    const binary = config.init === 'binary'
    const w1 = new Float32Array(K * 12 * H)
    const s1 = binary ? 0.01 : Math.sqrt(2 / (K * 12))
    for (let i = 0; i < w1.length; i++) w1[i] = s1 * rng.normal()
    const w2 = new Float32Array(H * 24)
    const s2 = binary ? 0.01 : Math.sqrt(2 / H)
    for (let i = 0; i < w2.length; i++) w2[i] = s2 * rng.normal()
    if (binary) {
      const centre = (K - 1) / 2
      for (let p = 0; p < Math.min(12, H); p++) w1[(centre * 12 + p) * H + p] = 1
      for (let p = 0; p < Math.min(12, H); p++)
        for (let r = 0; r < 24; r++) w2[p * 24 + r] = binaryTemplate(r, p)
    }
    this.w1 = tf.variable(tf.tensor2d(w1, [K * 12, H]), true)
    this.b1 = tf.variable(tf.zeros([H]), true)
    this.w2 = tf.variable(tf.tensor2d(w2, [H, 24]), true)
    this.b2 = tf.variable(tf.zeros([24]), true)
    this.add('convW', this.w1)
    this.add('convB', this.b1)
    this.add('denseW', this.w2)
    this.add('denseB', this.b2)
  }

  protected chordLogits(n: tf.Tensor3D): tf.Tensor3D {
    const [B, T] = n.shape
    const K = this.config.convKernel
    const h = (K - 1) / 2
    const padded = tf.pad(n, [
      [0, 0],
      [h, h],
      [0, 0],
    ])
    const taps: tf.Tensor[] = []
    for (let k = 0; k < K; k++) taps.push(tf.slice(padded, [0, k, 0], [B, T, 12]))
    const cols = tf.reshape(K === 1 ? taps[0]! : tf.concat(taps, 2), [B * T, K * 12])
    const hidden = tf.relu(tf.add(tf.matMul(cols, this.w1), this.b1))
    const out = tf.add(tf.matMul(hidden, this.w2), this.b2)
    return tf.reshape(out, [B, T, NUM_CHORDS])
  }

  templates(): number[][] {
    // composite centre-tap response of each chord to each chroma: Σ_h W1[centre, p, h] · W2[h, r]
    return tf.tidy(() => {
      const K = this.config.convKernel
      const H = this.config.convHidden
      const centre = tf.slice(this.w1, [((K - 1) / 2) * 12, 0], [12, H])
      return tf.transpose(tf.matMul(centre, this.w2)).arraySync() as number[][]
    })
  }
}

/**
 * Build a model; weights are initialised from `config` (seeded, backend-independent).
 * @example const m = createModel({ kind: 'dchord' }); m.paramCount() // 25
 */
export function createModel(config: Partial<ModelConfig> = {}): ChordModel {
  const c: ModelConfig = { ...defaultModelConfig, ...config }
  if (!(c.etaInit > 0)) throw new RangeError(`etaInit must be > 0, got ${c.etaInit}`)
  switch (c.kind) {
    case 'dchord':
      return new DChordShared(c)
    case 'dchord-unshared':
      return new DChordUnshared(c)
    case 'conv':
      return new ConvModel(c)
    default:
      throw new RangeError(
        `unknown model kind "${(c as { kind: string }).kind}" (dchord, dchord-unshared, conv)`,
      )
  }
}

/**
 * Chord probabilities of one recording: T×24 row-major (softmax over the 24 chords; a blank logit is
 * left out). Runs in chunks of `chunk` frames plus the model's temporal context.
 */
export function predictProbs(model: ChordModel, x: Float32Array, frames: number, chunk = 4096): Float32Array {
  const out = new Float32Array(frames * NUM_CHORDS)
  const ctx = model.config.kind === 'conv' ? (model.config.convKernel - 1) / 2 : 0
  for (let s = 0; s < frames; s += chunk) {
    const a = Math.max(0, s - ctx)
    const e = Math.min(frames, s + chunk)
    const b = Math.min(frames, e + ctx)
    const p = tf.tidy(() => {
      const logits = model.logits(tf.tensor3d(x.subarray(a * 12, b * 12), [1, b - a, 12]))
      const chords = tf.slice(logits, [0, s - a, 0], [1, e - s, NUM_CHORDS])
      return tf.softmax(chords)
    })
    out.set(p.dataSync() as Float32Array, s * NUM_CHORDS)
    p.dispose()
  }
  return out
}

/** Arg-max chord class [0..23] per frame. */
export function predictClasses(model: ChordModel, x: Float32Array, frames: number): Int8Array {
  const p = predictProbs(model, x, frames)
  const out = new Int8Array(frames)
  for (let t = 0; t < frames; t++) {
    let best = 0
    let bv = -1
    for (let k = 0; k < NUM_CHORDS; k++) {
      const v = p[t * NUM_CHORDS + k]!
      if (v > bv) {
        bv = v
        best = k
      }
    }
    out[t] = best
  }
  return out
}
