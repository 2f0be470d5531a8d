/** store.recordings: add, find by hash/name, list/search/count, update, relocate, remove. */
import { describe, expect, test } from 'vitest'
import type { StoreError } from '../../../src/backend/store'
import { addRecording, fakeHash, makeSegments, useFreshStore } from '../../helpers/store'

const ctx = useFreshStore()

describe('recordings', () => {
  test('add returns the stored recording; get, findByHash, findByName, resolve find it', () => {
    const s = ctx.store
    const r = s.recordings.add({
      path: '/music/Take Five.flac',
      hash: fakeHash('t5'),
      durationS: 324.5,
      sampleRate: 44100,
      format: 'flac',
      collection: 'jazz',
      source: 'LP rip',
      license: 'private',
      split: 'test',
      tags: ['  live', 'jazz', 'jazz', ''],
    })
    expect(r).toMatchObject({
      name: 'Take Five',
      path: '/music/Take Five.flac',
      hash: fakeHash('t5'),
      durationS: 324.5,
      sampleRate: 44100,
      format: 'flac',
      collection: 'jazz',
      split: 'test',
      tags: ['jazz', 'live'],
      currentRevisionId: null,
    })
    expect(s.recordings.get(r.id)).toEqual(r)
    expect(s.recordings.findByHash(fakeHash('t5'))).toEqual(r)
    expect(s.recordings.findByName('Take Five')).toEqual(r)
    expect(s.recordings.resolve(String(r.id))).toEqual(r)
    expect(s.recordings.resolve('Take Five')).toEqual(r)
    expect(s.recordings.resolve(fakeHash('t5'))).toEqual(r)
    expect(s.recordings.findByHash(fakeHash('none'))).toBeUndefined()
  })

  test('the same audio or the same name twice is refused with "exists"', () => {
    const s = ctx.store
    addRecording(s, 'a')
    expect(() => s.recordings.add({ path: '/x/copy.wav', hash: fakeHash('a') })).toThrow(
      /already in the library as "a"/,
    )
    expect(() => s.recordings.add({ path: '/x/a.wav', hash: fakeHash('other'), name: 'a' })).toThrow(
      /named "a" exists already/,
    )
    try {
      addRecording(s, 'a')
    } catch (e) {
      expect((e as StoreError).code).toBe('exists')
    }
    expect(s.recordings.count()).toBe(1)
  })

  test('invalid input and unknown ids', () => {
    const s = ctx.store
    expect(() => s.recordings.add({ path: '/a.wav', hash: 'abc' })).toThrow(/SHA-256/)
    expect(() => s.recordings.add({ path: '', hash: fakeHash(1) })).toThrow(/file path/)
    expect(() => s.recordings.get(42)).toThrow(/no recording 42/)
    expect(() => s.recordings.get(-1)).toThrow(/positive integer/)
    expect(() => s.recordings.resolve('nope')).toThrow(/no recording "nope"/)
  })

  test('list is ordered by name and carries the current revision; search and tag filter; count', () => {
    const s = ctx.store
    const b = addRecording(s, 'Blue in Green', { tags: ['jazz', 'modal'], source: 'Kind of Blue' })
    addRecording(s, 'autumn leaves', { tags: ['jazz'] })
    addRecording(s, 'Yesterday', { tags: ['pop'], source: 'Help!' })
    addRecording(s, '100%_done', { tags: [] })
    s.annotations.saveRevision({
      recordingId: b.id,
      segments: makeSegments(4),
      author: 'me',
      source: 'typed',
    })
    const all = s.recordings.list()
    expect(all.map((r) => r.name)).toEqual(['100%_done', 'autumn leaves', 'Blue in Green', 'Yesterday'])
    const blue = all.find((r) => r.name === 'Blue in Green')!
    expect(blue.current).toMatchObject({ status: 'draft', source: 'typed', author: 'me', segmentCount: 4 })
    expect(all.find((r) => r.name === 'Yesterday')!.current).toBeNull()
    expect(s.recordings.search('BLUE').map((r) => r.name)).toEqual(['Blue in Green'])
    expect(s.recordings.search('kind blue').map((r) => r.name)).toEqual(['Blue in Green'])
    expect(s.recordings.search('modal').map((r) => r.name)).toEqual(['Blue in Green'])
    expect(s.recordings.search('/music/yest').map((r) => r.name)).toEqual(['Yesterday'])
    expect(s.recordings.search('0%_').map((r) => r.name)).toEqual(['100%_done'])
    expect(s.recordings.search('%').map((r) => r.name)).toEqual(['100%_done'])
    expect(s.recordings.list({ tag: 'jazz' }).map((r) => r.name)).toEqual(['autumn leaves', 'Blue in Green'])
    expect(s.recordings.list({ tag: 'jaz' })).toEqual([])
    expect(s.recordings.list({ limit: 2, offset: 1 }).map((r) => r.name)).toEqual([
      'autumn leaves',
      'Blue in Green',
    ])
    expect(s.recordings.count()).toBe(4)
    expect(s.recordings.count({ search: 'blue' })).toBe(1)
    expect(s.recordings.count({ tag: 'jazz' })).toBe(2)
    expect(() => s.recordings.list({ limit: -2 })).toThrow(/limit/)
  })

  test('update changes fields and replaces tags; a taken name is refused', () => {
    const s = ctx.store
    const a = addRecording(s, 'a', { tags: ['x'] })
    addRecording(s, 'b')
    const u = s.recordings.update(a.id, { name: 'a2', split: 'train', durationS: 3, tags: ['y', 'z'] })
    expect(u).toMatchObject({ name: 'a2', split: 'train', durationS: 3, tags: ['y', 'z'], hash: a.hash })
    expect(() => s.recordings.update(a.id, { name: 'b' })).toThrow(/named "b" exists already/)
    expect(() => s.recordings.update(a.id, { name: ' ' })).toThrow(/non-empty name/)
    expect(s.recordings.get(a.id).name).toBe('a2')
  })

  test('relocate records the new path (a moved file keeps its annotations)', () => {
    const s = ctx.store
    const a = addRecording(s, 'a', { sizeBytes: 10 })
    s.annotations.saveRevision({
      recordingId: a.id,
      segments: makeSegments(2),
      author: 'me',
      source: 'typed',
    })
    const moved = s.recordings.relocate(a.id, '/new/place/a.wav', 11)
    expect(moved.path).toBe('/new/place/a.wav')
    expect(moved.sizeBytes).toBe(11)
    expect(s.recordings.findByHash(a.hash)!.path).toBe('/new/place/a.wav')
    expect(s.annotations.getCurrent(a.id)!.segments).toHaveLength(2)
  })

  test('remove deletes the recording with its revisions, segments, sequences, tags and cached features', () => {
    const s = ctx.store
    const a = addRecording(s, 'a', { tags: ['t'] })
    const b = addRecording(s, 'b')
    for (let i = 0; i < 3; i++)
      s.annotations.saveRevision({
        recordingId: a.id,
        segments: makeSegments(5),
        author: 'me',
        source: 'edited',
      })
    s.annotations.saveRevision({
      recordingId: b.id,
      segments: makeSegments(2),
      author: 'me',
      source: 'edited',
    })
    s.sequences.save(a.id, 'C G', { author: 'me' })
    s.featureCache.put(`${a.hash}:params`, {
      data: new Float32Array(12),
      frames: 1,
      sampleRate: 22050,
      hopSize: 512,
      windowSize: 2048,
      frameRate: 43,
      tuningCents: 0,
      pipeline: 'fmp',
    })
    const r = s.recordings.remove(a.id)
    expect(r.revisions).toBe(3)
    expect(r.recording.name).toBe('a')
    const count = (sql: string) => s.db.prepare(sql).pluck().get()
    expect(count('SELECT count(*) FROM revisions')).toBe(1)
    expect(count('SELECT count(*) FROM segments')).toBe(2)
    expect(count('SELECT count(*) FROM sequences')).toBe(0)
    expect(count('SELECT count(*) FROM recording_tags')).toBe(0)
    expect(s.featureCache.stats().entries).toBe(0)
    expect(() => s.recordings.get(a.id)).toThrow(/no recording/)
    expect(s.annotations.getCurrent(b.id)!.segments).toHaveLength(2)
    expect(s.check()).toEqual([])
  })

  test('load returns the recording, its current annotation and latest typed sequence', () => {
    const s = ctx.store
    const a = addRecording(s, 'a')
    expect(s.recordings.load(a.id)).toEqual({ recording: a, annotation: null, sequence: null })
    s.sequences.save(a.id, 'Am7 | D7 |', { author: 'me' })
    const rev = s.annotations.saveRevision({
      recordingId: a.id,
      segments: makeSegments(3),
      author: 'me',
      source: 'aligned',
    })
    const l = s.recordings.load(a.id)
    expect(l.recording.currentRevisionId).toBe(rev.id)
    expect(l.annotation!.segments).toEqual(makeSegments(3))
    expect(l.sequence!.text).toBe('Am7 | D7 |')
  })
})
