/** Training runs: config, status and the loss curve (one row per epoch). */
import type Database from 'better-sqlite3'
import { checkId, invalid, notFound, parseJson, type StoreContext } from './context'
import type { EpochReport, NewRun, Run, RunStatus, RunWithEpochs } from './types'

interface RunRow {
  id: number
  created_at: string
  updated_at: string
  finished_at: string | null
  status: RunStatus
  config: string
  corpus_fingerprint: string | null
  model_id: number | null
  error: string | null
  note: string | null
}

interface EpochRow {
  epoch: number
  train_loss: number | null
  val_loss: number | null
  ms: number | null
  extra: string | null
}

const FINAL: readonly RunStatus[] = ['done', 'failed', 'cancelled']

export class Runs {
  readonly #c: StoreContext
  readonly #st: {
    insert: Database.Statement
    byId: Database.Statement
    list: Database.Statement
    update: Database.Statement
    finish: Database.Statement
    epoch: Database.Statement
    epochs: Database.Statement
    model: Database.Statement
  }

  constructor(c: StoreContext) {
    this.#c = c
    const db = c.db
    this.#st = {
      insert: db.prepare(`INSERT INTO runs (created_at, updated_at, status, config, corpus_fingerprint, note)
        VALUES (@now, @now, 'running', @config, @corpus_fingerprint, @note)`),
      byId: db.prepare('SELECT * FROM runs WHERE id = ?'),
      list: db.prepare('SELECT * FROM runs ORDER BY id DESC'),
      update: db.prepare(
        'UPDATE runs SET config = @config, note = @note, model_id = @model_id, updated_at = @now WHERE id = @id',
      ),
      finish: db.prepare(`UPDATE runs SET status = @status, finished_at = @now, updated_at = @now,
        model_id = coalesce(@model_id, model_id), error = @error WHERE id = @id`),
      epoch: db.prepare(`INSERT INTO run_epochs (run_id, epoch, train_loss, val_loss, ms, extra)
        VALUES (@run_id, @epoch, @train_loss, @val_loss, @ms, @extra)`),
      epochs: db.prepare(
        'SELECT epoch, train_loss, val_loss, ms, extra FROM run_epochs WHERE run_id = ? ORDER BY epoch',
      ),
      model: db.prepare('SELECT 1 FROM models WHERE id = ?').pluck(),
    }
  }

  #run(r: RunRow): Run {
    return {
      id: r.id,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      finishedAt: r.finished_at,
      status: r.status,
      config: parseJson(r.config, this.#c.path, `run ${r.id} config`),
      corpusFingerprint: r.corpus_fingerprint,
      modelId: r.model_id,
      error: r.error,
      note: r.note,
    }
  }

  #row(id: number): RunRow {
    checkId(id, 'training run')
    const r = this.#c.guard('reading a training run', () => this.#st.byId.get(id) as RunRow | undefined)
    if (!r) throw notFound('training run', id)
    return r
  }

  #checkModel(id: number | null | undefined): void {
    if (id == null) return
    checkId(id, 'model')
    if (!this.#c.guard('reading a model', () => this.#st.model.get(id))) throw notFound('model', id)
  }

  /** Start a run (status `running`). */
  create(r: NewRun): RunWithEpochs {
    const id = this.#c.guard('creating the training run', () =>
      Number(
        this.#st.insert.run({
          now: this.#c.now().toISOString(),
          config: JSON.stringify(r.config ?? {}),
          corpus_fingerprint: r.corpusFingerprint ?? null,
          note: r.note ?? null,
        }).lastInsertRowid,
      ),
    )
    return this.get(id)
  }

  /** Change a run's config, note or model. */
  update(
    id: number,
    patch: { config?: Record<string, unknown>; note?: string | null; modelId?: number | null },
  ): RunWithEpochs {
    const cur = this.#run(this.#row(id))
    this.#checkModel(patch.modelId)
    this.#c.guard('updating the training run', () =>
      this.#st.update.run({
        id,
        config: JSON.stringify(patch.config ?? cur.config),
        note: patch.note === undefined ? cur.note : patch.note,
        model_id: patch.modelId === undefined ? cur.modelId : patch.modelId,
        now: this.#c.now().toISOString(),
      }),
    )
    return this.get(id)
  }

  /** Append one epoch to the loss curve. Epoch numbers are unique per run. */
  appendLoss(id: number, e: EpochReport): void {
    const r = this.#row(id)
    if (r.status !== 'running') throw invalid(`training run ${id} is ${r.status}: it takes no more epochs`)
    if (!Number.isInteger(e.epoch) || e.epoch < 0)
      throw invalid(`epoch must be a non-negative integer, got ${e.epoch}`)
    this.#c.guard('saving the loss curve', () => {
      try {
        this.#st.epoch.run({
          run_id: id,
          epoch: e.epoch,
          train_loss: e.trainLoss ?? null,
          val_loss: e.valLoss ?? null,
          ms: e.ms ?? null,
          extra: e.extra ? JSON.stringify(e.extra) : null,
        })
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
          throw invalid(`training run ${id} already has epoch ${e.epoch}`)
        throw err
      }
    })
  }

  /** End a run: `done`, `failed` (with an error text) or `cancelled`; optionally link its model. */
  finish(
    id: number,
    status: Exclude<RunStatus, 'running'>,
    o: { modelId?: number; error?: string } = {},
  ): RunWithEpochs {
    if (!FINAL.includes(status)) throw invalid(`a run finishes as done, failed or cancelled, not "${status}"`)
    const r = this.#row(id)
    if (r.status !== 'running') throw invalid(`training run ${id} is already ${r.status}`)
    this.#checkModel(o.modelId)
    this.#c.guard('finishing the training run', () =>
      this.#st.finish.run({
        id,
        status,
        now: this.#c.now().toISOString(),
        model_id: o.modelId ?? null,
        error: o.error ?? null,
      }),
    )
    return this.get(id)
  }

  /** A run with its loss curve; throws `not-found`. */
  get(id: number): RunWithEpochs {
    const run = this.#run(this.#row(id))
    const rows = this.#c.guard('reading the loss curve', () => this.#st.epochs.all(id) as EpochRow[])
    return {
      ...run,
      epochs: rows.map((e) => {
        const out: EpochReport = { epoch: e.epoch, trainLoss: e.train_loss, valLoss: e.val_loss, ms: e.ms }
        if (e.extra) out.extra = parseJson(e.extra, this.#c.path, `run ${id} epoch ${e.epoch}`)
        return out
      }),
    }
  }

  /** All runs, newest first, without loss curves. */
  list(): Run[] {
    return this.#c.guard('listing training runs', () =>
      (this.#st.list.all() as RunRow[]).map((r) => this.#run(r)),
    )
  }
}
