/**
 * Annotation revisions: every save is a new immutable row (+ its segments) in one `BEGIN IMMEDIATE`
 * transaction; the recording's `current_revision_id` points at the one in use. Only the review status
 * of a revision can change afterwards (SQL triggers refuse anything else).
 */
import type Database from 'better-sqlite3'
import { isHarte } from '../../core/chords'
import { checkId, invalid, notFound, type StoreContext } from './context'
import {
  type NewRevision,
  REVISION_SOURCES,
  type Revision,
  type RevisionSource,
  type RevisionStatus,
  type RevisionWithSegments,
  type StoredSegment,
} from './types'

interface RevisionRow {
  id: number
  recording_id: number
  parent_id: number | null
  author: string
  created_at: string
  source: RevisionSource
  status: RevisionStatus
  sequence_id: number | null
  model_id: number | null
  note: string | null
  segment_count: number
  locks: string
}

interface SegmentRow {
  start_s: number
  end_s: number
  label: string
  confidence: number | null
  start_confidence: number | null
}

function toRevision(r: RevisionRow): Revision {
  return {
    id: r.id,
    recordingId: r.recording_id,
    parentId: r.parent_id,
    author: r.author,
    createdAt: r.created_at,
    source: r.source,
    status: r.status,
    sequenceId: r.sequence_id,
    modelId: r.model_id,
    note: r.note,
    segmentCount: r.segment_count,
    locks: parseLocks(r.locks),
  }
}

function parseLocks(text: string): number[] {
  try {
    const v: unknown = JSON.parse(text)
    return Array.isArray(v) ? v.filter((t): t is number => typeof t === 'number' && Number.isFinite(t)) : []
  } catch {
    return []
  }
}

/** Most locks a revision keeps (a lock per boundary of a very long annotation). */
const MAX_LOCKS = 100_000

/**
 * Check locked boundary times before a save: an array of at most 100 000 finite times ≥ 0. Returns
 * them ascending without duplicates. Throws `invalid` naming the first bad one.
 */
export function normaliseLocks(locks: readonly number[] | undefined): number[] {
  if (locks === undefined) return []
  if (!Array.isArray(locks)) throw invalid('locks must be an array of boundary times in seconds')
  if (locks.length > MAX_LOCKS) throw invalid(`at most ${MAX_LOCKS} locked boundaries, got ${locks.length}`)
  locks.forEach((t, i) => {
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0)
      throw invalid(`lock ${i + 1}: ${t} is not a time ≥ 0 in seconds`)
  })
  return [...new Set(locks)].sort((a, b) => a - b)
}

/** Labels already known to be Harte (a corpus uses a few hundred distinct labels). */
const knownLabels = new Set<string>()

function isHarteLabel(label: string): boolean {
  if (knownLabels.has(label)) return true
  if (!isHarte(label)) return false
  if (knownLabels.size > 50_000) knownLabels.clear()
  knownLabels.add(label)
  return true
}

/**
 * Check segments before a save: finite times, 0 ≤ start ≤ end, starts in order, Harte labels.
 * Labels are kept exactly as written. Throws `invalid` naming the first bad segment.
 */
export function validateSegments(segments: readonly StoredSegment[]): void {
  if (!Array.isArray(segments)) throw invalid('segments must be an array of {start, end, label}')
  let prevStart = 0
  segments.forEach((s, i) => {
    const at = `segment ${i + 1}`
    if (!s || typeof s !== 'object') throw invalid(`${at} is not an object {start, end, label}`)
    if (!Number.isFinite(s.start) || !Number.isFinite(s.end))
      throw invalid(`${at}: start and end must be finite numbers of seconds, got ${s.start} and ${s.end}`)
    if (s.start < 0) throw invalid(`${at}: start ${s.start} s is negative`)
    if (s.end < s.start) throw invalid(`${at}: end ${s.end} s is before start ${s.start} s`)
    if (s.start < prevStart) throw invalid(`${at}: starts at ${s.start} s, before the previous segment`)
    prevStart = s.start
    if (typeof s.label !== 'string' || !isHarteLabel(s.label))
      throw invalid(`${at}: "${s.label}" is not a Harte chord label (e.g. C:maj, A:min7/b3, N)`)
    if (s.confidence != null && !(s.confidence >= 0 && s.confidence <= 1))
      throw invalid(`${at}: confidence ${s.confidence} is outside 0..1`)
    if (s.startConfidence != null && !(s.startConfidence >= 0 && s.startConfidence <= 1))
      throw invalid(`${at}: start confidence ${s.startConfidence} is outside 0..1`)
  })
}

