/** Recordings: audio files known by content hash, with their tags and current-revision pointer. */
import { basename, extname, resolve } from 'node:path'
import type Database from 'better-sqlite3'
import type { Annotations } from './annotations'
import { checkId, invalid, notFound, type StoreContext } from './context'
import { StoreError } from './errors'
import type { Sequences } from './sequences'
import type {
  ListOptions,
  LoadedRecording,
  NewRecording,
  Recording,
  RecordingPatch,
  RecordingSummary,
  RevisionSource,
  RevisionStatus,
} from './types'

interface RecordingRow {
  id: number
  name: string
  path: string
  hash: string
  size_bytes: number | null
  duration_s: number | null
  sample_rate: number | null
  format: string | null
  collection: string
  source: string
  license: string
  split: string | null
  added_at: string
  current_revision_id: number | null
  tags_joined: string | null
}

const TAG_SEP = '\x1f'
/** the recording columns of `list`, in the order its raw rows are read */
const LIST_COLUMNS =
  'r.id, r.name, r.path, r.hash, r.size_bytes, r.duration_s, r.sample_rate, r.format, r.collection, r.source, r.license, r.split, r.added_at, r.current_revision_id'
const SHA256 = /^[0-9a-f]{64}$/
// tags in one text; the (recording_id, tag) key is scanned in tag order, `splitTags` sorts anyway
const TAGS = `(SELECT group_concat(tag, char(31)) FROM recording_tags WHERE recording_id = r.id) AS tags_joined`
const FILTER_TAG = `(@tag IS NULL OR EXISTS (SELECT 1 FROM recording_tags t WHERE t.recording_id = r.id AND t.tag = @tag))`

function termClause(i: number): string {
  const p = `@t${i}`
  return `(r.name LIKE ${p} ESCAPE '\\' OR r.path LIKE ${p} ESCAPE '\\' OR r.source LIKE ${p} ESCAPE '\\'
    OR EXISTS (SELECT 1 FROM recording_tags t WHERE t.recording_id = r.id AND t.tag LIKE ${p} ESCAPE '\\'))`
}

function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

function splitTags(joined: string | null): string[] {
  if (!joined) return []
  const t = joined.split(TAG_SEP)
  return t.length > 1 ? t.sort() : t
}

export function toRecording(r: RecordingRow): Recording {
  return {
    id: r.id,
    name: r.name,
    path: r.path,
    hash: r.hash,
    sizeBytes: r.size_bytes,
    durationS: r.duration_s,
    sampleRate: r.sample_rate,
    format: r.format,
    collection: r.collection,
    source: r.source,
    license: r.license,
    split: r.split,
    tags: splitTags(r.tags_joined),
    addedAt: r.added_at,
    currentRevisionId: r.current_revision_id,
  }
}

function normaliseTags(tags: readonly string[] | undefined): string[] {
  const out = new Set<string>()
  for (const t of tags ?? []) {
    if (typeof t !== 'string') throw invalid(`tags must be strings, got ${JSON.stringify(t)}`)
    const s = t.trim()
    if (s) out.add(s)
  }
  return [...out].sort()
}

