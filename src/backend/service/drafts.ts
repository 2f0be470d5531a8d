/**
 * Drafts: the editor's unsaved state (segments, typed sequence, locks), written by autosave so that
 * closing the window or a crash never loses work. One JSON file per recording, replaced atomically
 * (write to a temporary file, fsync, rename), removed when the user saves a revision or discards.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import { Draft } from '../../core/api'

export class DraftStore {
  readonly dir: string

  /** @param dir folder holding the drafts (created on first write) */
  constructor(dir: string) {
    this.dir = dir
  }

  #file(recordingId: string): string {
    // ids are validated by the API schema ([\w.:-]+); ':' is not portable in file names
    return join(this.dir, `${recordingId.replace(/:/g, '_')}.json`)
  }

  /** Write the draft atomically; returns it with its time stamp. */
  write(draft: Omit<Draft, 'savedAt'>, now = new Date()): Draft {
    const full: Draft = { ...draft, savedAt: now.toISOString() }
    mkdirSync(this.dir, { recursive: true })
    const file = this.#file(draft.recordingId)
    const tmp = `${file}.${process.pid}.tmp`
    const fd = openSync(tmp, 'w')
    try {
      writeSync(fd, JSON.stringify(full))
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, file)
    return full
  }

  /** The draft of a recording, or null (also null for an unreadable file, which is left in place). */
  read(recordingId: string): Draft | null {
    let text: string
    try {
      text = readFileSync(this.#file(recordingId), 'utf8')
    } catch {
      return null
    }
    try {
      const r = Draft.safeParse(JSON.parse(text))
      return r.success ? r.data : null
    } catch {
      return null
    }
  }

  has(recordingId: string): boolean {
    return this.read(recordingId) !== null
  }

  /** Remove the draft; false when there was none. */
  remove(recordingId: string): boolean {
    const file = this.#file(recordingId)
    const had = this.has(recordingId)
    rmSync(file, { force: true })
    return had
  }
}
