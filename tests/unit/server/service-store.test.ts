/** The service over the real SQLite store and job worker: imports, revisions, chroma, alignment, recognition. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ChordWarpService } from '../../../src/backend/service'
import { createAppService } from '../../../src/backend/service'
import {
  type AlignResult,
  type ChromaDto,
  decodeFloat32,
  type ImportResult,
  type JobRef,
  type RecordingDetail,
  type RecordingSummary,
  type RevisionInfo,
} from '../../../src/core/api'
import { corpusPath, hasCorpus, REPO_ROOT } from '../../helpers/corpus'

/** The job worker the build writes (npm test builds first). */
const WORKER = join(REPO_ROOT, 'out/node/backend_service_tasks.worker.js')

let dir: string
let service: ChordWarpService

async function job<T>(ref: JobRef): Promise<T> {
  for (;;) {
    const s = (await service.invoke('getJob', { jobId: ref.jobId })) as {
      state: string
      result?: T
      error: unknown
    }
    if (s.state === 'done') return s.result as T
    if (s.state !== 'running') throw new Error(`job ${s.state}: ${JSON.stringify(s.error)}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cw-svc-'))
  service = await createAppService({
    dbPath: join(dir, 'lib.db'),
    transport: 'direct',
    workerUrl: existsSync(WORKER) ? pathToFileURL(WORKER) : null,
  })
})

afterEach(async () => {
  await service.close()
  rmSync(dir, { recursive: true, force: true })
})

describe.skipIf(!hasCorpus())('service over the store', () => {
  it('imports a recording with its .lab and .chords.txt, and opens it with both', async () => {
    const r = await job<ImportResult>(
      (await service.invoke('importFiles', { paths: [corpusPath('synth/synth06.wav')] })) as JobRef,
    )
    expect(r.skipped).toEqual([])
    expect(r.imported).toHaveLength(1)
    const rec = r.imported[0]!
    expect(rec).toMatchObject({ title: 'synth06', status: 'aligned', hasDraft: false, missing: false })
    expect(rec.duration).toBeCloseTo(25.790658, 3)
    const d = (await service.invoke('openRecording', { recordingId: rec.id })) as RecordingDetail
    expect(d.current?.revision.source).toBe('imported')
    expect(d.current?.segments.length).toBe(rec.segmentCount)
    expect(d.typedSequence).toMatch(/^[A-G]/)

    // tags: the whole set replaced, trimmed, once each, sorted; listed, searched, and kept in the store
    expect(rec.tags).toEqual([])
    const tagged = (await service.invoke('setTags', {
      recordingId: rec.id,
      tags: [' waltz ', 'demo', 'waltz', ''],
    })) as RecordingSummary
    expect(tagged).toMatchObject({ id: rec.id, tags: ['demo', 'waltz'] })
    const all = (await service.invoke('listRecordings', {})) as RecordingSummary[]
    expect(all.find((x) => x.id === rec.id)!.tags).toEqual(['demo', 'waltz'])
    const found = (await service.invoke('listRecordings', { query: 'walt' })) as RecordingSummary[]
    expect(found.map((x) => x.id)).toEqual([rec.id])
    await expect(service.invoke('setTags', { recordingId: '999', tags: ['x'] })).rejects.toThrow(
      /no recording/,
    )
    await expect(service.invoke('setTags', { recordingId: rec.id, tags: ['x'.repeat(65)] })).rejects.toThrow(
      /tags\.0/,
    )
    expect(
      ((await service.invoke('setTags', { recordingId: rec.id, tags: [] })) as RecordingSummary).tags,
    ).toEqual([])
  })

  it('saves revisions on top of each other, refuses a stale parent, marks reviewed, removes', async () => {
    const up = (await service.invoke('importUpload', {
      name: 'take 1.wav',
      bytes: new Uint8Array(readFileSync(corpusPath('synth/synth01.wav'))),
    })) as { id: string; status: string; path: string }
    expect(up.status).toBe('none')
    expect(up.path).toBe(join(service.mediaDir, 'take 1.wav'))
    const segs = [
      { start: 0, end: 2, label: 'N' },
      { start: 2, end: 10, label: 'C:maj7', confidence: 0.9 },
      { start: 10, end: 22.7, label: 'A:min/b3', confidence: 0.6, startConfidence: 0.45 },
    ]
    const save = (parentId: string | null, reviewed: boolean) =>
      service.invoke('saveAnnotation', {
        recordingId: up.id,
        segments: segs,
        sequence: 'Cmaj7 Am/C',
        locks: reviewed ? [10, 2, 10] : [],
        source: 'aligned',
        reviewed,
        parentId,
      })
    const a = (await save(null, false)) as RevisionInfo
    await expect(save(null, false)).rejects.toThrow(/saved elsewhere/)
    const b = (await save(a.id, true)) as RevisionInfo
    expect(b).toMatchObject({ parentId: a.id, reviewed: true, current: true, segmentCount: 3 })
    const revs = (await service.invoke('listRevisions', { recordingId: up.id })) as RevisionInfo[]
    expect(revs.map((r) => [r.id, r.current])).toEqual([
      [b.id, true],
      [a.id, false],
    ])
    const d = (await service.invoke('openRecording', { recordingId: up.id })) as RecordingDetail
    expect(d.recording.status).toBe('reviewed')
    expect(d.current?.sequence).toBe('Cmaj7 Am/C')
    expect(d.current?.segments[2]).toEqual({
      start: 10,
      end: 22.7,
      label: 'A:min/b3',
      confidence: expect.closeTo(0.6, 6),
      startConfidence: expect.closeTo(0.45, 6),
    })
    expect(d.current?.segments[1]?.startConfidence).toBeNull() // none was given
    expect(d.typedSequence).toBe('Cmaj7 Am/C')
    // locked boundaries are part of the revision: ascending, once each; the earlier revision has none
    expect(d.current?.locks).toEqual([2, 10])
    const older = (await service.invoke('getRevision', { recordingId: up.id, revisionId: a.id })) as {
      locks: number[]
    }
    expect(older.locks).toEqual([])
    expect(await service.invoke('removeRecording', { recordingId: up.id })).toEqual({ removed: true })
    await expect(service.invoke('openRecording', { recordingId: up.id })).rejects.toThrow(/no recording/)
    expect(await service.invoke('removeRecording', { recordingId: up.id })).toEqual({ removed: false })
  })

  it('computes chroma in a worker once, then answers from the store cache', async () => {
    expect(existsSync(WORKER), `${WORKER} is missing: run "node scripts/build-node.mjs"`).toBe(true)
    const r = await job<ImportResult>(
      (await service.invoke('importFiles', { paths: [corpusPath('synth/synth09.ogg')] })) as JobRef,
    )
    const id = r.imported[0]!.id
    const t0 = performance.now()
    const a = await job<ChromaDto>((await service.invoke('getChroma', { recordingId: id })) as JobRef)
    const computeMs = performance.now() - t0
    expect(a.frameRate).toBeCloseTo(22050 / 1024, 6)
    expect(Math.abs(a.frames / a.frameRate - r.imported[0]!.duration!)).toBeLessThan(0.1)
    const data = decodeFloat32(a.data)
    expect(data.length).toBe(a.frames * 12)
    expect(a.bass).not.toBeNull()
    const t1 = performance.now()
    const b = await job<ChromaDto>((await service.invoke('getChroma', { recordingId: id })) as JobRef)
    expect(b).toEqual(a)
    console.log(
      `[service] chroma of synth09: computed in ${computeMs.toFixed(0)} ms, from the cache in ${(performance.now() - t1).toFixed(0)} ms`,
    )
  })

  it('aligns a typed sequence, keeps a locked boundary when aligning again, and recognises', async () => {
    const up = (await service.invoke('importUpload', {
      name: 'synth04.flac',
      bytes: new Uint8Array(readFileSync(corpusPath('synth/synth04.flac'))),
    })) as { id: string; duration: number }
    const sequence = readFileSync(corpusPath('synth/synth04.chords.txt'), 'utf8')
    const typed = sequence.trim().split(/\s+/)
    const a = await job<AlignResult>(
      (await service.invoke('align', { recordingId: up.id, sequence })) as JobRef,
    )
    const chords = a.segments.filter((x) => x.label !== 'N')
    expect(chords.map((x) => x.label)).toEqual(typed)
    expect(a.segments[0]!.start).toBe(0)
    expect(a.segments.at(-1)!.end).toBeCloseTo(up.duration, 6)
    for (let i = 1; i < a.segments.length; i++) expect(a.segments[i]!.start).toBe(a.segments[i - 1]!.end)
    for (const x of a.segments) expect(x.confidence).toBeGreaterThanOrEqual(0)
    // every chord change carries the aligner's boundary confidence; the first segment has no start boundary
    expect(a.segments[0]!.startConfidence).toBeNull()
    for (const x of a.segments.slice(1)) {
      expect(x.startConfidence).toBeGreaterThanOrEqual(0)
      expect(x.startConfidence).toBeLessThanOrEqual(1)
    }
    const bc = a.segments.slice(1).map((x) => x.startConfidence!)
    console.log(
      `[service] synth04 boundary confidences: min ${Math.min(...bc).toFixed(2)}, median ${[...bc].sort((p, q) => p - q)[bc.length >> 1]!.toFixed(2)}, ${bc.filter((c) => c < 0.8).length} of ${bc.length} below 0.8`,
    )

    // lock chord 3's start half a second later than found: the new alignment must keep it there
    const time = chords[3]!.start + 0.5
    const b = await job<AlignResult>(
      (await service.invoke('align', {
        recordingId: up.id,
        sequence,
        anchors: [{ time, token: 3 }],
      })) as JobRef,
    )
    const moved = b.segments.filter((x) => x.label !== 'N')[3]!
    expect(moved.start).toBeCloseTo(time, 6)

    await expect(
      service.invoke('align', {
        recordingId: up.id,
        sequence,
        anchors: [{ time: 1, token: typed.length + 1 }],
      }),
    ).rejects.toThrow(/locked boundary at 1\.00 s starts chord/)

    const r = await job<AlignResult>((await service.invoke('recognize', { recordingId: up.id })) as JobRef)
    expect(r.segments[0]!.start).toBe(0)
    expect(r.segments.at(-1)!.end).toBeCloseTo(up.duration, 6)
    expect(r.method).toMatch(/HMM/)
  })

  it('reports every capability of this build as wired (browser mode has no native dialog)', async () => {
    const info = (await service.invoke('getInfo', {})) as {
      features: Record<string, boolean>
      missing: Record<string, string>
    }
    expect(info.features).toEqual({
      store: true,
      chroma: true,
      peaks: true,
      align: true,
      recognize: true,
      training: true,
      nativeDialogs: false,
    })
    expect(info.missing).toEqual({})
  })
})
