/**
 * The service's LibraryPort over the SQLite store (src/backend/store): recordings, immutable
 * revisions with the typed sequence they were saved with, imports, and the chroma cache.
 */
import { userInfo } from 'node:os'
import type { SegmentDto } from '../../core/api'
import type { Chroma } from '../../core/features'
import { featureKey, importPath, type Recording, type Revision, type Store, StoreError } from '../store'
import type {
  ImportProgress,
  LibraryPort,
  NewRevision,
  StoredAnnotation,
  StoredRecording,
  StoredRevision,
} from './ports'

/** The OS user, recorded as the author of revisions saved in the app. */
function author(): string {
  try {
    return userInfo().username || 'app'
  } catch {
    return 'app'
  }
}

/** Numeric store id of an API id; null when it cannot be one (then nothing matches). */
function num(id: string): number | null {
  return /^\d{1,15}$/.test(id) ? Number(id) : null
}

/** A store recording as the service's port describes it. */
export function storedRecording(r: Recording): StoredRecording {
  return {
    id: String(r.id),
    title: r.name,
    path: r.path,
    duration: r.durationS,
    sampleRate: r.sampleRate,
    importedAt: r.addedAt,
    contentHash: r.hash,
    currentRevisionId: r.currentRevisionId === null ? null : String(r.currentRevisionId),
    tags: [...r.tags],
  }
}

export class StoreLibrary implements LibraryPort {
  readonly store: Store
  /** Parameters the chroma cache key is made of (pipeline + options + feature code version). */
  readonly chromaParams: Record<string, unknown>
  readonly #author = author()

  constructor(store: Store, chromaParams: Record<string, unknown>) {
    this.store = store
    this.chromaParams = chromaParams
  }

  #rev(r: Revision): StoredRevision {
    return {
      id: String(r.id),
      recordingId: String(r.recordingId),
      createdAt: r.createdAt,
      source: r.source,
      reviewed: r.status === 'reviewed',
      parentId: r.parentId === null ? null : String(r.parentId),
      segmentCount: r.segmentCount,
    }
  }

  list(query?: string): StoredRecording[] {
    const rows = query?.trim() ? this.store.recordings.search(query) : this.store.recordings.list()
    return rows.map((r) => storedRecording(r))
  }

  get(recordingId: string): StoredRecording | null {
    const id = num(recordingId)
    if (id === null) return null
    try {
      return storedRecording(this.store.recordings.get(id))
    } catch (e) {
      if (e instanceof StoreError && e.code === 'not-found') return null
      throw e
    }
  }

  async importPaths(paths: string[], ctx: ImportProgress) {
    const imported: StoredRecording[] = []
    const skipped: { path: string; reason: string }[] = []
    for (let i = 0; i < paths.length; i++) {
      if (ctx.signal.aborted) break
      ctx.progress(`importing ${paths[i]}`, i / paths.length)
      try {
        const report = await importPath(this.store, paths[i]!, { skipInvalid: true, author: this.#author })
        for (const item of report.items) {
          const r = this.get(String(item.id))
          if (r) imported.push(r)
        }
        skipped.push(...report.skipped)
      } catch (e) {
        if (!(e instanceof StoreError)) throw e
        skipped.push({ path: paths[i]!, reason: e.message })
      }
    }
    ctx.progress('imported', 1)
    return { imported, skipped }
  }

  remove(recordingId: string): boolean {
    const id = num(recordingId)
    if (id === null || !this.get(recordingId)) return false
    this.store.recordings.remove(id)
    return true
  }
  setTags(recordingId: string, tags: string[]): StoredRecording | null {
    const n = num(recordingId)
    if (n === null || !this.get(recordingId)) return null
    return storedRecording(this.store.recordings.update(n, { tags }))
  }

  revisions(recordingId: string): StoredRevision[] {
    const id = num(recordingId)
    return id === null ? [] : this.store.annotations.listRevisions(id).map((r) => this.#rev(r))
  }

  annotation(recordingId: string, revisionId: string): StoredAnnotation | null {
    const rid = num(revisionId)
    if (rid === null) return null
    let rev: ReturnType<Store['annotations']['getRevision']>
    try {
      rev = this.store.annotations.getRevision(rid)
    } catch (e) {
      if (e instanceof StoreError && e.code === 'not-found') return null
      throw e
    }
    if (String(rev.recordingId) !== recordingId) return null
    const segments: SegmentDto[] = rev.segments.map((s) => ({
      start: s.start,
      end: s.end,
      label: s.label,
      confidence: s.confidence ?? null,
      startConfidence: s.startConfidence ?? null,
    }))
    const sequence = rev.sequenceId === null ? null : this.store.sequences.get(rev.sequenceId).text
    return { revision: this.#rev(rev), segments, sequence, locks: rev.locks }
  }

  saveRevision(rev: NewRevision): StoredRevision {
    const recordingId = num(rev.recordingId)!
    return this.store.transaction(() => {
      const latest = this.store.sequences.latest(recordingId)
      const sequenceId =
        rev.sequence === null
          ? null
          : latest && latest.text === rev.sequence
            ? latest.id
            : this.store.sequences.save(recordingId, rev.sequence, { author: this.#author }).id
      const saved = this.store.annotations.saveRevision({
        recordingId,
        segments: rev.segments.map((s) => ({
          start: s.start,
          end: s.end,
          label: s.label,
          confidence: s.confidence ?? null,
          startConfidence: s.startConfidence ?? null,
        })),
        author: this.#author,
        source: rev.source,
        parentId: rev.parentId === null ? null : num(rev.parentId),
        status: rev.reviewed ? 'reviewed' : 'draft',
        sequenceId,
        locks: rev.locks,
      })
      return this.#rev(saved)
    })
  }

  typedSequence(recordingId: string): string | null {
    const id = num(recordingId)
    return id === null ? null : (this.store.sequences.latest(id)?.text ?? null)
  }

  #key(recordingId: string): string | null {
    const rec = this.get(recordingId)
    return rec ? featureKey(rec.contentHash, this.chromaParams) : null
  }

  cachedChroma(recordingId: string): Chroma | null {
    const key = this.#key(recordingId)
    return (key ? this.store.featureCache.get(key) : undefined) ?? null
  }

  cacheChroma(recordingId: string, c: Chroma): void {
    const key = this.#key(recordingId)
    if (key) this.store.featureCache.put(key, c)
  }

  close(): void {
    this.store.close()
  }
}
