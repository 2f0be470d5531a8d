/**
 * Browser mode's HTTP/WebSocket door, in process over a service with an in-memory library: the
 * security rules (token, host, origin, CSP, paths) and the API mapping (status codes, messages).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { ChordWarpService } from '../../../src/backend/service/service'
import { type RunningServer, startServer } from '../../../src/server'
import { FakeLibrary } from '../../helpers/fake-library'

let dir: string
let lib: FakeLibrary
let service: ChordWarpService
let server: RunningServer
let base: string

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function http(
  path: string,
  o: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
) {
  return new Promise<Reply>((resolve, reject) => {
    const req = request(`${base}${path}`, { method: o.method ?? 'GET', headers: o.headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      )
    })
    req.on('error', reject)
    req.end(o.body)
  })
}

const auth = (): Record<string, string> => ({ Authorization: `Bearer ${server.token}` })
const json = (): Record<string, string> => ({ ...auth(), 'Content-Type': 'application/json' })
const call = (method: string, input: unknown, headers = json()) =>
  http(`/api/call/${method}`, { method: 'POST', headers, body: JSON.stringify(input) })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cw-server-'))
  const renderer = join(dir, 'renderer')
  mkdirSync(join(renderer, 'assets'), { recursive: true })
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>ChordWarp</title>')
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(dir, 'secret.txt'), 'do not serve me')
  lib = new FakeLibrary()
  service = new ChordWarpService({
    dbPath: join(dir, 'library.db'),
    library: lib,
    tasks: { chroma: false, align: false, recognize: false },
    missing: { align: 'alignment is not in this build' },
    transport: 'http',
  })
  server = await startServer(service, { port: 0, rendererDir: renderer })
  base = `http://127.0.0.1:${server.port}`
})

afterAll(async () => {
  await server.close()
  await service.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('access', () => {
  it('prints a 127.0.0.1 URL carrying a long random token', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/)
  })

  it('refuses every request without the token: 401 with a message', async () => {
    for (const [path, method] of [
      ['/', 'GET'],
      ['/assets/app.js', 'GET'],
      ['/api/call/listRecordings', 'POST'],
      ['/api/audio/1', 'GET'],
      ['/api/upload?name=a.wav', 'POST'],
    ] as const) {
      const r = await http(path, {
        method,
        headers: { 'Content-Type': 'application/json' },
        body: method === 'POST' ? '{}' : undefined,
      })
      expect(r.status, path).toBe(401)
      expect(JSON.parse(r.body).error.message, path).toMatch(/token/)
    }
    const wrong = await call(
      'listRecordings',
      {},
      { Authorization: 'Bearer nope', 'Content-Type': 'application/json' },
    )
    expect(wrong.status).toBe(401)
    const wrongCookie = await http('/', { headers: { Cookie: 'cw_token=nope' } })
    expect(wrongCookie.status).toBe(401)
  })

  it('turns ?token= into an HttpOnly SameSite=Strict cookie and drops it from the address bar', async () => {
    const r = await http(`/?token=${server.token}`)
    expect(r.status).toBe(302)
    expect(r.headers.location).toBe('/')
    const cookie = String(r.headers['set-cookie'])
    expect(cookie).toMatch(/cw_token=[^;]+; HttpOnly; SameSite=Strict; Path=\//)
    const page = await http('/', { headers: { Cookie: cookie.split(';')[0]! } })
    expect(page.status).toBe(200)
    expect(page.body).toContain('<title>ChordWarp</title>')
  })

  it('refuses a foreign Host header (DNS rebinding) and cross-origin writes', async () => {
    const host = await http('/', { headers: { ...auth(), Host: `evil.example:${server.port}` } })
    expect(host.status).toBe(403)
    const origin = await call('listRecordings', {}, { ...json(), Origin: 'https://evil.example' })
    expect(origin.status).toBe(403)
    const same = await call('listRecordings', {}, { ...json(), Origin: `http://127.0.0.1:${server.port}` })
    expect(same.status).toBe(200)
  })

  it('sends a strict Content-Security-Policy and no-sniff on every answer', async () => {
    for (const path of ['/', '/assets/app.js', '/nothing-here']) {
      const r = await http(path, { headers: auth() })
      const csp = String(r.headers['content-security-policy'])
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("object-src 'none'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(csp).not.toMatch(/script-src[^;]*unsafe/)
      expect(r.headers['x-content-type-options']).toBe('nosniff')
    }
  })

  it('serves only files of the renderer build', async () => {
    expect((await http('/assets/app.js', { headers: auth() })).status).toBe(200)
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt'])
      expect((await http(p, { headers: auth() })).status, p).toBe(404)
  })
})

describe('API calls', () => {
  it('answers JSON', async () => {
    const r = await call('getInfo', {})
    expect(r.status).toBe(200)
    const info = JSON.parse(r.body)
    expect(info.transport).toBe('http')
    expect(info.features).toMatchObject({ store: true, align: false })
    expect(info.missing.align).toBe('alignment is not in this build')
  })

  it('rejects malformed payloads with 400 and a one-line message', async () => {
    const cases: [string, { method?: string; headers?: Record<string, string>; body?: string }, RegExp][] = [
      [
        '/api/call/parseSequence',
        { method: 'POST', headers: json(), body: '{"text": ' },
        /^malformed JSON: /,
      ],
      [
        '/api/call/parseSequence',
        { method: 'POST', headers: json(), body: '{"text": 5}' },
        /^parseSequence: text: .*expected string/,
      ],
      [
        '/api/call/parseSequence',
        { method: 'POST', headers: json(), body: '[1,2]' },
        /^parseSequence: .*expected object/,
      ],
      [
        '/api/call/listRecordings',
        { method: 'POST', headers: json(), body: '{"qeury":"x"}' },
        /did you mean "query"/,
      ],
      [
        '/api/call/getInfo',
        { method: 'POST', headers: { ...auth(), 'Content-Type': 'text/plain' }, body: '{}' },
        /Content-Type: application\/json/,
      ],
      ['/api/call/importUpload', { method: 'POST', headers: json(), body: '{}' }, /POST \/api\/upload/],
      ['/api/upload', { method: 'POST', headers: auth(), body: 'x' }, /\?name=/],
      ['/api/upload?name=notes.txt', { method: 'POST', headers: auth(), body: 'x' }, /not an audio file/],
    ]
    for (const [path, o, message] of cases) {
      const r = await http(path, o)
      expect(r.status, path + o.body).toBe(400)
      const err = JSON.parse(r.body).error
      expect(err.code).toBe('bad-request')
      expect(err.message, path + o.body).toMatch(message)
      expect(err.message).not.toContain('\n')
    }
  })

  it('maps errors to status codes', async () => {
    expect((await call('noSuchMethod', {})).status).toBe(404)
    expect((await call('openRecording', { recordingId: '999' })).status).toBe(404)
    expect((await call('getJob', { jobId: 'job-0' })).status).toBe(404)
    const un = await call('openFilesDialog', { mode: 'files' })
    expect(un.status).toBe(501)
    expect(JSON.parse(un.body).error.message).toMatch(/no native dialog in browser mode/)
    expect((await http('/api/call/getInfo', { headers: auth() })).status).toBe(405)
  })

  it('uploads audio into the media folder, imports it, and streams it back with ranges', async () => {
    const bytes = Buffer.alloc(1000)
    for (let i = 0; i < bytes.length; i++) bytes[i] = i % 251
    const up = await http('/api/upload?name=' + encodeURIComponent('../My Song.wav'), {
      method: 'POST',
      headers: { ...auth(), 'Content-Type': 'application/octet-stream' },
      body: bytes,
    })
    expect(up.status).toBe(200)
    const rec = JSON.parse(up.body)
    expect(rec.title).toBe('My Song')
    expect(rec.path).toBe(join(service.mediaDir, 'My Song.wav'))
    const full = await http(`/api/audio/${rec.id}`, { headers: auth() })
    expect(full.status).toBe(200)
    expect(full.headers['content-type']).toBe('audio/wav')
    expect(full.headers['accept-ranges']).toBe('bytes')
    const part = await http(`/api/audio/${rec.id}`, { headers: { ...auth(), Range: 'bytes=10-19' } })
    expect(part.status).toBe(206)
    expect(part.headers['content-range']).toBe('bytes 10-19/1000')
    expect(Buffer.from(part.body, 'latin1').length).toBe(10)
    const tail = await http(`/api/audio/${rec.id}`, { headers: { ...auth(), Range: 'bytes=-5' } })
    expect(tail.headers['content-range']).toBe('bytes 995-999/1000')
    expect(
      (await http(`/api/audio/${rec.id}`, { headers: { ...auth(), Range: 'bytes=5000-' } })).status,
    ).toBe(416)
    // what a media element sends while seeking in a long file: open-ended, and past the end clamped
    const seek = await http(`/api/audio/${rec.id}`, { headers: { ...auth(), Range: 'bytes=990-' } })
    expect(seek.status).toBe(206)
    expect(seek.headers['content-range']).toBe('bytes 990-999/1000')
    expect(seek.headers['content-length']).toBe('10')
    const mid = await http(`/api/audio/${rec.id}`, { headers: { ...auth(), Range: 'bytes=251-260' } })
    expect([...Buffer.from(mid.body, 'latin1')]).toEqual([...bytes.subarray(251, 261)]) // 0 … 9
    const clamp = await http(`/api/audio/${rec.id}`, { headers: { ...auth(), Range: 'bytes=0-99999' } })
    expect(clamp.status).toBe(206)
    expect(clamp.headers['content-range']).toBe('bytes 0-999/1000')
    const bad = await http(`/api/audio/${rec.id}`, { headers: { ...auth(), Range: 'bytes=20-10' } })
    expect(bad.status).toBe(416)
    expect(bad.headers['content-range']).toBe('bytes */1000')
    // a header this server does not serve (several ranges, `bytes=-`) is ignored: the whole file
    for (const Range of ['bytes=0-1,5-6', 'bytes=-']) {
      const whole = await http(`/api/audio/${rec.id}`, { headers: { ...auth(), Range } })
      expect(whole.status).toBe(200)
      expect(whole.headers['content-length']).toBe('1000')
    }
    // ranges need the token like everything else
    expect((await http(`/api/audio/${rec.id}`, { headers: { Range: 'bytes=0-9' } })).status).toBe(401)
    const list = JSON.parse((await call('listRecordings', {})).body)
    expect(list.map((r: { id: string }) => r.id)).toContain(rec.id)
  })
})

