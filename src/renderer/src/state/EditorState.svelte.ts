/**
 * EditorState: one recording's annotation being edited — segments, locked boundaries, the typed
 * sequence, selection, undo/redo, autosaved draft, and the actions (align, recognise, save,
 * export). Arrays are `$state.raw` and replaced whole by the pure edits of segments.ts.
 */
import {
  type AlignResult,
  type AlignWarning,
  ApiError,
  type ChordWarpApi,
  type ChromaDto,
  type ModelSummary,
  type PeaksDto,
  type RecordingSummary,
  type RevisionInfo,
  type SegmentDto,
} from '../../../core/api/client'
import { labToSequence, parseSequence } from '../../../core/chords'
import type { ChromaView } from '../editor/EditorCore.svelte'
import { chromaView } from './chroma'
import { downloadText } from './download'
import { History } from './history'
import type { JobClient } from './JobClient.svelte'
import { fallbackWaveform, type WaveformSource, waveformFromPeaks } from './peaks'
import {
  anchorsFromLocks,
  isLocked,
  liveLocks,
  mergeWithNext,
  moveBoundary,
  relabel,
  snapToLocks,
  splitAt,
  toggleLock,
} from './segments'

interface Snapshot {
  segments: SegmentDto[]
  locks: number[]
  warnings: AlignWarning[]
  source: EditorState['source']
}

export interface EditorStateOptions {
  /** Delay between the last edit and the draft autosave [ms] (Default value = 800). */
  draftDelayMs: number
}

export const defaultEditorStateOptions: EditorStateOptions = { draftDelayMs: 800 }

export class EditorState {
  readonly options: EditorStateOptions
  recording = $state.raw<RecordingSummary | null>(null)
  segments = $state.raw<SegmentDto[]>([])
  /** Locked boundary times [seconds]. */
  locks = $state.raw<number[]>([])
  warnings = $state.raw<AlignWarning[]>([])
  revisions = $state.raw<RevisionInfo[]>([])
  chroma = $state.raw<ChromaView | null>(null)
  /** Tuning the chroma compensated [cents], when known. */
  tuningCents = $state<number | null>(null)
  sequence = $state('')
  /** Index of the selected segment. */
  selected = $state<number | null>(null)
  /** Index of the focused boundary (between segment b and b+1). */
  focusedBoundary = $state<number | null>(null)
  /** Inline relabel in progress. */
  relabeling = $state<{ index: number; text: string } | null>(null)
  /** Revision the edits started from. */
  baseRevisionId = $state<string | null>(null)
  /** What produced the current segments. */
  source = $state<'typed' | 'aligned' | 'recognised' | 'edited'>('edited')
  reviewed = $state(false)
  dirty = $state(false)
  /** Draft write pending or in flight. */
  draftPending = $state(false)
  /** When a draft was restored on open (ISO time), for the banner. */
  draftRestoredAt = $state<string | null>(null)
  loading = $state(false)
  busy = $state<'align' | 'recognize' | 'save' | null>(null)
  /** What Align and Recognise score frames with: chroma templates or a trained chord model. */
  emission = $state<'templates' | 'model'>('templates')
  /** The model for `emission: 'model'` (null: the active one). */
  modelId = $state<string | null>(null)
  /** The library's models (for the emission choice). */
  models = $state.raw<ModelSummary[]>([])
  /** What produced the last alignment or recognition (`template emissions`, `model "…" emissions` …). */
  method = $state<string | null>(null)
  /** The chroma job of this recording is running. */
  chromaLoading = $state(false)
  /** What the waveform panel draws (null while the backend's peaks are being read). */
  waveform = $state.raw<WaveformSource | null>(null)
  /** Why the backend's peaks are not shown, when they are not. */
  waveformNote = $state<string | null>(null)
  error = $state<string | null>(null)
  undoCount = $state(0)
  redoCount = $state(0)

  /** The typed sequence parsed with the chord language (errors carry line:col). */
  parsed = $derived.by(() => parseSequence(this.sequence))

  #api: ChordWarpApi
  #jobs: JobClient
  #history = new History<Snapshot>()
  #draftTimer: ReturnType<typeof setTimeout> | null = null
  #draftWrite: Promise<void> = Promise.resolve()
  #openToken = 0
  /** Recording whose chroma is loaded or loading. */
  #chromaFor: string | null = null
  /** Recording whose waveform is loaded or loading. */
  #waveFor: string | null = null