export class Annotations {
  readonly #c: StoreContext
  readonly #st: {
    recording: Database.Statement
    insert: Database.Statement
    segment: Database.Statement
    setCurrent: Database.Statement
    byId: Database.Statement
    segments: Database.Statement
    list: Database.Statement
    setStatus: Database.Statement
  }
  readonly #save: Database.Transaction<(input: NewRevision, parentId: number | null | undefined) => number>

  constructor(c: StoreContext) {
    this.#c = c
    const db = c.db
    this.#st = {
      recording: db.prepare('SELECT id, current_revision_id FROM recordings WHERE id = ?'),
      insert: db.prepare(`INSERT INTO revisions
        (recording_id, parent_id, author, created_at, source, status, sequence_id, model_id, note, segment_count, locks)
        VALUES (@recording_id, @parent_id, @author, @created_at, @source, @status, @sequence_id, @model_id, @note, @segment_count, @locks)`),
      segment:
        db.prepare(`INSERT INTO segments (revision_id, idx, start_s, end_s, label, confidence, start_confidence)
        VALUES (@revision_id, @idx, @start_s, @end_s, @label, @confidence, @start_confidence)`),
      setCurrent: db.prepare('UPDATE recordings SET current_revision_id = @revision WHERE id = @id'),
      byId: db.prepare('SELECT * FROM revisions WHERE id = ?'),
      segments: db.prepare(
        'SELECT start_s, end_s, label, confidence, start_confidence FROM segments WHERE revision_id = ? ORDER BY idx',
      ),
      list: db.prepare('SELECT * FROM revisions WHERE recording_id = ? ORDER BY id DESC'),
      setStatus: db.prepare('UPDATE revisions SET status = @status WHERE id = @id'),
    }
    const st = this.#st
    this.#save = db.transaction((input: NewRevision, parentId: number | null | undefined): number => {
      const rec = st.recording.get(input.recordingId) as
        | { id: number; current_revision_id: number | null }
        | undefined
      if (!rec) throw notFound('recording', input.recordingId)
      const parent = parentId === undefined ? rec.current_revision_id : parentId
      if (parent !== null) {
        const p = st.byId.get(parent) as RevisionRow | undefined
        if (!p || p.recording_id !== input.recordingId)
          throw invalid(`parent revision ${parent} does not belong to recording ${input.recordingId}`)
      }
      const id = Number(
        st.insert.run({
          recording_id: input.recordingId,
          parent_id: parent,
          author: input.author,
          created_at: c.now().toISOString(),
          source: input.source,
          status: input.status ?? 'draft',
          sequence_id: input.sequenceId ?? null,
          model_id: input.modelId ?? null,
          note: input.note ?? null,
          segment_count: input.segments.length,
          locks: JSON.stringify(normaliseLocks(input.locks)),
        }).lastInsertRowid,
      )
      input.segments.forEach((s, idx) => {
        st.segment.run({
          revision_id: id,
          idx,
          start_s: s.start,
          end_s: s.end,
          label: s.label,
          confidence: s.confidence ?? null,
          start_confidence: s.startConfidence ?? null,
        })
      })
      if (input.makeCurrent !== false) st.setCurrent.run({ id: input.recordingId, revision: id })
      return id
    })
  }

  /**
   * Save a new revision (header + segments) in one immediate transaction; when it returns, the
   * revision is durable. The parent defaults to the recording's current revision.
   */
  saveRevision(input: NewRevision): Revision {
    checkId(input.recordingId, 'recording')
    if (typeof input.author !== 'string' || !input.author.trim()) throw invalid('a revision needs an author')
    if (!REVISION_SOURCES.includes(input.source))
      throw invalid(`source must be one of ${REVISION_SOURCES.join(' | ')}, got "${input.source}"`)
    if (input.status !== undefined && input.status !== 'draft' && input.status !== 'reviewed')
      throw invalid(`status must be draft or reviewed, got "${input.status}"`)
    validateSegments(input.segments)
    normaliseLocks(input.locks)
    const parent = input.parentId === undefined ? undefined : input.parentId
    const id = this.#c.guard('saving the revision', () => this.#save.immediate(input, parent))
    return this.getHeader(id)
  }

  /** A revision's header (no segments); throws `not-found`. */
  getHeader(id: number): Revision {
    checkId(id, 'revision')
    const r = this.#c.guard('reading a revision', () => this.#st.byId.get(id) as RevisionRow | undefined)
    if (!r) throw notFound('revision', id)
    return toRevision(r)
  }

  /** A revision with its segments; throws `not-found`. */
  getRevision(id: number): RevisionWithSegments {
    const head = this.getHeader(id)
    const rows = this.#c.guard('reading a revision', () => this.#st.segments.all(id) as SegmentRow[])
    return {
      ...head,
      segments: rows.map((s) => {
        const seg: StoredSegment = { start: s.start_s, end: s.end_s, label: s.label }
        if (s.confidence !== null) seg.confidence = s.confidence
        if (s.start_confidence !== null) seg.startConfidence = s.start_confidence
        return seg
      }),
    }
  }

  /** The recording's current revision with segments, or null when it has none. */
  getCurrent(recordingId: number): RevisionWithSegments | null {
    checkId(recordingId, 'recording')
    const rec = this.#c.guard(
      'reading a recording',
      () => this.#st.recording.get(recordingId) as { current_revision_id: number | null } | undefined,
    )
    if (!rec) throw notFound('recording', recordingId)
    return rec.current_revision_id === null ? null : this.getRevision(rec.current_revision_id)
  }

  /** Every revision of a recording, newest first (headers only). */
  listRevisions(recordingId: number): Revision[] {
    checkId(recordingId, 'recording')
    return this.#c.guard('listing revisions', () => {
      if (!this.#st.recording.get(recordingId)) throw notFound('recording', recordingId)
      return (this.#st.list.all(recordingId) as RevisionRow[]).map(toRevision)
    })
  }

  /** Mark a revision reviewed (or back to draft). The only change a saved revision accepts. */
  setReviewed(revisionId: number, reviewed = true): Revision {
    this.getHeader(revisionId)
    this.#c.guard('marking the revision reviewed', () =>
      this.#st.setStatus.run({ id: revisionId, status: reviewed ? 'reviewed' : 'draft' }),
    )
    return this.getHeader(revisionId)
  }

  /** Point the recording at an older (or other) revision of its own, e.g. to revert. */
  setCurrent(recordingId: number, revisionId: number): void {
    const rev = this.getHeader(revisionId)
    if (rev.recordingId !== recordingId)
      throw invalid(`revision ${revisionId} belongs to recording ${rev.recordingId}, not ${recordingId}`)
    this.#c.guard('changing the current revision', () =>
      this.#st.setCurrent.run({ id: recordingId, revision: revisionId }),
    )
  }
}
