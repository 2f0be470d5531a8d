/** Training flags shared by `train` (one schema: flag → TrainOptions field, with checks naming the flag). */
import type { Command } from 'commander'
import {
  type DiagonalPrior,
  defaultDiagonalPrior,
  defaultGammaSchedule,
  type GammaSchedule,
  type LengthNormalization,
  type LossName,
  type ModelKind,
  type PadMode,
  PRESETS,
  type PresetName,
  type TrainOptions,
} from '../core/model'
import { UserError } from './errors'

export interface TrainingFlags {
  preset?: string
  loss?: string
  softLength?: string
  pad?: string
  gamma?: string
  gammaSchedule?: string
  prior?: string
  normalize?: string
  ctcBlank?: boolean
  batch?: string
  epochs?: string
  lr?: string
  seed?: string
  model?: string
  init?: string
}

/** Add the training flags (no commander defaults: unset flags leave the preset's or the library's value). */
export function addTrainingFlags(cmd: Command): Command {
  return cmd
    .option(
      '--preset <name>',
      'paper (batch 5, γ 1) | author (one batch, γ 0.3) | stabilised; flags override it',
    )
    .option('--loss <name>', 'bce | cce | sdtw | sdtw-div (soft-DTW divergence) | ctc (default sdtw)')
    .option('--soft-length <n>', 'soft length L of uniform/last padding (default 16)')
    .option('--pad <mode>', 'uniform | last | unfold | none (default uniform; unfold with --targets chords)')
    .option('--gamma <γ>', 'soft-DTW γ > 0 (default 1)')
    .option('--gamma-schedule <spec>', 'start:holdEpochs:end:decayEpochs, or "default" (10:10:0.1:10)')
    .option('--prior <spec>', 'diagonal prior weight:fadeEpochs, or "default" (1:20)')
    .option('--normalize <mode>', 'soft-DTW length normalisation: none | n | m | n+m (default none)')
    .option('--no-ctc-blank', 'CTC without a blank class (stay/advance lattice)')
    .option('--batch <n>', 'items per batch, or "all" (default 5)')
    .option('--epochs <n>', 'epochs (default 200)')
    .option('--lr <α>', 'Adam step size (default by model: 0.1 dchord / dchord-unshared, 0.003 conv)')
    .option('--seed <n>', 'seed of initial weights and batch order (default 0)')
    .option('--model <kind>', 'dchord | dchord-unshared | conv (default dchord)')
    .option('--init <kind>', 'binary | random template initialisation (default binary)')
}

function num(flag: string, v: string, check: (x: number) => boolean, what: string): number {
  const x = Number(v)
  if (v.trim() === '' || !Number.isFinite(x) || !check(x))
    throw new UserError(`--${flag} must be ${what}, got "${v}"`)
  return x
}

function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v))
    throw new UserError(`--${flag} must be one of ${allowed.join(', ')}, got "${v}"`)
  return v as T
}

function parseSchedule(v: string): GammaSchedule {
  if (v === 'default') return { ...defaultGammaSchedule }
  const p = v.split(':')
  if (p.length !== 4)
    throw new UserError(`--gamma-schedule must be start:holdEpochs:end:decayEpochs or "default", got "${v}"`)
  const [start, hold, end, decay] = p.map((s, i) =>
    num(
      'gamma-schedule',
      s,
      (x) => (i % 2 === 0 ? x > 0 : x >= 0 && Number.isInteger(x)),
      i % 2 === 0 ? 'γ > 0' : 'an integer ≥ 0',
    ),
  ) as [number, number, number, number]
  return { start, holdEpochs: hold, end, decayEpochs: decay }
}

function parsePrior(v: string): DiagonalPrior {
  if (v === 'default') return { ...defaultDiagonalPrior }
  const p = v.split(':')
  if (p.length !== 2) throw new UserError(`--prior must be weight:fadeEpochs or "default", got "${v}"`)
  return {
    weight: num('prior', p[0]!, (x) => x >= 0, 'a weight ≥ 0'),
    fadeEpochs: num('prior', p[1]!, (x) => Number.isInteger(x) && x >= 0, 'an integer ≥ 0'),
  }
}

/** Build training options from flags: preset first, then each given flag. */
export function trainOptionsFromFlags(f: TrainingFlags): Partial<TrainOptions> {
  const o: Partial<TrainOptions> = f.preset
    ? JSON.parse(JSON.stringify(PRESETS[oneOf('preset', f.preset, Object.keys(PRESETS) as PresetName[])]))
    : {}
  if (f.loss !== undefined)
    o.loss = oneOf<LossName>('loss', f.loss, ['bce', 'cce', 'sdtw', 'sdtw-div', 'ctc'])
  if (f.softLength !== undefined)
    o.softLength = num('soft-length', f.softLength, (x) => Number.isInteger(x) && x >= 1, 'an integer ≥ 1')
  if (f.pad !== undefined) o.pad = oneOf<PadMode>('pad', f.pad, ['uniform', 'last', 'unfold', 'none'])
  if (f.gamma !== undefined) o.gamma = num('gamma', f.gamma, (x) => x > 0, 'a number > 0')
  if (f.gammaSchedule !== undefined) o.gammaSchedule = parseSchedule(f.gammaSchedule)
  if (f.prior !== undefined) o.diagonalPrior = parsePrior(f.prior)
  if (f.normalize !== undefined)
    o.normalize = oneOf<LengthNormalization>('normalize', f.normalize, ['none', 'n', 'm', 'n+m'])
  if (f.ctcBlank === false) o.ctcBlank = false
  if (f.batch !== undefined)
    o.batchSize =
      f.batch === 'all'
        ? 'all'
        : num('batch', f.batch, (x) => Number.isInteger(x) && x >= 1, 'an integer ≥ 1 or "all"')
  if (f.epochs !== undefined)
    o.epochs = num('epochs', f.epochs, (x) => Number.isInteger(x) && x >= 1, 'an integer ≥ 1')
  if (f.lr !== undefined) o.learningRate = num('lr', f.lr, (x) => x > 0, 'a number > 0')
  if (f.seed !== undefined) o.seed = num('seed', f.seed, Number.isInteger, 'an integer')
  const model: TrainOptions['model'] = { ...o.model }
  if (f.model !== undefined)
    model.kind = oneOf<ModelKind>('model', f.model, ['dchord', 'dchord-unshared', 'conv'])
  if (f.init !== undefined) model.init = oneOf('init', f.init, ['binary', 'random'] as const)
  o.model = model
  return o
}
