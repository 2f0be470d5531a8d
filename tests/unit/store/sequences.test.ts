/** store.sequences: the chord sequence exactly as typed, append-only. */
import { expect, test } from 'vitest'
import { addRecording, useFreshStore } from '../../helpers/store'

const ctx = useFreshStore()

test('sequences keep the typed text verbatim; latest is the newest; list is newest first', () => {
  const s = ctx.store
  const r = addRecording(s, 'song')
  expect(s.sequences.latest(r.id)).toBeUndefined()
  const text = '| Am7 D7 | Gmaj7 % |\n(Cmaj7 F#m7b5)x2  B7 # turnaround'
  const a = s.sequences.save(r.id, text, { author: 'Ana' })
  expect(a).toMatchObject({ recordingId: r.id, text, author: 'Ana' })
  const b = s.sequences.save(r.id, 'C G Am F', { author: 'Ben' })
  expect(s.sequences.latest(r.id)!.id).toBe(b.id)
  expect(s.sequences.list(r.id).map((q) => q.text)).toEqual(['C G Am F', text])
  expect(s.sequences.get(a.id).text).toBe(text)
})

test('empty text, no author or an unknown recording are refused', () => {
  const s = ctx.store
  const r = addRecording(s, 'song')
  expect(() => s.sequences.save(r.id, '  \n', { author: 'x' })).toThrow(/must not be empty/)
  expect(() => s.sequences.save(r.id, 'C', { author: '' })).toThrow(/author/)
  expect(() => s.sequences.save(99, 'C', { author: 'x' })).toThrow(/no recording 99/)
  expect(() => s.sequences.get(5)).toThrow(/no sequence 5/)
  expect(s.sequences.list(r.id)).toEqual([])
})