describe('events', () => {
  it('refuses a WebSocket without the token and from another origin', async () => {
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`, { headers })
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode!))
        ws.on('open', () => {
          ws.close()
          resolve(101)
        })
        ws.on('error', () => {})
      })
    expect(await status({})).toBe(401)
    expect(await status({ ...auth(), Origin: 'https://evil.example' })).toBe(403)
    expect(await status(auth())).toBe(101)
  })

  it('pushes library and job events to connected clients', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`, { headers: auth() })
    const got: { event: string; args: unknown[] }[] = []
    ws.on('message', (m) => got.push(JSON.parse(String(m))))
    await new Promise((r) => ws.on('open', r))
    const rec = [...lib.recordings.values()][0]!
    const saved = await call('saveAnnotation', {
      recordingId: rec.id,
      segments: [
        { start: 0, end: 4, label: 'C:maj' },
        { start: 4, end: 10, label: 'A:min7', confidence: 0.7 },
      ],
      sequence: 'C Am7',
      source: 'edited',
      reviewed: true,
      parentId: null,
    })
    expect(saved.status).toBe(200)
    const job = JSON.parse((await call('importFiles', { paths: [join(dir, 'missing.wav')] })).body)
    expect(job.kind).toBe('import')
    await new Promise((r) => setTimeout(r, 200))
    ws.close()
    expect(got[0]).toEqual({ event: 'connection', args: [{ connected: true }] })
    expect(got).toContainEqual({ event: 'library-changed', args: [{ recordingIds: [rec.id] }] })
    const done = got.find((g) => g.event === 'job-done')
    expect(done?.args[0]).toMatchObject({
      jobId: job.jobId,
      kind: 'import',
      result: { imported: [], skipped: [{ path: join(dir, 'missing.wav'), reason: 'does not exist' }] },
    })
  })
})

