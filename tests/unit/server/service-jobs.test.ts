/** The service's jobs over a worker script: chroma is computed once per recording, then cached. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ChordWarpService } from '../../../src/backend/service/service'
import { type ChromaDto, decodeFloat32, type JobRef } from '../../../src/core/api'
import { REPO_ROOT } from '../../helpers/corpus'
import { FakeLibrary } from '../../helpers/fake-library'

let dir: string
let lib: FakeLibrary
let service: ChordWarpService
let puts = 0

function result<T>(ref: JobRef): Promise<T> {
  return new Promise((resolve, reject) => {
    service.on('job-done', (d) => d.jobId === ref.jobId && resolve(d.result as T))
    service.on('job-failed', (d) => d.jobId === ref.jobId && reject(new Error(d.error.message)))
    service.on('job-cancelled', (d) => d.jobId === ref.jobId && reject(new Error('cancelled')))
  })
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cw-svcjobs-'))
  lib = new FakeLibrary()
  puts = 0
  const put = lib.cacheChroma.bind(lib)
  lib.cacheChroma = (id, c) => {
    puts++
    put(id, c)
  }
  await lib.importPaths([join(REPO_ROOT, 'package.json')])
  service = new ChordWarpService({
    dbPath: join(dir, 'lib.db'),
    library: lib,
    tasks: { chroma: true, align: false, recognize: false },
    transport: 'direct',
    jobs: { workerUrl: pathToFileURL(join(REPO_ROOT, 'tests/fixtures/workers/test-tasks.worker.mjs')) },
  })
})

afterEach(async () => {
  await service.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('chroma jobs', () => {
  it('compute once when two jobs ask at the same time, then answer from the cache', async () => {
    const a = (await service.invoke('getChroma', { recordingId: '1' })) as JobRef
    const b = (await service.invoke('getChroma', { recordingId: '1' })) as JobRef
    const [ca, cb] = await Promise.all([result<ChromaDto>(a), result<ChromaDto>(b)])
    expect(puts).toBe(1)
    expect(ca).toEqual(cb)
    expect(ca).toMatchObject({ frames: 4, tuningCents: 3, bass: null })
    expect([...decodeFloat32(ca.data)]).toEqual(new Array(48).fill(0.5))
    const c = await result<ChromaDto>((await service.invoke('getChroma', { recordingId: '1' })) as JobRef)
    expect(c).toEqual(ca)
    expect(puts).toBe(1)
  })

  it('let the waiting job compute when the first one is cancelled', async () => {
    const a = (await service.invoke('getChroma', { recordingId: '1' })) as JobRef
    const b = (await service.invoke('getChroma', { recordingId: '1' })) as JobRef
    const ra = result(a)
    const rb = result<ChromaDto>(b)
    await new Promise((r) => setTimeout(r, 30))
    await service.invoke('cancelJob', { jobId: a.jobId })
    await expect(ra).rejects.toThrow('cancelled')
    expect((await rb).frames).toBe(4)
    expect(puts).toBe(1)
  })

  it('answer unavailable, with the reason, when alignment is not in the build', async () => {
    await expect(service.invoke('align', { recordingId: '1', sequence: 'C G' })).rejects.toThrow(
      /align is not available/,
    )
  })
})
