/**
 * An in-memory LibraryPort for transport tests (server, IPC adapters): it lets the HTTP layer be
 * tested without the SQLite store. The real store is wired in src/backend/service/wiring.ts.
 */
import { statSync } from 'node:fs'
import { basename, extname } from 'node:path'
import type {
  LibraryPort,
  NewRevision,
  StoredAnnotation,
  StoredRecording,
  StoredRevision,
} from '../../src/backend/service/ports'
import type { Chroma } from '../../src/core/features'

export class FakeLibrary implements LibraryPort {
  recordings = new Map<string, StoredRecording>()
  annotations = new Map<string, StoredAnnotation>()
  chroma = new Map<string, Chroma>()
  #next = 1

  list(query?: string): StoredRecording[] {
    const q = query?.toLowerCase()
    return [...this.recordings.values()].filter((r) => !q || r.title.toLowerCase().includes(q))
  }
  get(id: string) {
    return this.recordings.get(id) ?? null
  }
  async importPaths(paths: string[]) {
    const imported: StoredRecording[] = []
    const skipped: { path: string; reason: string }[] = []
    for (const p of paths) {
      try {
        statSync(p)
      } catch {
        skipped.push({ path: p, reason: 'does not exist' })
        continue
      }
      const id = String(this.#next++)
      const rec: StoredRecording = {
        id,
        title: basename(p, extname(p)),
        path: p,
        duration: 10,
        sampleRate: 22050,
        importedAt: new Date().toISOString(),
        contentHash: id,
        currentRevisionId: null,
        tags: [],
      }
      this.recordings.set(id, rec)
      imported.push(rec)
    }
    return { imported, skipped }
  }
  remove(id: string) {
    return this.recordings.delete(id)
  }
  setTags(id: string, tags: string[]) {
    const rec = this.recordings.get(id)
    if (!rec) return null
    rec.tags = [...new Set(tags.map((t) => t.trim()).filter(Boolean))].sort()
    return rec
  }
  revisions(recordingId: string): StoredRevision[] {
    return [...this.annotations.values()]
      .filter((a) => a.revision.recordingId === recordingId)
      .map((a) => a.revision)
      .reverse()
  }
  annotation(recordingId: string, revisionId: string) {
    const a = this.annotations.get(revisionId)
    return a && a.revision.recordingId === recordingId ? a : null
  }
  saveRevision(rev: NewRevision): StoredRevision {
    const id = String(this.#next++)
    const revision: StoredRevision = {
      id,
      recordingId: rev.recordingId,
      createdAt: new Date().toISOString(),
      source: rev.source,
      reviewed: rev.reviewed,
      parentId: rev.parentId,
      segmentCount: rev.segments.length,
    }
    this.annotations.set(id, { revision, segments: rev.segments, sequence: rev.sequence, locks: rev.locks })
    this.recordings.get(rev.recordingId)!.currentRevisionId = id
    return revision
  }
  cachedChroma(id: string) {
    return this.chroma.get(id) ?? null
  }
  cacheChroma(id: string, c: Chroma) {
    this.chroma.set(id, c)
  }
  typedSequence() {
    return null
  }
  close() {}
}