  constructor(api: ChordWarpApi, jobs: JobClient, options: Partial<EditorStateOptions> = {}) {
    this.#api = api
    this.#jobs = jobs
    this.options = Object.assign({}, defaultEditorStateOptions, options)
  }

  get recordingId(): string | null {
    return this.recording?.id ?? null
  }

  // ---- opening ---------------------------------------------------------------------------

  async open(recordingId: string): Promise<void> {
    await this.flushDraft()
    const token = ++this.#openToken
    this.loading = true
    this.error = null
    try {
      const d = await this.#api.openRecording({ recordingId })
      if (token !== this.#openToken) return
      this.recording = d.recording
      this.#history.clear()
      this.#counts()
      this.selected = null
      this.focusedBoundary = null
      this.relabeling = null
      this.warnings = []
      this.chroma = null
      this.#chromaFor = null
      this.chromaLoading = false
      this.waveform = null
      this.waveformNote = null
      this.#waveFor = null
      this.tuningCents = null
      const cur = d.current
      this.baseRevisionId = cur?.revision.id ?? null
      this.reviewed = cur?.revision.reviewed ?? false
      const draftNewer = d.draft && (!cur || d.draft.savedAt > cur.revision.createdAt)
      if (d.draft && draftNewer) {
        this.segments = d.draft.segments
        this.locks = d.draft.locks
        this.sequence = d.draft.sequence
        this.source = 'edited'
        this.dirty = true
        this.draftRestoredAt = d.draft.savedAt
      } else {
        this.segments = cur?.segments ?? []
        this.locks = cur?.locks ?? []
        this.sequence = cur?.sequence ?? d.typedSequence ?? (cur ? labToSequence(cur.segments).join(' ') : '')
        this.source =
          cur?.revision.source === 'imported'
            ? 'edited'
            : ((cur?.revision.source as EditorState['source']) ?? 'edited')
        this.dirty = false
        this.draftRestoredAt = null
      }
      await this.refreshRevisions()
    } catch (e) {
      this.error = message(e)
    } finally {
      if (token === this.#openToken) this.loading = false
    }
  }

  /** Compute (or fetch the cached) chroma of the open recording for the chromagram. */
  async loadChroma(): Promise<void> {
    const id = this.recordingId
    if (!id || this.#chromaFor === id) return
    this.#chromaFor = id
    this.chromaLoading = true
    try {
      const dto = await this.#jobs.run<ChromaDto>('Computing chroma', () =>
        this.#api.getChroma({ recordingId: id }),
      )
      if (id !== this.recordingId) return
      this.chroma = chromaView(dto)
      this.tuningCents = dto.tuningCents
    } catch (e) {
      if (this.#chromaFor === id) this.#chromaFor = null
      if (!(e instanceof ApiError && e.code === 'cancelled')) this.error = `chromagram: ${message(e)}`
    } finally {
      if (id === this.recordingId) this.chromaLoading = false
    }
  }

  /**
   * The waveform of the open recording: the backend's peaks (cached there), or, when it cannot give
   * them, the page decodes a short recording itself and a long one plays without a waveform.
   * @param available the backend computes peaks (getInfo `features.peaks`)
   */
  async loadWaveform(available: boolean): Promise<void> {
    const rec = this.recording
    if (!rec || this.#waveFor === rec.id) return
    const id = rec.id
    this.#waveFor = id
    if (!available) {
      this.waveform = fallbackWaveform(rec.duration)
      return
    }
    try {
      const dto = await this.#jobs.run<PeaksDto>('Reading the waveform', () =>
        this.#api.getPeaks({ recordingId: id }),
      )
      if (id !== this.recordingId) return
      this.waveform = waveformFromPeaks(dto)
    } catch (e) {
      if (id !== this.recordingId) return
      this.waveformNote =
        e instanceof ApiError && e.code === 'cancelled' ? 'waveform cancelled' : `waveform: ${message(e)}`
      this.waveform = fallbackWaveform(rec.duration)
    }
  }

  async refreshRevisions(): Promise<void> {
    const id = this.recordingId
    if (!id) return
    this.revisions = await this.#api.listRevisions({ recordingId: id })
  }

  close(): Promise<void> {
    const done = this.flushDraft()
    this.recording = null
    this.segments = []
    this.chroma = null
    this.#chromaFor = null
    this.waveform = null
    this.#waveFor = null
    return done
  }

  // ---- edits (each one undoable) -----------------------------------------------------------

  #snapshot(): Snapshot {
    return { segments: this.segments, locks: this.locks, warnings: this.warnings, source: this.source }
  }

  #restore(s: Snapshot): void {
    this.segments = s.segments
    this.locks = s.locks
    this.warnings = s.warnings
    this.source = s.source
    if (this.selected !== null && this.selected >= s.segments.length)
      this.selected = s.segments.length ? s.segments.length - 1 : null
    if (this.focusedBoundary !== null && this.focusedBoundary >= s.segments.length - 1)
      this.focusedBoundary = null
  }

  #counts(): void {
    this.undoCount = this.#history.canUndo ? 1 : 0
    this.redoCount = this.#history.canRedo ? 1 : 0
  }

