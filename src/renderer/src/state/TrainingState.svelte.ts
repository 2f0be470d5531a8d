/**
 * TrainingState: the training form (corpus, loss, soft length, padding, stabilisers, epochs …), the
 * accelerators in use, the models of the library (activate / roll back), and the run in progress with
 * its loss curves, time per epoch and ETA, fed by the backend's `train-progress` events. Curves and
 * lists are `$state.raw`, replaced by new arrays.
 */
import {
  type Accelerators,
  ApiError,
  type ChordWarpApi,
  type EpochPoint,
  type ModelSummary,
  type RunSummary,
  type TrainProgress,
  type TrainResult,
} from '../../../core/api/client'
import type { JobClient } from './JobClient.svelte'
import { configOf, defaultTrainForm, etaMs, msPerEpoch, type TrainForm } from './training-form'

export { configOf, corpusOf, defaultTrainForm, etaMs, formatDuration, msPerEpoch } from './training-form'

export class TrainingState {
  form = $state<TrainForm>({ ...defaultTrainForm })
  accelerators = $state.raw<Accelerators | null>(null)
  acceleratorError = $state<string | null>(null)
  models = $state.raw<ModelSummary[]>([])
  /** Every training run in the library, newest first (with its curve). */
  runs = $state.raw<RunSummary[]>([])
  /** The run shown in the chart. */
  status = $state<'idle' | 'running' | 'done' | 'failed' | 'cancelled'>('idle')
  jobId = $state<string | null>(null)
  runId = $state<string | null>(null)
  /** Loss curve of the run, one point per finished epoch. */
  points = $state.raw<EpochPoint[]>([])
  /** Soft-DTW γ of each finished epoch (null for other losses). */
  gammas = $state.raw<(number | null)[]>([])
  epochs = $state(0)
  bestEpoch = $state<number | null>(null)
  accelerator = $state<string | null>(null)
  counts = $state.raw<{ train: number; val: number; heldOut: number } | null>(null)
  result = $state.raw<TrainResult | null>(null)
  error = $state<string | null>(null)
  /** One-line error of the last action on the model list (rename, delete, export, import). */
  modelError = $state<string | null>(null)

  perEpoch = $derived(msPerEpoch(this.points))
  eta = $derived(this.status === 'running' ? etaMs(this.points, this.epochs) : null)
  activeModel = $derived(this.models.find((m) => m.active) ?? null)

  #api: ChordWarpApi
  #jobs: JobClient
  /** Events that came before the job's id did (replayed once it is known). */
  #early: TrainProgress[] = []

  constructor(api: ChordWarpApi, jobs: JobClient) {
    this.#api = api
    this.#jobs = jobs
    api.on('train-progress', (p) => this.#onProgress(p))
    api.on('models-changed', () => void this.refreshModels())
  }

  #onProgress(p: TrainProgress): void {
    if (this.jobId === null && this.status === 'running') {
      this.#early.push(p)
      return
    }
    if (p.jobId !== this.jobId) return
    if (p.type === 'started') {
      this.runId = p.runId
      this.accelerator = p.accelerator
      this.epochs = p.epochs
      this.counts = p.counts
    } else {
      this.points = [...this.points, { epoch: p.epoch, trainLoss: p.trainLoss, valLoss: p.valLoss, ms: p.ms }]
      this.gammas = [...this.gammas, p.gamma]
      if (p.best) this.bestEpoch = p.epoch
    }
  }

  /** The models and the runs of the library (runs end with a model, so both change together). */
  async refreshModels(): Promise<void> {
    try {
      const [models, runs] = await Promise.all([this.#api.listModels({}), this.#api.listRuns({})])
      this.models = models
      this.runs = runs
    } catch (e) {
      this.error = message(e)
    }
  }

  async loadAccelerators(): Promise<void> {
    if (this.accelerators) return
    try {
      this.accelerators = await this.#api.getAccelerators({})
      this.acceleratorError = null
    } catch (e) {
      this.acceleratorError = message(e)
    }
  }

  /** Start training with the form's configuration; resolves when the run ends. */
  async start(): Promise<void> {
    if (this.status === 'running') return
    const cfg = configOf(this.form)
    this.status = 'running'
    this.points = []
    this.gammas = []
    this.bestEpoch = null
    this.result = null
    this.error = null
    this.accelerator = null
    this.counts = null
    this.epochs = this.form.epochs
    this.jobId = null
    this.#early = []
    try {
      this.result = await this.#jobs.run<TrainResult>(
        `Training ${this.form.model} (${this.form.loss})`,
        async () => {
          const ref = await this.#api.train(cfg)
          this.jobId = ref.jobId
          for (const p of this.#early.splice(0)) this.#onProgress(p)
          return ref
        },
      )
      this.bestEpoch = this.result.bestEpoch
      this.status = 'done'
    } catch (e) {
      if (e instanceof ApiError && e.code === 'cancelled') {
        this.status = 'cancelled'
        this.error = e.message === 'cancelled' ? 'cancelled' : e.message
      } else {
        this.status = 'failed'
        this.error = message(e)
      }
    } finally {
      void this.refreshModels()
    }
  }

  async cancel(): Promise<void> {
    if (this.jobId && this.status === 'running') await this.#jobs.cancel(this.jobId)
  }

  /** Give a model another name. */
  async rename(modelId: string, name: string): Promise<void> {
    await this.#modelAction(() => this.#api.renameModel({ modelId, name }))
  }

  /** Delete a model that is not active. */
  async remove(modelId: string): Promise<void> {
    await this.#modelAction(() => this.#api.removeModel({ modelId }))
  }

  /** A model as a file: the text and the name to save it under. */
  async exportFile(modelId: string): Promise<{ filename: string; content: string; mime: string } | null> {
    try {
      return await this.#api.exportModel({ modelId })
    } catch (e) {
      this.modelError = message(e)
      return null
    }
  }

  /** Add a model file to the library (not made active). */
  async importFile(filename: string, content: string): Promise<ModelSummary | null> {
    let added: ModelSummary | null = null
    await this.#modelAction(async () => {
      added = await this.#api.importModel({ filename, content })
    })
    return added
  }

  /** Run a model-list action; its one-line error goes to `modelError`; the list is refreshed either way. */
  async #modelAction(act: () => Promise<unknown>): Promise<void> {
    this.modelError = null
    try {
      await act()
    } catch (e) {
      this.modelError = message(e)
    } finally {
      await this.refreshModels()
    }
  }

  /** Make a model the active one (any earlier model: rollback). */
  async activate(modelId: string | null): Promise<void> {
    try {
      await this.#api.setActiveModel({ modelId })
      await this.refreshModels()
    } catch (e) {
      this.error = message(e)
    }
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}
