/** store.annotations: immutable revisions, the current pointer, review status, validation, atomicity. */
import { describe, expect, test } from 'vitest'
import { addRecording, makeSegments, useFreshStore } from '../../helpers/store'

const ctx = useFreshStore()

describe('annotations', () => {
  test('saveRevision stores header and segments; labels and confidences come back as written', () => {
    const s = ctx.store
    const r = addRecording(s, 'song')
    const segments = [
      { start: 0, end: 1.25, label: 'N' },
      { start: 1.25, end: 2.5, label: 'A:min7/b3', confidence: 0.75, startConfidence: 0.5 },
      { start: 2.5, end: 4, label: 'Db:maj(9,#11)', confidence: 0, startConfidence: 1 },
      { start: 4, end: 4, label: 'X' },
    ]
    const rev = s.annotations.saveRevision({
      recordingId: r.id,
      segments,
      author: 'Ana',
      source: 'aligned',
      note: 'first pass',
    })
    expect(rev).toMatchObject({
      recordingId: r.id,
      parentId: null,
      author: 'Ana',
      source: 'aligned',
      status: 'draft',
      note: 'first pass',
      segmentCount: 4,
    })
    expect(rev.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    const cur = s.annotations.getCurrent(r.id)!
    expect(cur.id).toBe(rev.id)
    expect(cur.segments).toEqual(segments)
    expect(s.recordings.get(r.id).currentRevisionId).toBe(rev.id)
    expect(cur.locks).toEqual([])
  })

  test('locked boundaries are saved with the revision, ascending and once each', () => {
    const s = ctx.store
    const r = addRecording(s, 'song')
    const a = s.annotations.saveRevision({
      recordingId: r.id,
      segments: makeSegments(3),
      author: 'x',
      source: 'edited',
      locks: [2, 0.5, 2],
    })
    expect(a.locks).toEqual([0.5, 2])
    const b = s.annotations.saveRevision({
      recordingId: r.id,
      segments: makeSegments(3),
      author: 'x',
      source: 'edited',
    })
    expect(s.annotations.getCurrent(r.id)!.locks).toEqual([])
    expect(s.annotations.getRevision(a.id).locks).toEqual([0.5, 2])
    expect(s.annotations.listRevisions(r.id).map((v) => [v.id, v.locks])).toEqual([
      [b.id, []],
      [a.id, [0.5, 2]],
    ])
    expect(() => s.db.prepare("UPDATE revisions SET locks = '[1]' WHERE id = ?").run(a.id)).toThrow(
      /immutable/,
    )
  })

  test('each save is a new revision whose parent is the previous current one; history is newest first', () => {
    const s = ctx.store
    const r = addRecording(s, 'song')
    const a = s.annotations.saveRevision({
      recordingId: r.id,
      segments: makeSegments(3),
      author: 'x',
      source: 'typed',
    })
    const b = s.annotations.saveRevision({
      recordingId: r.id,
      segments: makeSegments(4),
      author: 'x',
      source: 'aligned',
    })
    const c = s.annotations.saveRevision({
      recordingId: r.id,
      segments: makeSegments(5),
      author: 'y',
      source: 'edited',
    })
    expect([b.parentId, c.parentId]).toEqual([a.id, b.id])
    expect(s.annotations.listRevisions(r.id).map((v) => v.id)).toEqual([c.id, b.id, a.id])
    expect(s.annotations.getRevision(a.id).segments).toEqual(makeSegments(3))
    // an explicit parent, and a save that does not move the pointer
    const d = s.annotations.saveRevision({
      recordingId: r.id,
      segments: makeSegments(1),
      author: 'z',
      source: 'recognised',
      parentId: a.id,
      makeCurrent: false,
    })
    expect(d.parentId).toBe(a.id)
    expect(s.annotations.getCurrent(r.id)!.id).toBe(c.id)
    s.annotations.setCurrent(r.id, a.id)
    expect(s.annotations.getCurrent(r.id)!.segments).toEqual(makeSegments(3))
  })

  test('saved revisions cannot be changed, only marked reviewed', () => {
    const s = ctx.store
    const r = addRecording(s, 'song')
    const a = s.annotations.saveRevision({
      recordingId: r.id,
      segments: makeSegments(3),
      author: 'x',
      source: 'typed',
    })
    expect(() => s.db.prepare("UPDATE segments SET label = 'C:maj' WHERE revision_id = ?").run(a.id)).toThrow(
      /immutable/,
    )
    expect(() => s.db.prepare("UPDATE revisions SET author = 'mallory' WHERE id = ?").run(a.id)).toThrow(
      /immutable/,
    )
    expect(s.annotations.setReviewed(a.id).status).toBe('reviewed')
    expect(s.recordings.list()[0]!.current!.status).toBe('reviewed')
    expect(s.annotations.setReviewed(a.id, false).status).toBe('draft')
    expect(s.annotations.getRevision(a.id).segments).toEqual(makeSegments(3))
  })

  test('invalid revisions are refused before anything is written', () => {
    const s = ctx.store
    const r = addRecording(s, 'song')
    const other = addRecording(s, 'other')
    const save = (o: object) =>
      s.annotations.saveRevision({
        recordingId: r.id,
        segments: makeSegments(2),
        author: 'x',
        source: 'typed',
        ...o,
      })
    expect(() => save({ segments: [{ start: 0, end: 1, label: 'Hm7' }] })).toThrow(
      /segment 1: "Hm7" is not a Harte/,
    )
    expect(() => save({ segments: [{ start: 2, end: 1, label: 'C:maj' }] })).toThrow(
      /end 1 s is before start 2 s/,
    )
    expect(() => save({ segments: [{ start: Number.NaN, end: 1, label: 'C:maj' }] })).toThrow(/finite/)
    expect(() => save({ segments: [{ start: -1, end: 1, label: 'C:maj' }] })).toThrow(/negative/)
    expect(() =>
      save({
        segments: [
          { start: 1, end: 2, label: 'C:maj' },
          { start: 0, end: 1, label: 'C:maj' },
        ],
      }),
    ).toThrow(/segment 2: starts at 0 s, before the previous/)
    expect(() => save({ segments: [{ start: 0, end: 1, label: 'C:maj', confidence: 2 }] })).toThrow(
      /confidence/,
    )
    expect(() => save({ segments: [{ start: 0, end: 1, label: 'C:maj', startConfidence: -0.1 }] })).toThrow(
      /segment 1: start confidence -0.1 is outside 0..1/,
    )
    expect(() => save({ source: 'guessed' })).toThrow(/source must be one of typed \| aligned/)
    expect(() => save({ author: ' ' })).toThrow(/author/)
    expect(() => save({ status: 'final' })).toThrow(/status/)
    expect(() => save({ locks: [1, Number.NaN] })).toThrow(/lock 2: NaN is not a time/)
    expect(() => save({ locks: [-0.5] })).toThrow(/lock 1: -0.5 is not a time/)
    expect(() => save({ locks: 'all' })).toThrow(/locks must be an array/)
    expect(() => save({ recordingId: 999 })).toThrow(/no recording 999/)
    const o = s.annotations.saveRevision({
      recordingId: other.id,
      segments: makeSegments(1),
      author: 'x',
      source: 'typed',
    })
    expect(() => save({ parentId: o.id })).toThrow(/does not belong to recording/)
    expect(s.annotations.listRevisions(r.id)).toEqual([])
    expect(() => s.annotations.setCurrent(r.id, o.id)).toThrow(/belongs to recording/)
  })

  test('a save that fails half-way leaves neither the revision nor any of its segments', () => {
    const s = ctx.store
    const r = addRecording(s, 'song')
    const ok = s.annotations.saveRevision({
      recordingId: r.id,
      segments: makeSegments(3),
      author: 'x',
      source: 'typed',
    })
    s.db.exec(
      "CREATE TEMP TRIGGER fail_at_5 BEFORE INSERT ON segments WHEN NEW.idx = 5 BEGIN SELECT RAISE(ABORT, 'disk gremlin'); END",
    )
    expect(() =>
      s.annotations.saveRevision({
        recordingId: r.id,
        segments: makeSegments(10),
        author: 'x',
        source: 'edited',
      }),
    ).toThrow(/disk gremlin/)
    expect(s.annotations.listRevisions(r.id).map((v) => v.id)).toEqual([ok.id])
    expect(s.annotations.getCurrent(r.id)!.id).toBe(ok.id)
    expect(s.db.prepare('SELECT count(*) FROM segments').pluck().get()).toBe(3)
    expect(s.db.inTransaction).toBe(false)
  })

  test('unknown ids say so', () => {
    const s = ctx.store
    expect(() => s.annotations.getRevision(7)).toThrow(/no revision 7/)
    expect(() => s.annotations.getCurrent(7)).toThrow(/no recording 7/)
    expect(() => s.annotations.listRevisions(7)).toThrow(/no recording 7/)
    expect(() => s.annotations.setReviewed(7)).toThrow(/no revision 7/)
  })
})
