/** getPeaks through the service with the real store and job worker: validation, progress, result, cache. */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type ChordWarpService, createAppService } from '../../../src/backend/service'
import {
  type ApiError,
  decodeInt16,
  type ImportResult,
  type JobProgress,
  type JobRef,
  PEAK_LEVELS,
  type PeaksDto,
} from '../../../src/core/api'
import { REPO_ROOT } from '../../helpers/corpus'

const WORKER = join(REPO_ROOT, 'out/node/backend_service_tasks.worker.js')

let dir: string
let service: ChordWarpService

async function job<T>(ref: JobRef): Promise<T> {
  for (;;) {
    const s = (await service.invoke('getJob', { jobId: ref.jobId })) as {
      state: string
      result?: T
      error: { message: string } | null
    }
    if (s.state === 'done') return s.result as T
    if (s.state !== 'running') throw new Error(`job ${s.state}: ${s.error?.message}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** A mono 16-bit WAV: a 0.25-amplitude square wave whose second half is at full scale. */
function writeWav(path: string, sr: number, n: number): Int16Array {
  const x = new Int16Array(n)
  for (let t = 0; t < n; t++) x[t] = (Math.floor(t / 50) % 2 ? -1 : 1) * (t < n / 2 ? 8192 : 32767)
  const buf = Buffer.alloc(44 + n * 2)
  buf.write('RIFF', 0)
  buf.writeUInt32LE(36 + n * 2, 4)
  buf.write('WAVEfmt ', 8)
  buf.writeUInt32LE(16, 16)
  buf.writeUInt16LE(1, 20)
  buf.writeUInt16LE(1, 22)
  buf.writeUInt32LE(sr, 24)
  buf.writeUInt32LE(sr * 2, 28)
  buf.writeUInt16LE(2, 32)
  buf.writeUInt16LE(16, 34)
  buf.write('data', 36)
  buf.writeUInt32LE(n * 2, 40)
  for (let t = 0; t < n; t++) buf.writeInt16LE(x[t]!, 44 + t * 2)
  writeFileSync(path, buf)
  return x
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cw-svc-peaks-'))
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

describe('getPeaks', () => {
  it('validates its input with one-line messages', async () => {
    const err = async (input: unknown) => {
      try {
        await service.invoke('getPeaks', input)
      } catch (e) {
        return e as ApiError
      }
      throw new Error('no error')
    }
    const unknown = await err({ recordingID: '1' })
    expect(unknown.code).toBe('bad-request')
    expect(unknown.message).toMatch(
      /^getPeaks: recordingId: .*; unknown key "recordingID" \(did you mean "recordingId"\?\)$/,
    )
    expect(unknown.message).not.toMatch(/\n/)
    expect((await err({})).message).toMatch(/recordingId/)
    expect((await err({ recordingId: 5 })).message).toMatch(/recordingId/)
    expect((await err({ recordingId: '999' })).code).toBe('not-found')
    const info = (await service.invoke('getInfo', {})) as { features: { peaks: boolean } }
    expect(info.features.peaks).toBe(true)
  })

  it.skipIf(!existsSync(WORKER))(
    'reads the peaks in a worker with progress, then answers from the cache without the file',
    async () => {
      const sr = 16000
      const n = sr * 2 + 123
      const audio = join(dir, 'square.wav')
      const x = writeWav(audio, sr, n)
      const imp = await job<ImportResult>((await service.invoke('importFiles', { paths: [audio] })) as JobRef)
      const rec = imp.imported[0]!
      const progress: JobProgress[] = []
      service.on('job-progress', (p) => progress.push(p))
      const ref = (await service.invoke('getPeaks', { recordingId: rec.id })) as JobRef
      expect(ref.kind).toBe('peaks')
      const dto = await job<PeaksDto>(ref)
      expect(dto.duration).toBe(n / sr)
      expect(dto.samples).toBe(n)
      expect(dto.bucketRate).toBe(1000) // 2 s: the finest resolution
      expect(dto.buckets).toBe(Math.ceil((n * 1000) / sr))
      expect(dto.scale).toBe(32767 / 32768)
      const q = decodeInt16(dto.data)
      // 16 samples per bucket; the square wave's half period is 50 samples
      for (let i = 0; i < dto.buckets; i++) {
        const s = x.subarray(i * 16, Math.min(n, (i + 1) * 16))
        const k = PEAK_LEVELS / 32767
        expect(q[2 * i]).toBe(Math.round(Math.max(...s) * k))
        expect(q[2 * i + 1]).toBe(Math.round(Math.min(...s) * k))
      }
      expect(progress.some((p) => p.jobId === ref.jobId && p.kind === 'peaks')).toBe(true)
      expect(readdirSync(join(service.dataDir, 'peaks'))).toHaveLength(1)

      // cached by content: the second answer needs neither the worker nor the file
      rmSync(audio)
      const again = await job<PeaksDto>((await service.invoke('getPeaks', { recordingId: rec.id })) as JobRef)
      expect(again).toEqual(dto)
    },
  )

  it.skipIf(!existsSync(WORKER))(
    'fails with the decoder’s one-line reason when the audio is gone',
    async () => {
      const audio = join(dir, 'gone.wav')
      writeWav(audio, 8000, 8000)
      const imp = await job<ImportResult>((await service.invoke('importFiles', { paths: [audio] })) as JobRef)
      rmSync(audio)
      const ref = (await service.invoke('getPeaks', { recordingId: imp.imported[0]!.id })) as JobRef
      await expect(job(ref)).rejects.toThrow(/gone\.wav: no such file/)
    },
  )
})