  /** Apply an edit as one undo step. */
  #edit(apply: () => void): void {
    const before = this.#snapshot()
    apply()
    if (before.segments === this.segments && before.locks === this.locks && before.warnings === this.warnings)
      return
    this.#history.push(before)
    this.#counts()
    this.#changed()
  }

  undo(): void {
    const s = this.#history.undo(this.#snapshot())
    if (!s) return
    this.#restore(s)
    this.#counts()
    this.#changed()
  }

  redo(): void {
    const s = this.#history.redo(this.#snapshot())
    if (!s) return
    this.#restore(s)
    this.#counts()
    this.#changed()
  }

  moveBoundary(b: number, t: number): void {
    if (isLocked(this.locks, this.segments[b]?.end ?? -1)) return
    this.#edit(() => {
      this.segments = moveBoundary(this.segments, b, t)
      this.source = 'edited'
    })
  }

  /** Split the selected segment at time t. */
  split(t: number): void {
    const i = this.selected
    if (i === null) return
    this.#edit(() => {
      const next = splitAt(this.segments, i, t)
      if (next.length !== this.segments.length) {
        this.segments = next
        this.source = 'edited'
      }
    })
  }

  /** Merge the selected segment with the next one. */
  mergeNext(): void {
    const i = this.selected
    if (i === null || i + 1 >= this.segments.length) return
    this.#edit(() => {
      this.segments = mergeWithNext(this.segments, i)
      this.locks = liveLocks(this.segments, this.locks)
      this.source = 'edited'
    })
  }

  relabel(i: number, label: string): void {
    this.#edit(() => {
      const next = relabel(this.segments, i, label)
      if (next[i]?.label !== this.segments[i]?.label) {
        this.segments = next
        this.source = 'edited'
      }
    })
  }

  /** Lock or unlock boundary b. */
  toggleLock(b: number): void {
    const t = this.segments[b]?.end
    if (t === undefined || b >= this.segments.length - 1) return
    this.#edit(() => {
      this.locks = toggleLock(this.locks, t)
    })
  }

  setSequence(text: string): void {
    if (text === this.sequence) return
    this.sequence = text
    this.#changed()
  }

  setReviewed(v: boolean): void {
    this.reviewed = v
    this.#changed()
  }

  // ---- jobs ------------------------------------------------------------------------------

  get canAlign(): boolean {
    return (
      !!this.recording &&
      this.parsed.errors.length === 0 &&
      this.parsed.chords.length > 0 &&
      this.busy !== 'align'
    )
  }

  /** Choose the emissions of the next Align / Recognise. */
  setEmission(emission: 'templates' | 'model', modelId: string | null = null): void {
    this.emission = emission
    this.modelId = emission === 'model' ? modelId : null
  }

  #emissionInput(): { emission: 'templates' | 'model'; modelId?: string } {
    return this.emission === 'model' && this.modelId
      ? { emission: 'model', modelId: this.modelId }
      : { emission: this.emission }
  }

  async align(): Promise<void> {
    const id = this.recordingId
    if (!id || !this.canAlign) return
    this.busy = 'align'
    this.error = null
    const locks = liveLocks(this.segments, this.locks)
    try {
      const n = this.parsed.chords.length
      const r = await this.#jobs.run<AlignResult>(`Aligning ${n} chord${n === 1 ? '' : 's'}`, () =>
        this.#api.align({
          recordingId: id,
          sequence: this.sequence,
          anchors: anchorsFromLocks(this.segments, locks),
          ...this.#emissionInput(),
        }),
      )
      if (id !== this.recordingId) return
      this.#edit(() => {
        this.segments = snapToLocks(r.segments, locks)
        this.locks = liveLocks(this.segments, locks)
        this.warnings = r.warnings
        this.source = 'aligned'
      })
      this.method = r.method
      this.selected = null
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'cancelled')) this.error = `align: ${message(e)}`
    } finally {
      this.busy = null
    }
  }

  async recognize(): Promise<void> {
    const id = this.recordingId
    if (!id) return
    this.busy = 'recognize'
    this.error = null
    try {
      const r = await this.#jobs.run<AlignResult>('Recognising chords', () =>
        this.#api.recognize({ recordingId: id, ...this.#emissionInput() }),
      )
      if (id !== this.recordingId) return
      this.#edit(() => {
        this.segments = r.segments
        this.locks = []
        this.warnings = r.warnings
        this.source = 'recognised'
      })
      this.method = r.method
      if (!this.sequence.trim()) this.sequence = labToSequence(r.segments).join(' ')
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'cancelled')) this.error = `recognise: ${message(e)}`
    } finally {
      this.busy = null
    }
  }

  /** Save a new revision; the draft is dropped by the backend. */
  async save(): Promise<RevisionInfo | null> {
    const rec = this.recording
    if (!rec || this.segments.length === 0) return null
    this.busy = 'save'
    this.error = null
    try {
      this.#cancelDraftTimer()
      await this.#draftWrite
      const rev = await this.#api.saveAnnotation({
        recordingId: rec.id,
        segments: this.segments,
        sequence: this.sequence.trim() ? this.sequence : null,
        locks: liveLocks(this.segments, this.locks),
        source: this.source,
        reviewed: this.reviewed,
        parentId: this.baseRevisionId,
      })
      this.baseRevisionId = rev.id
      this.dirty = false
      this.draftPending = false
      this.draftRestoredAt = null
      await this.refreshRevisions()
      return rev
    } catch (e) {
      this.error = `save: ${message(e)}`
      return null
    } finally {
      this.busy = null
    }
  }

  /** Download the lane as `.lab` or `.chords.txt`. */
  async exportFile(format: 'lab' | 'chords.txt'): Promise<void> {
    const rec = this.recording
    if (!rec) return
    try {
      const f = await this.#api.exportAnnotation({
        recordingId: rec.id,
        format,
        ...(this.segments.length ? { segments: this.segments } : {}),
      })
      downloadText(f.filename, f.content, f.mime)
    } catch (e) {
      this.error = `export: ${message(e)}`
    }
  }

  /** Load a saved revision into the editor (one undo step; saving makes it current again). */
  async loadRevision(revisionId: string): Promise<void> {
    const id = this.recordingId
    if (!id) return
    try {
      const a = await this.#api.getRevision({ recordingId: id, revisionId })
      this.#edit(() => {
        this.segments = a.segments
        this.locks = a.locks
        this.warnings = []
        this.source = 'edited'
      })
      if (a.sequence !== null) this.sequence = a.sequence
    } catch (e) {
      this.error = message(e)
    }
  }

  async discardDraft(): Promise<void> {
    const id = this.recordingId
    if (!id) return
    this.#cancelDraftTimer()
    await this.#draftWrite
    await this.#api.discardDraft({ recordingId: id })
    this.draftRestoredAt = null
    await this.open(id)
  }

  // ---- drafts ----------------------------------------------------------------------------

  #changed(): void {
    this.dirty = true
    this.draftPending = true
    this.#cancelDraftTimer()
    this.#draftTimer = setTimeout(() => void this.flushDraft(), this.options.draftDelayMs)
  }

  #cancelDraftTimer(): void {
    if (this.#draftTimer) clearTimeout(this.#draftTimer)
    this.#draftTimer = null
  }

  /** Write the pending draft now (before closing, switching recordings or saving). */
  flushDraft(): Promise<void> {
    if (!this.#draftTimer) return this.#draftWrite
    this.#cancelDraftTimer()
    const rec = this.recording
    if (!rec || !this.dirty) return this.#draftWrite
    const body = {
      recordingId: rec.id,
      baseRevisionId: this.baseRevisionId,
      segments: this.segments,
      sequence: this.sequence,
      locks: this.locks,
    }
    this.#draftWrite = this.#draftWrite
      .then(() => this.#api.saveDraft(body))
      .then(
        () => {
          if (!this.#draftTimer) this.draftPending = false
        },
        (e) => {
          this.error = `autosave failed (your edits are still here; press Ctrl+S to save): ${message(e)}`
        },
      )
    return this.#draftWrite
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}
