/**
 * The one implementation of the ChordWarp API over the backend modules. Electron main and the HTTP
 * server are thin adapters over `ChordWarpService.invoke`, which validates every input against the
 * method table, so the three doors behave identically.
 */
import { createHash } from 'node:crypto'
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import {
  type AlignResult,
  type Annotation,
  ApiError,
  type ApiEvents,
  type ChromaDto,
  Emitter,
  type ExportedFile,
  encodeFloat32,
  type JobKind,
  type MethodName,
  type MethodOutput,
  type ParsedInput,
  type PeaksDto,
  parseInput,
  type RecordingDetail,
  type RecordingSummary,
  type RevisionInfo,
  type SegmentDto,
  type ServerInfo,
} from '../../core/api'
import {
  ChordSyntaxError,
  formatChordsTxt,
  formatLab,
  labToSequence,
  mergeRepeats,
  parseHarte,
  parseSequence,
} from '../../core/chords'
import { type Chroma, resolveChromaOptions } from '../../core/features'
import type { ModelFile } from '../../core/model'
import { modelChromaOptions } from '../inference/model-chroma'
import { DraftStore } from './drafts'
import { type JobContext, JobRunner, type JobRunnerOptions } from './jobs'
import { PeaksCache, peakBucketRate } from './peaks'
import type {
  AlignTaskInput,
  AlignTaskOutput,
  LibraryPort,
  StoredRecording,
  StoredRevision,
  TaskAvailability,
  TrainingPort,
} from './ports'
import { modelForEmission, type TrainerPort, trainingHandlers } from './training'

export const VERSION = '0.1.0'

/** Audio file extensions the app imports. */
export const AUDIO_EXTENSIONS = [
  '.wav',
  '.flac',
  '.mp3',
  '.ogg',
  '.oga',
  '.m4a',
  '.aac',
  '.opus',
  '.aif',
  '.aiff',
]

const MIME: Record<string, string> = {
  '.wav': 'audio/wav',
  '.flac': 'audio/flac',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.aif': 'audio/aiff',
  '.aiff': 'audio/aiff',
}

export interface ServiceOptions {
  /** The library database file [path]. */
  dbPath: string
  /** Folder for uploads and drafts [path] (Default value = `<dbPath>.files`). */
  dataDir?: string
  /** The library, or null when the store is not in this build (with `missing.store` saying why). */
  library: LibraryPort | null
  /** Which worker tasks exist. */
  tasks: TaskAvailability
  /** Why a capability is missing, one line each (shown by the UI). */
  missing?: Record<string, string>
  /** Options of the chroma the app computes and caches (the wiring passes the `align` pipeline). */
  chromaOptions?: Record<string, unknown>
  /** Options of the job runner (worker script etc.). */
  jobs?: Partial<JobRunnerOptions>
  /** The transport that serves this service (reported by getInfo). */
  transport: ServerInfo['transport']
  /**
   * Native dialogs (Electron main passes one): returns the chosen paths. Paths returned here are
   * the only ones `importFiles` accepts when `restrictImportsToDialogs` is set.
   */
  openDialog?: (mode: 'files' | 'folder') => Promise<string[]>
  /** Accept importFiles only for paths a dialog returned (Electron) [boolean] (Default value = false). */
  restrictImportsToDialogs?: boolean
  /** Models, training runs and the `fmp` feature cache; null: training is not in this build. */
  training?: TrainingPort | null
  /** Starts training jobs on a worker thread; null: training is not in this build. */
  trainer?: TrainerPort | null
}

/** The chroma the chord models read (the seed's `fmp` pipeline, raw), cached per recording. */
export const MODEL_CHROMA_OPTIONS = resolveChromaOptions({ pipeline: 'fmp' })

export type Handlers = { [K in MethodName]: (input: ParsedInput<K>) => Promise<MethodOutput<K>> }

export interface AudioSource {
  path: string
  mime: string
  /** [bytes] */
  size: number
}

export class ChordWarpService extends Emitter<ApiEvents> {
  readonly dbPath: string
  readonly dataDir: string
  readonly mediaDir: string
  readonly drafts: DraftStore
  /** Waveform peaks, one file per recording content (`<dataDir>/peaks/`). */
  readonly peaks: PeaksCache
  readonly jobs: JobRunner
  readonly #library: LibraryPort | null
  readonly #opts: ServiceOptions
  readonly #dialogPaths = new Set<string>()
  readonly #chromaInFlight = new Map<string, Promise<Chroma>>()
  readonly #peaksInFlight = new Map<string, Promise<PeaksDto>>()
  readonly #training: TrainingPort | null
  readonly handlers: Handlers

