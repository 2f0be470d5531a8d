/**
 * The service's TrainingPort over the SQLite store: models (the whole model file is kept as the
 * row's weights), training runs with their loss curves, training candidates (recordings with their
 * current annotation and typed sequence) and the feature cache for other pipelines (`fmp`).
 */
import type { SegmentDto } from '../../core/api'
import type { Chroma } from '../../core/features'
import type { ModelFile } from '../../core/model'
import { featureKey, type Model, type ModelInfo, type Store, StoreError } from '../store'
import type { StoredModel, StoredRun, TrainingCandidate, TrainingPort } from './ports'
import { storedRecording } from './store-library'

/** Numeric store id of an API id; null when it cannot be one. */
function num(id: string): number | null {
  return /^\d{1,15}$/.test(id) ? Number(id) : null
}

function orNull<T>(fn: () => T): T | null {
  try {
    return fn()
  } catch (e) {
    if (e instanceof StoreError && e.code === 'not-found') return null
    throw e
  }
}

export class StoreTraining implements TrainingPort {
  readonly store: Store

  constructor(store: Store) {
    this.store = store
  }

  #model(m: ModelInfo | Model): StoredModel {
    return {
      id: String(m.id),
      name: m.name,
      kind: m.kind,
      createdAt: m.createdAt,
      active: m.active,
      runId: m.runId === null ? null : String(m.runId),
      metrics: (m.metrics ?? {}) as Record<string, unknown>,
    }
  }

  listModels(): StoredModel[] {
    return this.store.models.list().map((m) => this.#model(m))
  }

  model(id: string): StoredModel | null {
    const n = num(id)
    return n === null ? null : orNull(() => this.#model(this.store.models.info(n)))
  }

  modelFile(id: string): ModelFile | null {
    const n = num(id)
    if (n === null) return null
    const m = orNull(() => this.store.models.get(n))
    return m ? (m.weights as ModelFile) : null
  }

  activeModelId(): string | null {
    const a = this.store.models.list().find((m) => m.active)
    return a ? String(a.id) : null
  }

  saveModel(
    file: ModelFile,
    o: { runId?: string | null; active?: boolean; metrics?: Record<string, unknown> },
  ): StoredModel {
    const runId = o.runId ? num(o.runId) : null
    const info = this.store.models.save({
      name: file.name ?? `${file.config.kind} ${file.createdAt}`,
      kind: file.config.kind,
      weights: file,
      config: { ...file.config },
      corpusFingerprint: file.corpus?.fingerprint ?? null,
      metrics: { ...(file.metrics ?? {}), ...(o.metrics ?? {}) },
      runId,
      active: o.active ?? false,
    })
    return this.#model(info)
  }

  setActiveModel(id: string | null): void {
    this.store.models.setActive(id === null ? null : (num(id) ?? -1))
  }

  renameModel(id: string, name: string): StoredModel | null {
    const n = num(id)
    if (n === null || !this.model(id)) return null
    return this.#model(this.store.models.rename(n, name))
  }

  removeModel(id: string): boolean {
    const n = num(id)
    return n === null ? false : this.store.models.remove(n)
  }

  createRun(config: Record<string, unknown>, fingerprint: string | null): string {
    return String(this.store.runs.create({ config, corpusFingerprint: fingerprint }).id)
  }

  appendLoss(
    runId: string,
    e: { epoch: number; trainLoss: number; valLoss: number | null; ms: number },
  ): void {
    this.store.runs.appendLoss(Number(runId), e)
  }

  finishRun(
    runId: string,
    status: 'done' | 'failed' | 'cancelled',
    o: { modelId?: string | null; error?: string | null; config?: Record<string, unknown> },
  ): void {
    const id = Number(runId)
    if (o.config) this.store.runs.update(id, { config: o.config })
    this.store.runs.finish(id, status, {
      ...(o.modelId ? { modelId: Number(o.modelId) } : {}),
      ...(o.error ? { error: o.error } : {}),
    })
  }

  listRuns(): StoredRun[] {
    return this.store.runs.list().map((r) => {
      const full = this.store.runs.get(r.id)
      return {
        id: String(r.id),
        status: r.status,
        createdAt: r.createdAt,
        finishedAt: r.finishedAt,
        modelId: r.modelId === null ? null : String(r.modelId),
        error: r.error,
        config: r.config as Record<string, unknown>,
        epochs: full.epochs.map((e) => ({
          epoch: e.epoch,
          trainLoss: e.trainLoss ?? null,
          valLoss: e.valLoss ?? null,
          ms: e.ms ?? null,
        })),
      }
    })
  }

  candidates(tag: string | null): TrainingCandidate[] {
    const rows = this.store.recordings.list(tag ? { tag } : {})
    return rows.map((r) => {
      const rec = storedRecording(r)
      let annotation: TrainingCandidate['annotation'] = null
      let sequence: string | null = this.store.sequences.latest(r.id)?.text ?? null
      if (r.currentRevisionId !== null) {
        const rev = this.store.annotations.getRevision(r.currentRevisionId)
        const segments: SegmentDto[] = rev.segments.map((s) => ({
          start: s.start,
          end: s.end,
          label: s.label,
        }))
        annotation = { segments, reviewed: rev.status === 'reviewed', imported: rev.source === 'imported' }
        if (rev.sequenceId !== null) sequence = this.store.sequences.get(rev.sequenceId).text
      }
      return { recording: rec, split: r.split, tags: r.tags, annotation, sequence }
    })
  }

  #key(recordingId: string, params: Record<string, unknown>): string | null {
    const n = num(recordingId)
    if (n === null) return null
    const r = orNull(() => this.store.recordings.get(n))
    return r ? featureKey(r.hash, params) : null
  }

  cachedFeatures(recordingId: string, params: Record<string, unknown>): Chroma | null {
    const key = this.#key(recordingId, params)
    return (key ? this.store.featureCache.get(key) : undefined) ?? null
  }

  cacheFeatures(recordingId: string, params: Record<string, unknown>, chroma: Chroma): void {
    const key = this.#key(recordingId, params)
    if (key) this.store.featureCache.put(key, chroma)
  }
}