describe('annotations over HTTP', () => {
  it('saves revisions, refuses a stale parent, exports .lab with rich labels and .chords.txt', async () => {
    const rec = [...lib.recordings.values()][0]!
    const detail = JSON.parse((await call('openRecording', { recordingId: rec.id })).body)
    expect(detail.recording.status).toBe('reviewed')
    expect(detail.current.segments[1].label).toBe('A:min7')
    const stale = await call('saveAnnotation', {
      recordingId: rec.id,
      segments: [{ start: 0, end: 10, label: 'C:maj' }],
      sequence: null,
      source: 'edited',
      reviewed: false,
      parentId: null,
    })
    expect(stale.status).toBe(409)
    const notHarte = await call('saveAnnotation', {
      recordingId: rec.id,
      segments: [{ start: 0, end: 10, label: 'Am7' }],
      sequence: null,
      source: 'edited',
      reviewed: false,
      parentId: detail.current.revision.id,
    })
    expect(notHarte.status).toBe(400)
    expect(JSON.parse(notHarte.body).error.message).toMatch(
      /segment 1 at 0\.00 s: "Am7" is not a Harte chord label/,
    )
    const lab = JSON.parse((await call('exportAnnotation', { recordingId: rec.id, format: 'lab' })).body)
    expect(lab).toEqual({
      filename: 'My Song.lab',
      mime: 'text/plain',
      content: '0.000000\t4.000000\tC:maj\n4.000000\t10.000000\tA:min7\n',
    })
    const txt = JSON.parse(
      (await call('exportAnnotation', { recordingId: rec.id, format: 'chords.txt' })).body,
    )
    expect(txt.content).toBe('C:maj A:min7\n')
  })

  it('keeps drafts until a save', async () => {
    const rec = [...lib.recordings.values()][0]!
    const d = await call('saveDraft', {
      recordingId: rec.id,
      baseRevisionId: rec.currentRevisionId,
      segments: [{ start: 0, end: 10, label: 'N' }],
      sequence: 'C Am7 |',
      locks: [],
    })
    expect(d.status).toBe(200)
    const detail = JSON.parse((await call('openRecording', { recordingId: rec.id })).body)
    expect(detail.draft.sequence).toBe('C Am7 |')
    expect(detail.recording.hasDraft).toBe(true)
    expect(JSON.parse((await call('discardDraft', { recordingId: rec.id })).body)).toEqual({
      discarded: true,
    })
    expect(JSON.parse((await call('openRecording', { recordingId: rec.id })).body).draft).toBeNull()
  })
})
