/** importPath: folders, manifests, JAMS and single files; validation before any write; idempotent re-import. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { importPath, StoreError } from '../../../src/backend/store'
import { useFreshStore, wavBytes } from '../../helpers/store'

const ctx = useFreshStore()

const LAB_A = '0.000000\t1.500000\tN\n1.500000\t3.000000\tA:min7/b3\n3.000000\t4.000000\tDb:maj(9)\n'
const JAMS_C = JSON.stringify({
  file_metadata: { duration: 2 },
  annotations: [
    {
      namespace: 'chord',
      annotation_metadata: { annotator: { name: 'Ana' } },
      data: [{ time: 0, duration: 2, value: 'C:maj', confidence: null }],
    },
    {
      namespace: 'chord_harte',
      annotation_metadata: { annotator: { name: 'Ben' } },
      data: [
        { time: 0, duration: 1, value: 'C:maj', confidence: null },
        { time: 1, duration: 1, value: 'G:7', confidence: null },
      ],
    },
  ],
})

/** root/a.wav+lab+chords.txt, root/sub/b.wav+lab, root/sub/c.wav+jams, root/orphan.lab */
function makeFolder(root: string) {
  mkdirSync(join(root, 'sub'), { recursive: true })
  writeFileSync(join(root, 'a.wav'), wavBytes(4, 8000, 1))
  writeFileSync(join(root, 'a.lab'), LAB_A)
  writeFileSync(join(root, 'a.chords.txt'), 'Am7/C Dbadd9\n')
  writeFileSync(join(root, 'sub', 'b.wav'), wavBytes(2, 16000, 2))
  writeFileSync(join(root, 'sub', 'b.lab'), '0 2 E:min\n')
  writeFileSync(join(root, 'sub', 'c.wav'), wavBytes(2, 8000, 3))
  writeFileSync(join(root, 'sub', 'c.jams'), JAMS_C)
  writeFileSync(join(root, 'orphan.lab'), '0 1 C:maj\n')
  writeFileSync(join(root, 'notes.txt'), 'not imported\n')
}

