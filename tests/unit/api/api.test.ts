import { describe, expect, it } from 'vitest'
import {
  API_METHOD_NAMES,
  ApiError,
  apiErrorFrom,
  apiMethods,
  decodeFloat32,
  encodeFloat32,
  METHOD_NAMES,
  nearestKey,
  parseInput,
  parseOutput,
} from '../../../src/core/api'

describe('the method table', () => {
  it('lists the same methods as the preload name list', () => {
    expect([...METHOD_NAMES].sort()).toEqual([...API_METHOD_NAMES].sort())
  })

  it('gives every method a doc line and schemas', () => {
    for (const [name, m] of Object.entries(apiMethods)) {
      expect(m.doc.length, name).toBeGreaterThan(10)
      expect(m.input, name).toBeDefined()
      expect(m.output, name).toBeDefined()
      if (m.kind === 'job') expect((m as { job?: string }).job, name).toBeDefined()
    }
  })
})

describe('parseInput', () => {
  it('accepts a valid input and fills defaults', () => {
    const r = parseInput('align', { recordingId: '3', sequence: 'C G Am F' })
    expect(r.anchors).toEqual([])
  })

  it('names the field and the problem in one line', () => {
    expect(() => parseInput('align', { recordingId: '3', sequence: 42 })).toThrowError(
      /^align: sequence: .*expected string/,
    )
    try {
      parseInput('align', { recordingId: '3', sequence: 'C', anchors: [{ time: -1, token: 0 }] })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError)
      expect((e as ApiError).code).toBe('bad-request')
      expect((e as ApiError).message).toMatch(/^align: anchors\.0\.time: /)
      expect((e as ApiError).message).not.toContain('\n')
    }
  })

  it('rejects unknown keys naming the nearest valid key', () => {
    expect(() => parseInput('listRecordings', { qeury: 'x' })).toThrowError(
      'listRecordings: unknown key "qeury" (did you mean "query"?)',
    )
    expect(() => parseInput('getJob', { jobId: 'a', zzzzzzzz: 1 })).toThrowError(
      /unknown key "zzzzzzzz" \(valid: jobId\)/,
    )
  })

  it('rejects ids with path characters', () => {
    expect(() => parseInput('openRecording', { recordingId: '../etc/passwd' })).toThrowError(
      /recordingId: may contain only/,
    )
  })

  it('answers not-found for an unknown method', () => {
    try {
      parseInput('dropDatabase', {})
      expect.unreachable()
    } catch (e) {
      expect((e as ApiError).code).toBe('not-found')
    }
  })

  it('checks that segments are contiguous and ordered', () => {
    const ok = [
      { start: 0, end: 1, label: 'C:maj' },
      { start: 1, end: 2.5, label: 'G:maj', confidence: 0.8 },
    ]
    expect(() =>
      parseInput('saveAnnotation', {
        recordingId: '1',
        segments: ok,
        sequence: null,
        source: 'edited',
        reviewed: false,
        parentId: null,
      }),
    ).not.toThrow()
    const gap = [ok[0], { ...ok[1], start: 1.2 }]
    expect(() =>
      parseInput('saveAnnotation', {
        recordingId: '1',
        segments: gap,
        sequence: null,
        source: 'edited',
        reviewed: false,
        parentId: null,
      }),
    ).toThrowError(/segments\.1\.start: start 1\.2 does not meet the previous end 1/)
    const backwards = [{ start: 2, end: 1, label: 'C:maj' }]
    expect(() =>
      parseInput('exportAnnotation', { recordingId: '1', format: 'lab', segments: backwards }),
    ).toThrowError(/end 1 is not after start 2/)
  })

  it('validates answers too', () => {
    expect(() => parseOutput('cancelJob', { cancelled: 'yes' })).toThrowError(
      /cancelJob \(answer\): cancelled/,
    )
    expect(parseOutput('align', { jobId: 'job-1', kind: 'align' })).toEqual({ jobId: 'job-1', kind: 'align' })
  })
})

describe('errors', () => {
  it('round-trip through their wire form', () => {
    const e = apiErrorFrom(JSON.parse(JSON.stringify(new ApiError('conflict', 'saved elsewhere'))))
    expect(e.code).toBe('conflict')
    expect(e.message).toBe('saved elsewhere')
    expect(apiErrorFrom({ code: 'nonsense', message: 'x' }).code).toBe('internal')
  })

  it('suggest keys only when they are close', () => {
    expect(nearestKey('recordingID', ['recordingId', 'format'])).toBe('recordingId')
    expect(nearestKey('banana', ['recordingId', 'format'])).toBeNull()
  })
})

describe('float32 base64', () => {
  it('round-trips exactly, including special values and odd lengths', () => {
    for (const n of [0, 1, 2, 3, 12, 1001]) {
      const v = new Float32Array(n)
      for (let i = 0; i < n; i++) v[i] = Math.sin(i * 1.7) * 10 ** ((i % 7) - 3)
      if (n > 3) {
        v[1] = -0
        v[2] = Number.POSITIVE_INFINITY
        v[3] = 1e-40
      }
      const back = decodeFloat32(encodeFloat32(v))
      expect(back.length).toBe(n)
      for (let i = 0; i < n; i++) expect(Object.is(back[i], v[i]), `index ${i}`).toBe(true)
    }
  })

  it('matches Node Buffer base64 of the little-endian bytes', () => {
    const v = new Float32Array([1.5, -2.25, Math.PI])
    const bytes = Buffer.alloc(12)
    for (let i = 0; i < v.length; i++) bytes.writeFloatLE(v[i]!, i * 4)
    expect(encodeFloat32(v)).toBe(bytes.toString('base64'))
  })
})