  constructor(opts: ServiceOptions) {
    super()
    this.#opts = opts
    this.dbPath = opts.dbPath
    this.dataDir = opts.dataDir ?? `${opts.dbPath}.files`
    this.mediaDir = join(this.dataDir, 'media')
    this.drafts = new DraftStore(join(this.dataDir, 'drafts'))
    this.peaks = new PeaksCache(join(this.dataDir, 'peaks'))
    this.#library = opts.library
    this.#training = opts.training ?? null
    this.jobs = new JobRunner(opts.jobs)
    this.jobs.on('job-progress', (p) => this.emit('job-progress', p))
    this.jobs.on('job-done', (p) => this.emit('job-done', p))
    this.jobs.on('job-failed', (p) => this.emit('job-failed', p))
    this.jobs.on('job-cancelled', (p) => this.emit('job-cancelled', p))
    this.handlers = this.#handlers()
  }

  /** Validate `input` against the method's schema and run it. Throws ApiError. */
  async invoke(method: string, input: unknown): Promise<unknown> {
    const parsed = parseInput(method, input) as never
    const handler = this.handlers[method as MethodName] as (i: never) => Promise<unknown>
    return handler(parsed)
  }

  /** The file behind a recording's audio, for streaming to a media element. */
  resolveAudio(recordingId: string): AudioSource {
    const rec = this.#recording(recordingId)
    let size: number
    try {
      size = statSync(rec.path).size
    } catch {
      throw new ApiError('not-found', `the audio of "${rec.title}" is missing at ${rec.path}: re-import it`)
    }
    return { path: rec.path, mime: MIME[extname(rec.path).toLowerCase()] ?? 'application/octet-stream', size }
  }