describe('folder import', () => {
  test('audio with same-stem .lab/.chords.txt/.jams; labels and typed text kept as written', async () => {
    const s = ctx.store
    const root = join(ctx.dir, 'corpus')
    makeFolder(root)
    const r = await importPath(s, root, { author: 'Zoe' })
    expect(r.mode).toBe('folder')
    expect(r.counts).toMatchObject({ added: 3, revisions: 4, sequences: 1, skipped: 0 })
    expect(r.warnings).toEqual([expect.stringMatching(/^orphan\.lab: no audio file with the same name/)])
    const a = s.recordings.findByName('a')!
    expect(a).toMatchObject({
      collection: '',
      durationS: 4,
      sampleRate: 8000,
      format: 'wav',
      path: join(root, 'a.wav'),
    })
    const cur = s.annotations.getCurrent(a.id)!
    expect(cur).toMatchObject({ source: 'imported', author: 'Zoe', note: 'imported from a.lab' })
    expect(cur.segments.map((x) => x.label)).toEqual(['N', 'A:min7/b3', 'Db:maj(9)'])
    expect(s.sequences.latest(a.id)!.text).toBe('Am7/C Dbadd9')
    expect(cur.sequenceId).toBe(s.sequences.latest(a.id)!.id)
    const b = s.recordings.findByName('b')!
    expect(b).toMatchObject({ collection: 'sub', durationS: 2, sampleRate: 16000 })
    const c = s.recordings.findByName('c')!
    const revs = s.annotations.listRevisions(c.id)
    expect(revs.map((v) => v.author)).toEqual(['Ben', 'Ana'])
    expect(s.annotations.getCurrent(c.id)!.segments.map((x) => x.label)).toEqual(['C:maj', 'G:7'])
  })

  test('importing again changes nothing; a moved folder is found again by content', async () => {
    const s = ctx.store
    const root = join(ctx.dir, 'corpus')
    makeFolder(root)
    await importPath(s, root)
    const before = s.recordings.list()
    const again = await importPath(s, root)
    expect(again.counts).toMatchObject({ added: 0, updated: 0, unchanged: 3, revisions: 0, sequences: 0 })
    const moved = join(ctx.dir, 'moved')
    renameSync(root, moved)
    const r = await importPath(s, moved)
    expect(r.counts).toMatchObject({ relocated: 3, added: 0, revisions: 0 })
    const after = s.recordings.list()
    expect(after.map((x) => [x.id, x.currentRevisionId])).toEqual(
      before.map((x) => [x.id, x.currentRevisionId]),
    )
    expect(s.recordings.findByName('b')!.path).toBe(join(moved, 'sub', 'b.wav'))
  })

  test('a changed .lab becomes a new revision on top of the old one', async () => {
    const s = ctx.store
    const root = join(ctx.dir, 'corpus')
    makeFolder(root)
    await importPath(s, root)
    const a = s.recordings.findByName('a')!
    writeFileSync(join(root, 'a.lab'), '0 4 A:min7\n')
    const r = await importPath(s, root)
    expect(r.counts).toMatchObject({ updated: 1, unchanged: 2, revisions: 1 })
    const revs = s.annotations.listRevisions(a.id)
    expect(revs).toHaveLength(2)
    expect(revs[0]!.parentId).toBe(revs[1]!.id)
    expect(s.annotations.getCurrent(a.id)!.segments).toEqual([{ start: 0, end: 4, label: 'A:min7' }])
  })

  test('a .lab with garbage lines refuses the whole import and names file and line; nothing is written', async () => {
    const s = ctx.store
    const root = join(ctx.dir, 'corpus')
    makeFolder(root)
    writeFileSync(join(root, 'sub', 'b.lab'), '0 1 E:min\nthis is not a lab line\n1 2 E:mni\n')
    let err: StoreError | undefined
    try {
      await importPath(s, root)
    } catch (e) {
      err = e as StoreError
    }
    expect(err).toBeInstanceOf(StoreError)
    expect(err!.code).toBe('invalid')
    expect(err!.message).toMatch(
      /^sub\/b\.lab line 2: times must be numbers, got "this" "is" \(and 1 more problem\): nothing imported; fix the file, or pass --skip-invalid to import the 2 valid items$/,
    )
    expect(s.recordings.count()).toBe(0)
    const r = await importPath(s, root, { skipInvalid: true })
    expect(r.counts).toMatchObject({ added: 2, skipped: 1 })
    expect(r.skipped[0]!.path).toBe(join(root, 'sub', 'b.wav'))
    expect(r.skipped[0]!.reason).toMatch(/line 2.*; sub\/b\.lab line 3: .*E:mni/)
    expect(s.recordings.findByName('b')).toBeUndefined()
  })

  test('a bad .chords.txt and an unreadable JAMS are refused too', async () => {
    const s = ctx.store
    const root = join(ctx.dir, 'corpus')
    makeFolder(root)
    writeFileSync(join(root, 'a.chords.txt'), 'C G Hm7 F\n')
    await expect(importPath(s, root)).rejects.toThrow(/^a\.chords\.txt: .*Hm7.*nothing imported/)
    writeFileSync(join(root, 'a.chords.txt'), 'C G\n')
    writeFileSync(
      join(root, 'sub', 'c.jams'),
      '{"annotations": [{"namespace": "chord", "data": [{"time": 0, "duration": 1, "value": "Q"}]}]}',
    )
    await expect(importPath(s, root)).rejects.toThrow(
      /^sub\/c\.jams annotation 1, observation 1: "Q" is not a Harte/,
    )
    expect(s.recordings.count()).toBe(0)
  })

  test('the same audio twice in one import is kept once', async () => {
    const s = ctx.store
    const root = join(ctx.dir, 'dups')
    mkdirSync(root)
    writeFileSync(join(root, 'one.wav'), wavBytes(1, 8000, 9))
    writeFileSync(join(root, 'two.wav'), wavBytes(1, 8000, 9))
    const r = await importPath(s, root)
    expect(r.counts).toMatchObject({ added: 1, skipped: 1 })
    expect(r.skipped[0]!.reason).toMatch(/same audio as .*one\.wav/)
  })
})

