/**
 * The training form as plain data and the small pure functions of the Training view (time per epoch,
 * ETA, the API configuration of a form), kept apart from the runes class so they are tested directly.
 */
import {
  DEFAULT_LEARNING_RATES,
  type EpochPoint,
  padOf,
  type TrainConfigInput,
  type TrainCorpus,
} from '../../../core/api/client'

/** The form's defaults (the API applies the same ones when a field is left out). */
export const defaultTrainForm = {
  corpusKind: 'library' as TrainCorpus['kind'],
  includeImported: false,
  tag: '',
  manifestPath: '',
  loss: 'sdtw' as 'bce' | 'sdtw' | 'sdtw-div' | 'ctc',
  targets: 'typed' as 'typed' | 'segments',
  /** Train on tuning-compensated chroma (the API's `features: 'tuned'`), else the seed's untuned chroma. */
  tunedFeatures: true,
  softLength: 16,
  /** `unfold` for the default typed targets (the API's default for them, `padOf`). */
  pad: 'unfold' as 'uniform' | 'last' | 'unfold' | 'none',
  gammaSchedule: true,
  diagonalPrior: true,
  normalize: 'n' as 'none' | 'n' | 'm' | 'n+m',
  gamma: 1,
  epochs: 30,
  batchSize: '5',
  /** Adam step size; null (the field left empty) = the model family's default, `DEFAULT_LEARNING_RATES`. */
  learningRate: DEFAULT_LEARNING_RATES.dchord as number | null,
  seed: 0,
  model: 'dchord' as 'dchord' | 'dchord-unshared' | 'conv',
  name: '',
}
export type TrainForm = typeof defaultTrainForm

/**
 * Choose the model family: the step size follows the family's default (`DEFAULT_LEARNING_RATES`: conv
 * needs 0.003, dChord 0.1) unless the user changed it from the previous family's default. An empty
 * field stays empty: the API then takes the new family's default.
 */
export function setModelKind(f: TrainForm, kind: TrainForm['model']): void {
  if (f.learningRate === DEFAULT_LEARNING_RATES[f.model]) f.learningRate = DEFAULT_LEARNING_RATES[kind]
  f.model = kind
}

/** Mean epoch time over the last `n` epochs [ms], null before the first. */
export function msPerEpoch(points: readonly EpochPoint[], n = 5): number | null {
  const ms = points
    .slice(-n)
    .map((p) => p.ms)
    .filter((x): x is number => x !== null)
  return ms.length ? ms.reduce((a, b) => a + b, 0) / ms.length : null
}

/** Time left [ms] at the current pace, null when unknown. */
export function etaMs(points: readonly EpochPoint[], epochs: number): number | null {
  const per = msPerEpoch(points)
  const done = points.at(-1)?.epoch ?? 0
  return per === null ? null : Math.max(0, epochs - done) * per
}

/** `1 min 05 s`, `12 s`, `340 ms`. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–'
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s} s`
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`
}

/** The corpus a form names. */
export function corpusOf(f: TrainForm): TrainCorpus {
  return f.corpusKind === 'manifest'
    ? { kind: 'manifest', path: f.manifestPath.trim() }
    : f.corpusKind === 'tag'
      ? { kind: 'tag', tag: f.tag.trim(), includeImported: f.includeImported }
      : { kind: 'library', includeImported: f.includeImported }
}

/** The API configuration of a form. */
export function configOf(f: TrainForm): TrainConfigInput {
  return {
    corpus: corpusOf(f),
    loss: f.loss,
    targets: f.targets,
    features: f.tunedFeatures ? 'tuned' : 'seed',
    softLength: f.softLength,
    // left to the API when it is its default for these targets (as the step size is)
    ...(f.pad !== padOf({ targets: f.targets }) ? { pad: f.pad } : {}),
    stabilisers: { gammaSchedule: f.gammaSchedule, diagonalPrior: f.diagonalPrior, normalize: f.normalize },
    gamma: f.gamma,
    epochs: f.epochs,
    batchSize: f.batchSize === 'all' ? 'all' : Number(f.batchSize),
    ...(f.learningRate !== null && Number.isFinite(f.learningRate) ? { learningRate: f.learningRate } : {}),
    seed: f.seed,
    model: f.model,
    ...(f.name.trim() ? { name: f.name.trim() } : {}),
  }
}
