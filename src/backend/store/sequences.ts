/** Chord sequences as the user typed them (the text, unparsed), append-only per recording. */
import type Database from 'better-sqlite3'
import { checkId, invalid, notFound, type StoreContext } from './context'
import type { Sequence } from './types'

interface SequenceRow {
  id: number
  recording_id: number
  text: string
  author: string
  created_at: string
}

function toSequence(r: SequenceRow): Sequence {
  return { id: r.id, recordingId: r.recording_id, text: r.text, author: r.author, createdAt: r.created_at }
}

export class Sequences {
  readonly #c: StoreContext
  readonly #st: {
    recording: Database.Statement
    insert: Database.Statement
    latest: Database.Statement
    list: Database.Statement
    byId: Database.Statement
  }

  constructor(c: StoreContext) {
    this.#c = c
    const db = c.db
    this.#st = {
      recording: db.prepare('SELECT 1 FROM recordings WHERE id = ?').pluck(),
      insert: db.prepare(
        'INSERT INTO sequences (recording_id, text, author, created_at) VALUES (@recording_id, @text, @author, @created_at)',
      ),
      latest: db.prepare('SELECT * FROM sequences WHERE recording_id = ? ORDER BY id DESC LIMIT 1'),
      list: db.prepare('SELECT * FROM sequences WHERE recording_id = ? ORDER BY id DESC'),
      byId: db.prepare('SELECT * FROM sequences WHERE id = ?'),
    }
  }

  /** Save the text as typed (it is not parsed here: keep what the user wrote). */
  save(recordingId: number, text: string, o: { author: string }): Sequence {
    checkId(recordingId, 'recording')
    if (typeof text !== 'string' || !text.trim()) throw invalid('a chord sequence must not be empty')
    if (typeof o?.author !== 'string' || !o.author.trim()) throw invalid('a chord sequence needs an author')
    const id = this.#c.guard('saving the chord sequence', () => {
      const tx = this.#c.db.transaction(() => {
        if (!this.#st.recording.get(recordingId)) throw notFound('recording', recordingId)
        return Number(
          this.#st.insert.run({
            recording_id: recordingId,
            text,
            author: o.author,
            created_at: this.#c.now().toISOString(),
          }).lastInsertRowid,
        )
      })
      return tx.immediate()
    })
    return this.get(id)
  }

  get(id: number): Sequence {
    checkId(id, 'sequence')
    const r = this.#c.guard('reading a sequence', () => this.#st.byId.get(id) as SequenceRow | undefined)
    if (!r) throw notFound('sequence', id)
    return toSequence(r)
  }

  /** The most recent sequence of a recording, or undefined. */
  latest(recordingId: number): Sequence | undefined {
    const r = this.#c.guard(
      'reading a sequence',
      () => this.#st.latest.get(recordingId) as SequenceRow | undefined,
    )
    return r ? toSequence(r) : undefined
  }

  /** All sequences of a recording, newest first. */
  list(recordingId: number): Sequence[] {
    return this.#c.guard('reading sequences', () =>
      (this.#st.list.all(recordingId) as SequenceRow[]).map(toSequence),
    )
  }
}
