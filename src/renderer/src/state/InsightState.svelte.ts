/**
 * InsightState: what the insight views show — a model's templates (seed Fig. 4.3), the class
 * distributions of training targets (Tables 4.2 / 4.3), one recording's soft-DTW expected alignment E
 * with the hard path (Alg. 2), and the model's accuracy per recording and per chord. Each is fetched
 * on request (the heavy ones as jobs) and kept as `$state.raw`.
 */
import {
  type AccuracyDto,
  ApiError,
  type ChordWarpApi,
  type DistributionDto,
  decodeFloat32,
  type ExpectedAlignmentDto,
  type ModelDetail,
  type TrainCorpus,
} from '../../../core/api/client'
import type { JobClient } from './JobClient.svelte'

/** E decoded for drawing. */
export interface ExpectedAlignmentView extends Omit<ExpectedAlignmentDto, 'E'> {
  E: Float32Array
  recordingTitle: string
}

export class InsightState {
  /** The model shown (null: the active one). */
  modelId = $state<string | null>(null)
  detail = $state.raw<ModelDetail | null>(null)
  distribution = $state.raw<DistributionDto | null>(null)
  softLengths = $state('16, 75')
  alignment = $state.raw<ExpectedAlignmentView | null>(null)
  alignmentRecordingId = $state('')
  gamma = $state(1)
  accuracy = $state.raw<AccuracyDto | null>(null)
  busy = $state<'model' | 'distribution' | 'alignment' | 'accuracy' | null>(null)
  errors = $state<Record<string, string | null>>({})

  #api: ChordWarpApi
  #jobs: JobClient

  constructor(api: ChordWarpApi, jobs: JobClient) {
    this.#api = api
    this.#jobs = jobs
  }

  async #run<T>(
    what: 'model' | 'distribution' | 'alignment' | 'accuracy',
    fn: () => Promise<T>,
  ): Promise<T | null> {
    this.busy = what
    this.errors = { ...this.errors, [what]: null }
    try {
      return await fn()
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'cancelled'))
        this.errors = { ...this.errors, [what]: e instanceof Error ? e.message : String(e) }
      return null
    } finally {
      this.busy = null
    }
  }

  /** Load a model's templates and curve (the given one, else the chosen one, else the active one). */
  async loadModel(modelId: string | null, activeId: string | null): Promise<void> {
    const id = modelId ?? this.modelId ?? activeId
    if (!id) {
      this.detail = null
      return
    }
    this.modelId = id
    const d = await this.#run('model', () => this.#api.getModel({ modelId: id }))
    if (d) this.detail = d
  }

  async loadDistribution(corpus: TrainCorpus): Promise<void> {
    const softLengths = this.softLengths
      .split(/[,\s]+/)
      .map(Number)
      .filter((n) => Number.isInteger(n) && n >= 1 && n <= 1000)
      .slice(0, 8)
    const d = await this.#run('distribution', () =>
      this.#jobs.run<DistributionDto>('Class distribution of the targets', () =>
        this.#api.getTargetDistribution({ corpus, softLengths: softLengths.length ? softLengths : [16, 75] }),
      ),
    )
    if (d) this.distribution = d
  }

  async loadAlignment(recordingId: string, title: string): Promise<void> {
    if (!recordingId) return
    const modelId = this.modelId ?? undefined
    const d = await this.#run('alignment', () =>
      this.#jobs.run<ExpectedAlignmentDto>(`Expected alignment of ${title}`, () =>
        this.#api.getExpectedAlignment({ recordingId, gamma: this.gamma, ...(modelId ? { modelId } : {}) }),
      ),
    )
    if (d) this.alignment = { ...d, E: decodeFloat32(d.E), recordingTitle: title }
  }

  async loadAccuracy(corpus: TrainCorpus): Promise<void> {
    const modelId = this.modelId ?? undefined
    const d = await this.#run('accuracy', () =>
      this.#jobs.run<AccuracyDto>('Accuracy of the model', () =>
        this.#api.getModelAccuracy({ corpus, ...(modelId ? { modelId } : {}) }),
      ),
    )
    if (d) this.accuracy = d
  }
}