export class Recordings {
  readonly #c: StoreContext
  readonly #st: {
    insert: Database.Statement
    byId: Database.Statement
    byName: Database.Statement
    byHash: Database.Statement
    update: Database.Statement
    relocate: Database.Statement
    remove: Database.Statement
    delTags: Database.Statement
    addTag: Database.Statement
    evictFeatures: Database.Statement
    countRevisions: Database.Statement
    setCurrent: Database.Statement
  }
  /** list/count statements by number of search terms, prepared on first use of that count */
  readonly #lists = new Map<string, Database.Statement>()
  #annotations!: Annotations
  #sequences!: Sequences

  constructor(c: StoreContext) {
    this.#c = c
    const db = c.db
    this.#st = {
      insert: db.prepare(`INSERT INTO recordings
        (name, path, hash, size_bytes, duration_s, sample_rate, format, collection, source, license, split, added_at)
        VALUES (@name, @path, @hash, @size_bytes, @duration_s, @sample_rate, @format, @collection, @source, @license, @split, @added_at)`),
      byId: db.prepare(`SELECT r.*, ${TAGS} FROM recordings r WHERE r.id = ?`),
      byName: db.prepare(`SELECT r.*, ${TAGS} FROM recordings r WHERE r.name = ?`),
      byHash: db.prepare(`SELECT r.*, ${TAGS} FROM recordings r WHERE r.hash = ?`),
      update:
        db.prepare(`UPDATE recordings SET name = @name, duration_s = @duration_s, sample_rate = @sample_rate,
        format = @format, collection = @collection, source = @source, license = @license, split = @split WHERE id = @id`),
      relocate: db.prepare(
        'UPDATE recordings SET path = @path, size_bytes = coalesce(@size_bytes, size_bytes) WHERE id = @id',
      ),
      remove: db.prepare('DELETE FROM recordings WHERE id = ?'),
      delTags: db.prepare('DELETE FROM recording_tags WHERE recording_id = ?'),
      addTag: db.prepare('INSERT OR IGNORE INTO recording_tags (recording_id, tag) VALUES (?, ?)'),
      evictFeatures: db.prepare('DELETE FROM feature_cache WHERE content_hash = ?'),
      countRevisions: db.prepare('SELECT count(*) FROM revisions WHERE recording_id = ?').pluck(),
      setCurrent: db.prepare('UPDATE recordings SET current_revision_id = @revision WHERE id = @id'),
    }
  }

  /** @internal wiring for `load` */
  link(annotations: Annotations, sequences: Sequences): void {
    this.#annotations = annotations
    this.#sequences = sequences
  }

  /** Add a recording. Throws `exists` if its name or content hash is already in the library. */
  add(input: NewRecording): Recording {
    if (typeof input.path !== 'string' || input.path === '') throw invalid('a recording needs a file path')
    if (typeof input.hash !== 'string' || !SHA256.test(input.hash))
      throw invalid(
        `a recording's hash must be a SHA-256 in lowercase hex (64 characters), got "${input.hash}"`,
      )
    const path = resolve(input.path)
    const name = input.name ?? basename(path, extname(path))
    if (!name.trim()) throw invalid('a recording needs a non-empty name')
    const tags = normaliseTags(input.tags)
    return this.#c.guard('adding a recording', () => {
      const tx = this.#c.db.transaction(() => {
        const same = this.#st.byHash.get(input.hash) as RecordingRow | undefined
        if (same)
          throw new StoreError(
            'exists',
            `this audio is already in the library as "${same.name}" (id ${same.id}, ${same.path})`,
          )
        const taken = this.#st.byName.get(name) as RecordingRow | undefined
        if (taken)
          throw new StoreError(
            'exists',
            `a recording named "${name}" exists already (id ${taken.id}): choose another name`,
          )
        const id = Number(
          this.#st.insert.run({
            name,
            path,
            hash: input.hash,
            size_bytes: input.sizeBytes ?? null,
            duration_s: input.durationS ?? null,
            sample_rate: input.sampleRate ?? null,
            format: input.format ?? null,
            collection: input.collection ?? '',
            source: input.source ?? '',
            license: input.license ?? '',
            split: input.split ?? null,
            added_at: this.#c.now().toISOString(),
          }).lastInsertRowid,
        )
        for (const t of tags) this.#st.addTag.run(id, t)
        return id
      })
      return this.get(tx.immediate())
    })
  }

  /** The recording with this id; throws `not-found`. */
  get(id: number): Recording {
    checkId(id, 'recording')
    const r = this.#c.guard('reading a recording', () => this.#st.byId.get(id) as RecordingRow | undefined)
    if (!r) throw notFound('recording', id)
    return toRecording(r)
  }

  findByName(name: string): Recording | undefined {
    const r = this.#c.guard(
      'reading a recording',
      () => this.#st.byName.get(name) as RecordingRow | undefined,
    )
    return r ? toRecording(r) : undefined
  }

  /** The recording whose audio has this SHA-256, wherever the file now is. */
  findByHash(hash: string): Recording | undefined {
    const r = this.#c.guard(
      'reading a recording',
      () => this.#st.byHash.get(hash) as RecordingRow | undefined,
    )
    return r ? toRecording(r) : undefined
  }

  /** A recording by id (`12`), name (`synth03`) or full hash, as a user types it; throws `not-found`. */
  resolve(ref: string | number): Recording {
    if (typeof ref === 'number') return this.get(ref)
    const s = ref.trim()
    const byName = this.findByName(s)
    if (byName) return byName
    if (/^\d+$/.test(s)) return this.get(Number(s))
    if (SHA256.test(s)) {
      const byHash = this.findByHash(s)
      if (byHash) return byHash
    }
    throw notFound('recording', s)
  }

  #listStatement(kind: 'list' | 'count', terms: number): Database.Statement {
    const key = `${kind}:${terms}`
    let st = this.#lists.get(key)
    if (!st) {
      const where = [FILTER_TAG, ...Array.from({ length: terms }, (_, i) => termClause(i))].join(' AND ')
      st =
        kind === 'count'
          ? this.#c.db.prepare(`SELECT count(*) FROM recordings r WHERE ${where}`).pluck()
          : this.#c.db
              .prepare(`SELECT ${LIST_COLUMNS}, ${TAGS},
              v.id, v.status, v.source, v.author, v.created_at, v.segment_count
            FROM recordings r LEFT JOIN revisions v ON v.id = r.current_revision_id
            WHERE ${where}
            ORDER BY r.name COLLATE NOCASE, r.id LIMIT @limit OFFSET @offset`)
              .raw()
      this.#lists.set(key, st)
    }
    return st
  }

  #params(o: ListOptions): Record<string, unknown> {
    const terms = (o.search ?? '').split(/\s+/).filter(Boolean)
    const p: Record<string, unknown> = { tag: o.tag ?? null }
    terms.forEach((t, i) => {
      p[`t${i}`] = likePattern(t)
    })
    return p
  }

  /** Recordings with their current revision's header, by name. */
  list(o: ListOptions = {}): RecordingSummary[] {
    const p = this.#params(o)
    const terms = Object.keys(p).length - 1
    if (o.limit !== undefined && (!Number.isInteger(o.limit) || o.limit < 0))
      throw invalid(`limit must be a non-negative integer, got ${o.limit}`)
    p.limit = o.limit ?? -1
    p.offset = o.offset ?? 0
    const rows = this.#c.guard(
      'listing the library',
      () => this.#listStatement('list', terms).all(p) as unknown[][],
    )
    // raw rows: one object per row, no intermediate row objects (5,000 rows are listed often)
    const out = new Array<RecordingSummary>(rows.length)
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!
      out[i] = {
        id: r[0] as number,
        name: r[1] as string,
        path: r[2] as string,
        hash: r[3] as string,
        sizeBytes: r[4] as number | null,
        durationS: r[5] as number | null,
        sampleRate: r[6] as number | null,
        format: r[7] as string | null,
        collection: r[8] as string,
        source: r[9] as string,
        license: r[10] as string,
        split: r[11] as string | null,
        addedAt: r[12] as string,
        currentRevisionId: r[13] as number | null,
        tags: splitTags(r[14] as string | null),
        current:
          r[15] === null
            ? null
            : {
                id: r[15] as number,
                status: r[16] as RevisionStatus,
                source: r[17] as RevisionSource,
                author: r[18] as string,
                createdAt: r[19] as string,
                segmentCount: r[20] as number,
              },
      }
    }
    return out
  }

  /** `list` with a search text (all words must occur in name, path, source or a tag). */
  search(text: string, o: Omit<ListOptions, 'search'> = {}): RecordingSummary[] {
    return this.list({ ...o, search: text })
  }

  count(o: Omit<ListOptions, 'limit' | 'offset'> = {}): number {
    const p = this.#params(o)
    return this.#c.guard(
      'counting recordings',
      () => this.#listStatement('count', Object.keys(p).length - 1).get(p) as number,
    )
  }

  /** Change descriptive fields; `tags` replaces the whole tag set. */
  update(id: number, patch: RecordingPatch): Recording {
    const cur = this.get(id)
    const next = { ...cur, ...patch }
    if (!next.name?.trim()) throw invalid('a recording needs a non-empty name')
    const tags = patch.tags ? normaliseTags(patch.tags) : null
    return this.#c.guard('updating a recording', () => {
      const tx = this.#c.db.transaction(() => {
        if (next.name !== cur.name) {
          const taken = this.#st.byName.get(next.name) as RecordingRow | undefined
          if (taken)
            throw new StoreError('exists', `a recording named "${next.name}" exists already (id ${taken.id})`)
        }
        this.#st.update.run({
          id,
          name: next.name,
          duration_s: next.durationS,
          sample_rate: next.sampleRate,
          format: next.format,
          collection: next.collection,
          source: next.source,
          license: next.license,
          split: next.split,
        })
        if (tags) {
          this.#st.delTags.run(id)
          for (const t of tags) this.#st.addTag.run(id, t)
        }
      })
      tx.immediate()
      return this.get(id)
    })
  }

  /** The file moved: record its new path (the caller checked its hash). */
  relocate(id: number, newPath: string, sizeBytes?: number): Recording {
    this.get(id)
    this.#c.guard('relocating a recording', () =>
      this.#st.relocate.run({ id, path: resolve(newPath), size_bytes: sizeBytes ?? null }),
    )
    return this.get(id)
  }

  /**
   * Delete a recording with all its revisions, sequences, tags and cached features (the audio file
   * is not touched). Returns what was deleted.
   */
  remove(id: number): { recording: Recording; revisions: number } {
    const rec = this.get(id)
    return this.#c.guard('removing a recording', () => {
      const tx = this.#c.db.transaction(() => {
        const revisions = this.#st.countRevisions.get(id) as number
        // the pointer first, so the cascade does not have to update a row it is deleting
        this.#st.setCurrent.run({ id, revision: null })
        this.#st.remove.run(id)
        this.#st.evictFeatures.run(rec.hash)
        return revisions
      })
      return { recording: rec, revisions: tx.immediate() }
    })
  }

  /** One recording ready for the editor: the recording, its current annotation and latest typed sequence. */
  load(id: number): LoadedRecording {
    const tx = this.#c.db.transaction(() => {
      const recording = this.get(id)
      const annotation =
        recording.currentRevisionId === null
          ? null
          : this.#annotations.getRevision(recording.currentRevisionId)
      return { recording, annotation, sequence: this.#sequences.latest(id) ?? null }
    })
    // a read transaction: the three reads see one snapshot
    return this.#c.guard('loading a recording', () => tx.deferred())
  }
}