describe('manifest import', () => {
  function makeManifest(root: string, items: object[]) {
    mkdirSync(join(root, 'set'), { recursive: true })
    writeFileSync(join(root, 'set', 'x1.wav'), wavBytes(3, 8000, 11))
    writeFileSync(join(root, 'set', 'x1.lab'), '0 3 F#:hdim7\n')
    writeFileSync(join(root, 'set', 'x1.chords.txt'), 'F#:hdim7\n')
    writeFileSync(join(root, 'manifest.json'), JSON.stringify({ items }))
  }
  const item = {
    id: 'x1',
    audio: 'set/x1.wav',
    lab: 'set/x1.lab',
    chords: 'set/x1.chords.txt',
    source: 'made here',
    license: 'CC0',
    duration_s: 3.0,
    sample_rate: 8000,
    split: 'val',
  }

  test('fields of the manifest are stored; the manifest id is the name; the folder is the collection', async () => {
    const s = ctx.store
    const root = join(ctx.dir, 'm')
    makeManifest(root, [item])
    const r = await importPath(s, join(root, 'manifest.json'))
    expect(r.mode).toBe('manifest')
    const x = s.recordings.findByName('x1')!
    expect(x).toMatchObject({
      collection: 'set',
      source: 'made here',
      license: 'CC0',
      split: 'val',
      durationS: 3,
      sampleRate: 8000,
    })
    expect(s.annotations.getCurrent(x.id)!.segments).toEqual([{ start: 0, end: 3, label: 'F#:hdim7' }])
    // a folder holding manifest.json is read as the manifest
    expect((await importPath(s, root)).counts.unchanged).toBe(1)
  })

  test('a malformed manifest or a missing file is refused with its place', async () => {
    const s = ctx.store
    const root = join(ctx.dir, 'm')
    makeManifest(root, [{ ...item, audio: 7 }])
    await expect(importPath(s, root)).rejects.toThrow(/^manifest\.json: items\.0\.audio: .*nothing imported/)
    makeManifest(root, [item, { ...item, id: 'x2', audio: 'set/x2.wav', lab: undefined, chords: undefined }])
    await expect(importPath(s, root)).rejects.toThrow(
      /x2\.wav: audio cannot be read \(ENOENT\).*nothing imported/,
    )
    writeFileSync(join(root, 'manifest.json'), '{"items": [')
    await expect(importPath(s, root)).rejects.toThrow(/is not valid JSON/)
    expect(s.recordings.count()).toBe(0)
  })
})

describe('single files', () => {
  test('an audio file brings its same-stem annotation; a .lab finds its audio; a .jams takes --audio', async () => {
    const s = ctx.store
    const root = join(ctx.dir, 'corpus')
    makeFolder(root)
    const r1 = await importPath(s, join(root, 'a.wav'))
    expect(r1.mode).toBe('file')
    expect(r1.counts).toMatchObject({ added: 1, revisions: 1, sequences: 1 })
    const r2 = await importPath(s, join(root, 'sub', 'b.lab'))
    expect(r2.items[0]).toMatchObject({ name: 'b', action: 'added', revisions: 1 })
    writeFileSync(join(ctx.dir, 'elsewhere.jams'), JAMS_C)
    const r3 = await importPath(s, join(ctx.dir, 'elsewhere.jams'), { audio: join(root, 'sub', 'c.wav') })
    expect(r3.mode).toBe('jams')
    expect(r3.counts).toMatchObject({ added: 1, revisions: 2 })
    await expect(importPath(s, join(root, 'orphan.lab'))).rejects.toThrow(
      /orphan\.lab has no audio file .*pass --audio FILE/,
    )
    await expect(importPath(s, join(root, 'notes.txt'))).rejects.toThrow(/not something to import/)
    await expect(importPath(s, join(root, 'nope'))).rejects.toThrow(/does not exist/)
  })
})
