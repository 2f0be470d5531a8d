/** Electron's `cw-media://audio/<id>` handler (src/main/media.ts), run in Node with fetch's Request/Response. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ChordWarpService } from '../../../src/backend/service/service'
import { serveMedia } from '../../../src/main/media'
import { FakeLibrary } from '../../helpers/fake-library'

let dir: string
let service: ChordWarpService
let id: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cw-media-'))
  service = new ChordWarpService({
    dbPath: join(dir, 'lib.db'),
    library: new FakeLibrary(),
    tasks: { chroma: false, align: false, recognize: false },
    transport: 'electron',
  })
  const bytes = new Uint8Array(300).map((_, i) => i % 256)
  id = (await service.acceptUpload('clip.flac', bytes)).id
})

afterAll(async () => {
  await service.close()
  rmSync(dir, { recursive: true, force: true })
})

const get = (url: string, range?: string) =>
  serveMedia(service, new Request(url, range ? { headers: { Range: range } } : {}))

describe('cw-media protocol', () => {
  it('streams the whole file with its type', async () => {
    const r = get(`cw-media://audio/${id}`)
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toBe('audio/flac')
    expect(r.headers.get('accept-ranges')).toBe('bytes')
    expect(new Uint8Array(await r.arrayBuffer()).length).toBe(300)
  })

  it('answers ranges (206) and refuses impossible ones (416)', async () => {
    const r = get(`cw-media://audio/${id}`, 'bytes=256-')
    expect(r.status).toBe(206)
    expect(r.headers.get('content-range')).toBe('bytes 256-299/300')
    expect([...new Uint8Array(await r.arrayBuffer())].slice(0, 3)).toEqual([0, 1, 2])
    expect(get(`cw-media://audio/${id}`, 'bytes=400-').status).toBe(416)
  })

  it('says 404 for other hosts and unknown recordings', () => {
    expect(get(`cw-media://video/${id}`).status).toBe(404)
    expect(get('cw-media://audio/999').status).toBe(404)
  })
})
