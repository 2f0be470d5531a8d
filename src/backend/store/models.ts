/** Trained models: weights (JSON), config, training-corpus fingerprint, metrics; at most one active. */
import type Database from 'better-sqlite3'
import { checkId, invalid, notFound, parseJson, type StoreContext } from './context'
import type { Model, ModelInfo, NewModel } from './types'

interface ModelRow {
  id: number
  name: string
  kind: string
  created_at: string
  weights?: string
  config: string
  corpus_fingerprint: string | null
  metrics: string
  run_id: number | null
  active: number
}

const INFO_COLUMNS = 'id, name, kind, created_at, config, corpus_fingerprint, metrics, run_id, active'

export class Models {
  readonly #c: StoreContext
  readonly #st: {
    insert: Database.Statement
    byId: Database.Statement
    infoById: Database.Statement
    list: Database.Statement
    clearActive: Database.Statement
    setActive: Database.Statement
    active: Database.Statement
    rename: Database.Statement
    remove: Database.Statement
  }

  constructor(c: StoreContext) {
    this.#c = c
    const db = c.db
    this.#st = {
      insert:
        db.prepare(`INSERT INTO models (name, kind, created_at, weights, config, corpus_fingerprint, metrics, run_id, active)
        VALUES (@name, @kind, @created_at, @weights, @config, @corpus_fingerprint, @metrics, @run_id, 0)`),
      byId: db.prepare('SELECT * FROM models WHERE id = ?'),
      infoById: db.prepare(`SELECT ${INFO_COLUMNS} FROM models WHERE id = ?`),
      list: db.prepare(`SELECT ${INFO_COLUMNS} FROM models ORDER BY id DESC`),
      clearActive: db.prepare('UPDATE models SET active = 0 WHERE active = 1'),
      setActive: db.prepare('UPDATE models SET active = 1 WHERE id = ?'),
      active: db.prepare('SELECT * FROM models WHERE active = 1'),
      rename: db.prepare('UPDATE models SET name = ? WHERE id = ?'),
      remove: db.prepare('DELETE FROM models WHERE id = ?'),
    }
  }

  #info(r: ModelRow): ModelInfo {
    const p = this.#c.path
    return {
      id: r.id,
      name: r.name,
      kind: r.kind,
      createdAt: r.created_at,
      config: parseJson(r.config, p, `model ${r.id} config`),
      corpusFingerprint: r.corpus_fingerprint,
      metrics: parseJson(r.metrics, p, `model ${r.id} metrics`),
      runId: r.run_id,
      active: r.active === 1,
    }
  }

  #model(r: ModelRow): Model {
    return { ...this.#info(r), weights: parseJson(r.weights ?? null, this.#c.path, `model ${r.id} weights`) }
  }

  /** Save a model version (a new row every time). */
  save(m: NewModel): ModelInfo {
    if (typeof m.name !== 'string' || !m.name.trim()) throw invalid('a model needs a name')
    if (typeof m.kind !== 'string' || !m.kind.trim()) throw invalid('a model needs a kind (e.g. "dchord")')
    let weights: string
    try {
      weights = JSON.stringify(m.weights)
    } catch (e) {
      throw invalid(`model weights must be JSON-serialisable: ${(e as Error).message}`)
    }
    if (weights === undefined) throw invalid('a model needs weights')
    const id = this.#c.guard('saving the model', () => {
      const tx = this.#c.db.transaction(() => {
        const id = Number(
          this.#st.insert.run({
            name: m.name,
            kind: m.kind,
            created_at: this.#c.now().toISOString(),
            weights,
            config: JSON.stringify(m.config ?? {}),
            corpus_fingerprint: m.corpusFingerprint ?? null,
            metrics: JSON.stringify(m.metrics ?? {}),
            run_id: m.runId ?? null,
          }).lastInsertRowid,
        )
        if (m.active) {
          this.#st.clearActive.run()
          this.#st.setActive.run(id)
        }
        return id
      })
      return tx.immediate()
    })
    return this.info(id)
  }

  /** Header of a model (no weights); throws `not-found`. */
  info(id: number): ModelInfo {
    checkId(id, 'model')
    const r = this.#c.guard('reading a model', () => this.#st.infoById.get(id) as ModelRow | undefined)
    if (!r) throw notFound('model', id)
    return this.#info(r)
  }

  /** A model with its weights; throws `not-found`. */
  get(id: number): Model {
    checkId(id, 'model')
    const r = this.#c.guard('reading a model', () => this.#st.byId.get(id) as ModelRow | undefined)
    if (!r) throw notFound('model', id)
    return this.#model(r)
  }

  /** All models, newest first, without weights. */
  list(): ModelInfo[] {
    return this.#c.guard('listing models', () =>
      (this.#st.list.all() as ModelRow[]).map((r) => this.#info(r)),
    )
  }

  /** Make this model the active one (null: none active). */
  setActive(id: number | null): void {
    if (id !== null) this.info(id)
    this.#c.guard('activating the model', () => {
      const tx = this.#c.db.transaction(() => {
        this.#st.clearActive.run()
        if (id !== null) this.#st.setActive.run(id)
      })
      tx.immediate()
    })
  }

  /** Give a model another name; throws `not-found`, `invalid` for an empty name. */
  rename(id: number, name: string): ModelInfo {
    if (typeof name !== 'string' || !name.trim()) throw invalid('a model needs a name')
    this.info(id)
    this.#c.guard('renaming the model', () => this.#st.rename.run(name.trim(), id))
    return this.info(id)
  }

  /**
   * Delete a model version. Runs and revisions that name it keep their rows (their `model_id`
   * becomes NULL). Deleting the active one leaves no model active.
   * @returns false when there was no such model
   */
  remove(id: number): boolean {
    checkId(id, 'model')
    return this.#c.guard('removing the model', () => this.#st.remove.run(id).changes > 0)
  }

  /** The active model with weights, or null. */
  getActive(): Model | null {
    const r = this.#c.guard('reading the active model', () => this.#st.active.get() as ModelRow | undefined)
    return r ? this.#model(r) : null
  }
}
