/** Byte ranges for the media element (RFC 9110 §14), shared by browser mode and Electron's cw-media:. */
import { describe, expect, it } from 'vitest'
import { byteRange, contentRange } from '../../../src/backend/service/range'

describe('byteRange', () => {
  const size = 1000
  it('answers single ranges within the file, clamping the end', () => {
    expect(byteRange('bytes=0-0', size)).toEqual({ kind: 'partial', start: 0, end: 0 })
    expect(byteRange('bytes=10-19', size)).toEqual({ kind: 'partial', start: 10, end: 19 })
    expect(byteRange('bytes=0-', size)).toEqual({ kind: 'partial', start: 0, end: 999 })
    expect(byteRange('bytes=999-', size)).toEqual({ kind: 'partial', start: 999, end: 999 })
    expect(byteRange('bytes=500-5000', size)).toEqual({ kind: 'partial', start: 500, end: 999 })
    expect(byteRange('bytes=-5', size)).toEqual({ kind: 'partial', start: 995, end: 999 })
    expect(byteRange('bytes=-5000', size)).toEqual({ kind: 'partial', start: 0, end: 999 })
  })

  it('refuses ranges that cannot be satisfied (416)', () => {
    expect(byteRange('bytes=1000-', size)).toEqual({ kind: 'unsatisfiable' })
    expect(byteRange('bytes=5000-6000', size)).toEqual({ kind: 'unsatisfiable' })
    expect(byteRange('bytes=20-10', size)).toEqual({ kind: 'unsatisfiable' })
    expect(byteRange('bytes=-0', size)).toEqual({ kind: 'unsatisfiable' })
    expect(byteRange('bytes=99999999999999999999-', size)).toEqual({ kind: 'unsatisfiable' })
  })

  it('ignores what it does not serve: no header, other units, several ranges, `bytes=-`, an empty file', () => {
    for (const h of [undefined, null, '', 'bytes=-', 'items=0-5', 'bytes=0-1,5-6', 'bytes=a-b', 'bytes 0-5'])
      expect(byteRange(h, size)).toEqual({ kind: 'full' })
    expect(byteRange('bytes=0-10', 0)).toEqual({ kind: 'full' })
  })

  it('writes Content-Range', () => {
    expect(contentRange({ kind: 'partial', start: 10, end: 19 }, size)).toBe('bytes 10-19/1000')
    expect(contentRange({ kind: 'unsatisfiable' }, size)).toBe('bytes */1000')
    expect(contentRange({ kind: 'full' }, size)).toBeNull()
  })
})
