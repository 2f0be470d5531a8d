/** parseJams: chord annotations of JAMS files, both data layouts, problems listed not thrown. */
import { expect, test } from 'vitest'
import { parseJams } from '../../../src/backend/store'

const doc = {
  file_metadata: { title: 'Song', artist: 'Band', duration: 10.5 },
  annotations: [
    {
      namespace: 'beat',
      data: [{ time: 0, duration: 0, value: 1, confidence: null }],
    },
    {
      namespace: 'chord',
      annotation_metadata: { annotator: { name: 'Ana' }, curator: { name: 'Lab' } },
      data: [
        { time: 2.5, duration: 2.5, value: 'G:7/b7', confidence: 0.9 },
        { time: 0, duration: 2.5, value: 'N', confidence: null },
      ],
    },
    {
      namespace: 'chord_harte',
      annotation_metadata: { curator: { name: 'Lab' } },
      data: { time: [0, 1], duration: [1, 2], value: ['C:maj', 'A:min7'], confidence: [1, 5] },
    },
  ],
}

test('both layouts; sorted by time; authors from annotator, then curator; other namespaces ignored', () => {
  const r = parseJams(JSON.stringify(doc))
  expect(r.problems).toEqual([])
  expect(r.durationS).toBe(10.5)
  expect(r.title).toBe('Song')
  expect(r.ignored).toEqual(['annotation 1 (beat)'])
  expect(r.annotations).toEqual([
    {
      namespace: 'chord',
      author: 'Ana',
      index: 1,
      segments: [
        { start: 0, end: 2.5, label: 'N' },
        { start: 2.5, end: 5, label: 'G:7/b7', confidence: 0.9 },
      ],
    },
    {
      namespace: 'chord_harte',
      author: 'Lab',
      index: 2,
      segments: [
        { start: 0, end: 1, label: 'C:maj', confidence: 1 },
        { start: 1, end: 3, label: 'A:min7' },
      ],
    },
  ])
})

test('bad labels, bad times, bad JSON and non-JAMS are listed as problems', () => {
  const bad = structuredClone(doc)
  ;(bad.annotations[1]!.data as { value: string }[])[0]!.value = 'H:maj'
  ;(bad.annotations[1]!.data as { time: unknown }[])[1]!.time = 'soon'
  const r = parseJams(JSON.stringify(bad))
  expect(r.problems).toEqual([
    'annotation 2, observation 1: "H:maj" is not a Harte chord label',
    'annotation 2, observation 2: time and duration must be non-negative numbers, got soon and 2.5',
  ])
  expect(parseJams('{oops').problems[0]).toMatch(/not valid JSON/)
  expect(parseJams('{"a": 1}').problems).toEqual(['not a JAMS file (no "annotations" list)'])
  expect(parseJams('{"annotations": [{"namespace": "chord", "data": 3}]}').problems[0]).toMatch(
    /neither a list/,
  )
})