  /**
   * Store an uploaded file in the library's media folder and import it. `source` is the file's bytes
   * (IPC) or a stream (HTTP upload, so large files are never held in memory).
   */
  async acceptUpload(
    name: string,
    source: Uint8Array | AsyncIterable<Uint8Array>,
  ): Promise<RecordingSummary> {
    const lib = this.#lib()
    const base = safeFileName(name)
    if (!AUDIO_EXTENSIONS.includes(extname(base).toLowerCase()))
      throw new ApiError(
        'bad-request',
        `"${base}" is not an audio file ChordWarp reads (${AUDIO_EXTENSIONS.join(' ')})`,
      )
    mkdirSync(this.mediaDir, { recursive: true })
    const tmp = join(
      this.mediaDir,
      `.upload-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    )
    const hash = createHash('sha256')
    const hashing = async function* (src: Uint8Array | AsyncIterable<Uint8Array>) {
      if (src instanceof Uint8Array) {
        hash.update(src)
        yield src
        return
      }
      for await (const chunk of src) {
        hash.update(chunk)
        yield chunk
      }
    }
    try {
      await pipeline(hashing(source), createWriteStream(tmp, { flags: 'wx' }))
      if (statSync(tmp).size === 0) throw new ApiError('bad-request', `"${base}" is empty`)
      // Same name, other content: keep both (`name (2).mp3`); same content: reuse the file.
      const digest = hash.digest('hex').slice(0, 12)
      let target = join(this.mediaDir, base)
      for (let k = 2; existsSync(target); k++) {
        if (sameContent(target, digest)) break
        const stem = base.slice(0, base.length - extname(base).length)
        target = join(this.mediaDir, `${stem} (${k})${extname(base)}`)
      }
      if (existsSync(target)) await rm(tmp, { force: true })
      else await rename(tmp, target)
      const r = await lib.importPaths([target], { signal: new AbortController().signal, progress: () => {} })
      const rec = r.imported[0]
      if (!rec) throw new ApiError('bad-request', r.skipped[0]?.reason ?? `"${base}" could not be imported`)
      this.emit('library-changed', { recordingIds: [rec.id] })
      return this.#summary(rec)
    } finally {
      await rm(tmp, { force: true })
    }
  }

  async close(): Promise<void> {
    await this.jobs.close()
    this.#library?.close()
    this.unAll()
  }

  // -----------------------------------------------------------------------------------------

  #lib(): LibraryPort {
    if (!this.#library)
      throw new ApiError(
        'unavailable',
        this.#opts.missing?.store ?? 'the library store is not available in this build',
      )
    return this.#library
  }

  #recording(id: string): StoredRecording {
    const rec = this.#lib().get(id)
    if (!rec) throw new ApiError('not-found', `no recording "${id}" in the library`)
    return rec
  }

  #summary(rec: StoredRecording): RecordingSummary {
    const revs = rec.currentRevisionId ? this.#lib().revisions(rec.id) : []
    const cur = revs.find((r) => r.id === rec.currentRevisionId) ?? null
    return {
      id: rec.id,
      title: rec.title,
      path: rec.path,
      duration: rec.duration,
      sampleRate: rec.sampleRate,
      status: cur ? (cur.reviewed ? 'reviewed' : 'aligned') : 'none',
      segmentCount: cur?.segmentCount ?? 0,
      updatedAt: cur?.createdAt ?? null,
      importedAt: rec.importedAt,
      missing: !existsSync(rec.path),
      hasDraft: this.drafts.has(rec.id),
      tags: rec.tags,
    }
  }

  #revisionInfo(r: StoredRevision, currentId: string | null): RevisionInfo {
    return { ...r, current: r.id === currentId }
  }

  #annotation(rec: StoredRecording, revisionId: string): Annotation {
    const a = this.#lib().annotation(rec.id, revisionId)
    if (!a) throw new ApiError('not-found', `no revision "${revisionId}" of "${rec.title}"`)
    return {
      revision: this.#revisionInfo(a.revision, rec.currentRevisionId),
      segments: a.segments,
      sequence: a.sequence,
      locks: a.locks,
    }
  }

  #need(task: keyof TaskAvailability): void {
    if (!this.#opts.tasks[task])
      throw new ApiError(
        'unavailable',
        this.#opts.missing?.[task] ?? `${task} is not available in this build`,
      )
  }

  /**
   * Chroma of a recording from the cache, else computed in a worker and cached. A job that needs the
   * chroma while another job computes it waits for that one (no second decode); if the other job is
   * cancelled, this one computes it itself.
   */
  async #chroma(
    rec: StoredRecording,
    ctx: JobContext,
    pipeline: 'align' | 'fmp' = 'align',
    tuningCents?: number,
  ): Promise<Chroma> {
    const fmp = pipeline === 'fmp'
    const params = fmp
      ? tuningCents === undefined
        ? { ...MODEL_CHROMA_OPTIONS }
        : { ...resolveChromaOptions(modelChromaOptions(tuningCents)) }
      : null
    if (fmp && !this.#training) throw new ApiError('unavailable', this.#trainingMissing())
    const cached = fmp ? this.#training!.cachedFeatures(rec.id, params!) : this.#lib().cachedChroma(rec.id)
    if (cached) return cached
    this.#need('chroma')
    const key = `${pipeline}:${rec.id}${fmp && tuningCents !== undefined ? `:${tuningCents}` : ''}`
    const pending = this.#chromaInFlight.get(key)
    if (pending) {
      ctx.progress('waiting for the chroma', null)
      try {
        return await untilAborted(pending, ctx.signal)
      } catch (e) {
        ctx.throwIfCancelled()
        if (!(e instanceof ApiError && e.code === 'cancelled')) throw e
      }
    }
    ctx.progress(fmp ? 'decoding (model features)' : 'decoding', null)
    const p = ctx
      .inWorker<Chroma>('chroma', {
        path: rec.path,
        options: fmp ? params : (this.#opts.chromaOptions ?? {}),
      })
      .then((c) => {
        if (fmp) this.#training!.cacheFeatures(rec.id, params!, c)
        else this.#lib().cacheChroma(rec.id, c)
        return c
      })
    this.#chromaInFlight.set(key, p)
    try {
      return await p
    } finally {
      if (this.#chromaInFlight.get(key) === p) this.#chromaInFlight.delete(key)
    }
  }

  /**
   * Waveform peaks of a recording from the peaks cache, else decoded in a worker and cached. A second
   * request while one computes waits for it; if that one is cancelled, this one computes them itself.
   */
  async #peaks(rec: StoredRecording, ctx: JobContext): Promise<PeaksDto> {
    const rate = peakBucketRate(rec.duration)
    const cached = this.peaks.get(rec.contentHash, rate)
    if (cached) return cached
    this.#need('peaks')
    const key = `${rec.contentHash}:${rate}`
    const pending = this.#peaksInFlight.get(key)
    if (pending) {
      ctx.progress('waiting for the waveform', null)
      try {
        return await untilAborted(pending, ctx.signal)
      } catch (e) {
        ctx.throwIfCancelled()
        if (!(e instanceof ApiError && e.code === 'cancelled')) throw e
      }
    }
    ctx.progress('reading the waveform', null)
    const p = ctx.inWorker<PeaksDto>('peaks', { path: rec.path, bucketRate: rate }).then((dto) => {
      try {
        this.peaks.put(rec.contentHash, dto)
      } catch {
        // a read-only or full disk: the peaks are still answered, only not kept
      }
      return dto
    })
    this.#peaksInFlight.set(key, p)
    try {
      return await p
    } finally {
      if (this.#peaksInFlight.get(key) === p) this.#peaksInFlight.delete(key)
    }
  }

  #trainingMissing(): string {
    return this.#opts.missing?.training ?? 'training and chord models are not available in this build'
  }

  /**
   * The model input of an align / recognize task: the model file and the recording's fmp chroma, tuned
   * like its `align` chroma (`modelChromaOptions`), so the model and the templates hear the same pitches.
   */
  async #modelInput(
    rec: StoredRecording,
    ctx: JobContext,
    model: { id: string; file: ModelFile } | null,
    align: Chroma,
  ): Promise<AlignTaskInput['model']> {
    if (!model) return undefined
    const c = await this.#chroma(rec, ctx, 'fmp', align.tuningCents)
    return { file: model.file, fmp: { data: c.data, frames: c.frames, frameRate: c.frameRate } }
  }

  /** The model of `emission: 'model'` (checked before the job starts), or null for templates. */
  #emissionModel(emission: 'templates' | 'model', modelId: string | undefined) {
    if (emission === 'templates') return null
    if (!this.#opts.tasks.training) throw new ApiError('unavailable', this.#trainingMissing())
    return modelForEmission(this.#training, this.#trainingMissing(), modelId)
  }

  #start(kind: JobKind, fn: Parameters<JobRunner['start']>[1]) {
    return this.jobs.start(kind, fn)
  }

  #handlers(): Handlers {
    const training = trainingHandlers({
      port: this.#opts.tasks.training ? this.#training : null,
      missing: this.#trainingMissing(),
      trainer: this.#opts.trainer ?? null,
      start: (kind, fn) => this.#start(kind, fn),
      emit: (event, ...args) => this.emit(event, ...args),
      recording: (id) => this.#recording(id),
      chroma: (rec, ctx, pipeline, tuningCents) => this.#chroma(rec, ctx, pipeline, tuningCents),
      runTask: (task, input) => this.jobs.runTask(task, input),
    })
    return {
      ...training,
      getInfo: async () => ({
        version: VERSION,
        transport: this.#opts.transport,
        mediaDir: this.mediaDir,
        dbPath: this.dbPath,
        features: {
          store: this.#library !== null,
          chroma: this.#opts.tasks.chroma,
          peaks: !!this.#opts.tasks.peaks,
          align: this.#opts.tasks.align && this.#opts.tasks.chroma,
          recognize: this.#opts.tasks.recognize && this.#opts.tasks.chroma,
          training: !!this.#opts.tasks.training && this.#training !== null && this.#opts.tasks.chroma,
          nativeDialogs: !!this.#opts.openDialog,
        },
        missing: { ...this.#opts.missing },
      }),

      listRecordings: async ({ query }) =>
        this.#lib()
          .list(query)
          .map((r) => this.#summary(r)),

      importFiles: async ({ paths }) => {
        const lib = this.#lib()
        if (this.#opts.restrictImportsToDialogs) {
          const bad = paths.find((p) => ![...this.#dialogPaths].some((d) => p === d || p.startsWith(`${d}/`)))
          if (bad)
            throw new ApiError('bad-request', `"${bad}" was not chosen in an open dialog: use File › Open`)
        }
        return this.#start('import', async (ctx) => {
          const r = await lib.importPaths(paths, ctx)
          if (r.imported.length) this.emit('library-changed', { recordingIds: r.imported.map((x) => x.id) })
          return { imported: r.imported.map((x) => this.#summary(x)), skipped: r.skipped }
        })
      },

      importUpload: async ({ name, bytes }) => this.acceptUpload(name, bytes),

      removeRecording: async ({ recordingId }) => {
        const removed = this.#lib().remove(recordingId)
        if (removed) {
          this.drafts.remove(recordingId)
          this.emit('library-changed', { recordingIds: [recordingId] })
        }
        return { removed }
      },

      setTags: async ({ recordingId, tags }) => {
        const rec = this.#lib().setTags(this.#recording(recordingId).id, tags)
        if (!rec) throw new ApiError('not-found', `no recording "${recordingId}" in the library`)
        this.emit('library-changed', { recordingIds: [rec.id] })
        return this.#summary(rec)
      },

      openRecording: async ({ recordingId }): Promise<RecordingDetail> => {
        const rec = this.#recording(recordingId)
        return {
          recording: this.#summary(rec),
          current: rec.currentRevisionId ? this.#annotation(rec, rec.currentRevisionId) : null,
          draft: this.drafts.read(rec.id),
          typedSequence: this.#lib().typedSequence(rec.id),
        }
      },

      getChroma: async ({ recordingId }) => {
        const rec = this.#recording(recordingId)
        if (!this.#lib().cachedChroma(rec.id)) this.#need('chroma')
        return this.#start('chroma', async (ctx) => chromaDto(await this.#chroma(rec, ctx)))
      },

      getPeaks: async ({ recordingId }) => {
        const rec = this.#recording(recordingId)
        if (!this.peaks.get(rec.contentHash, peakBucketRate(rec.duration))) this.#need('peaks')
        return this.#start('peaks', async (ctx) => this.#peaks(rec, ctx))
      },

      parseSequence: async ({ text }) => {
        const r = parseSequence(text)
        return {
          labels: r.chords.map((c) => c.label),
          errors: r.errors.map((e) => ({
            message: e.message,
            token: e.token,
            line: e.line ?? 1,
            col: e.col ?? 1,
          })),
        }
      },

      align: async ({ recordingId, sequence, anchors, emission, modelId }) => {
        const rec = this.#recording(recordingId)
        this.#need('align')
        this.#need('chroma')
        const model = this.#emissionModel(emission, modelId)
        const parsed = parseSequence(sequence)
        if (parsed.errors.length > 0) throw new ApiError('bad-request', parsed.errors[0]!.message)
        const labels = parsed.chords.map((c) => c.label)
        if (labels.length === 0)
          throw new ApiError('bad-request', 'the chord sequence is empty: type the chords you hear')
        const tokens = mergeRepeats(parsed.chords).length
        const bad = anchors.find((a) => a.token > tokens)
        if (bad)
          throw new ApiError(
            'bad-request',
            `a locked boundary at ${bad.time.toFixed(2)} s starts chord ${bad.token + 1}, but only ${tokens} chords are typed: unlock it or fix the sequence`,
          )
        return this.#start('align', async (ctx): Promise<AlignResult> => {
          const chroma = await this.#chroma(rec, ctx)
          const m = await this.#modelInput(rec, ctx, model, chroma)
          ctx.progress('aligning', null)
          const t0 = performance.now()
          const input: AlignTaskInput = { chroma, labels, anchors, duration: rec.duration, model: m }
          const out = await ctx.inWorker<AlignTaskOutput>('align', input)
          return { ...out, ms: performance.now() - t0 }
        })
      },

      recognize: async ({ recordingId, emission, modelId }) => {
        const rec = this.#recording(recordingId)
        this.#need('recognize')
        this.#need('chroma')
        const model = this.#emissionModel(emission, modelId)
        return this.#start('recognize', async (ctx): Promise<AlignResult> => {
          const chroma = await this.#chroma(rec, ctx)
          const m = await this.#modelInput(rec, ctx, model, chroma)
          ctx.progress('recognising', null)
          const t0 = performance.now()
          const out = await ctx.inWorker<AlignTaskOutput>('recognize', {
            chroma,
            duration: rec.duration,
            model: m,
          })
          return { ...out, ms: performance.now() - t0 }
        })
      },

      saveAnnotation: async (input) => {
        const rec = this.#recording(input.recordingId)
        if (input.parentId !== rec.currentRevisionId)
          throw new ApiError(
            'conflict',
            `"${rec.title}" was saved elsewhere since you opened it (current revision ${rec.currentRevisionId ?? 'none'}): re-open it; your edits are kept as a draft`,
          )
        checkLabels(input.segments)
        const rev = this.#lib().saveRevision({
          recordingId: rec.id,
          segments: input.segments,
          sequence: input.sequence,
          locks: input.locks,
          source: input.source,
          reviewed: input.reviewed,
          parentId: input.parentId,
        })
        this.drafts.remove(rec.id)
        this.emit('library-changed', { recordingIds: [rec.id] })
        return this.#revisionInfo(rev, rev.id)
      },

      listRevisions: async ({ recordingId }) => {
        const rec = this.#recording(recordingId)
        return this.#lib()
          .revisions(rec.id)
          .map((r) => this.#revisionInfo(r, rec.currentRevisionId))
      },

      getRevision: async ({ recordingId, revisionId }) =>
        this.#annotation(this.#recording(recordingId), revisionId),

      saveDraft: async (input) => {
        const rec = this.#recording(input.recordingId)
        const draft = this.drafts.write({ ...input, recordingId: rec.id })
        return draft
      },

      discardDraft: async ({ recordingId }) => ({
        discarded: this.drafts.remove(this.#recording(recordingId).id),
      }),

      exportAnnotation: async ({ recordingId, format, segments, revisionId }): Promise<ExportedFile> => {
        const rec = this.#recording(recordingId)
        let segs: SegmentDto[]
        if (segments) segs = segments
        else {
          const id = revisionId ?? rec.currentRevisionId
          if (!id) throw new ApiError('not-found', `"${rec.title}" has no saved annotation to export yet`)
          segs = this.#annotation(rec, id).segments
        }
        checkLabels(segs)
        const plain = segs.map(({ start, end, label }) => ({ start, end, label }))
        if (format === 'lab')
          return { filename: `${rec.title}.lab`, mime: 'text/plain', content: formatLab(plain) }
        return {
          filename: `${rec.title}.chords.txt`,
          mime: 'text/plain',
          content: formatChordsTxt(labToSequence(plain)),
        }
      },

      getJob: async ({ jobId }) => this.jobs.status(jobId),

      cancelJob: async ({ jobId }) => ({ cancelled: this.jobs.cancel(jobId) }),

      openFilesDialog: async ({ mode }) => {
        if (!this.#opts.openDialog)
          throw new ApiError(
            'unavailable',
            'there is no native dialog in browser mode: upload the file or import it by path',
          )
        const paths = await this.#opts.openDialog(mode)
        for (const p of paths) this.#dialogPaths.add(p)
        return { paths }
      },
    }
  }
}

/** `p`, or a rejection with the cancellation error as soon as `signal` aborts. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new ApiError('cancelled', 'the job was cancelled'))
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ApiError('cancelled', 'the job was cancelled'))
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort)
        resolve(v)
      },
      (e) => {
        signal.removeEventListener('abort', onAbort)
        reject(e)
      },
    )
  })
}

/** Chroma on the wire: base64 float32 arrays with their rates. */
export function chromaDto(c: Chroma): ChromaDto {
  return {
    frames: c.frames,
    frameRate: c.frameRate,
    hopSize: c.hopSize,
    sampleRate: c.sampleRate,
    tuningCents: c.tuningCents,
    data: encodeFloat32(c.data),
    bass: c.bass ? encodeFloat32(c.bass) : null,
  }
}

/** Every label must be Harte (the editor canonicalises lead-sheet symbols before saving). */
function checkLabels(segments: readonly SegmentDto[]): void {
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!
    try {
      parseHarte(s.label)
    } catch (e) {
      if (!(e instanceof ChordSyntaxError)) throw e
      throw new ApiError(
        'bad-request',
        `segment ${i + 1} at ${s.start.toFixed(2)} s: "${s.label}" is not a Harte chord label (${e.message})`,
      )
    }
  }
}

/** The base name of an uploaded file, without path parts or control characters. */
export function safeFileName(name: string): string {
  const base = [...basename(name.replace(/\\/g, '/'))]
    .filter((ch) => ch.charCodeAt(0) >= 32 && ch.charCodeAt(0) !== 127)
    .join('')
    .replace(/^\.+/, '')
    .trim()
  if (!base) throw new ApiError('bad-request', `"${name}" is not a usable file name`)
  return base.slice(0, 200)
}

/** True when the file's sha256 starts with `digest` (12 hex digits). */
function sameContent(path: string, digest: string): boolean {
  try {
    const h = createHash('sha256')
    // media files are imported once each; reading them to compare is rare and bounded
    h.update(readFileSync(path))
    return h.digest('hex').slice(0, 12) === digest
  } catch {
    return false
  }
}
