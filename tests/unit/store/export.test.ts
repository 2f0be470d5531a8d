/** exportRecording / exportCorpus: rich .lab, typed .chords.txt, corpus folder + manifest that re-imports. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { exportCorpus, exportRecording, importPath, openStore } from '../../../src/backend/store'
import { useFreshStore, wavBytes } from '../../helpers/store'

const ctx = useFreshStore()

async function smallLibrary(root: string) {
  mkdirSync(join(root, 'jazz'), { recursive: true })
  writeFileSync(join(root, 'jazz', 'blue.wav'), wavBytes(3, 8000, 1))
  writeFileSync(join(root, 'jazz', 'blue.lab'), '0 1.25 D:min7\n1.25 3 G:7(b9)/b7\n')
  writeFileSync(join(root, 'jazz', 'blue.chords.txt'), '| Dm7 | G7b9/F |\n')
  writeFileSync(join(root, 'plain.wav'), wavBytes(2, 8000, 2))
  writeFileSync(join(root, 'plain.lab'), '0 2 C:maj\n')
  writeFileSync(join(root, 'bare.wav'), wavBytes(1, 8000, 3))
  await importPath(ctx.store, root)
}

describe('exportRecording', () => {
  test('writes <name>.lab with labels as written (6 decimals, tabs) and the typed sequence', async () => {
    await smallLibrary(join(ctx.dir, 'in'))
    const out = join(ctx.dir, 'out')
    const r = exportRecording(ctx.store, 'blue', out)
    expect(readFileSync(r.lab, 'utf8')).toBe('0.000000\t1.250000\tD:min7\n1.250000\t3.000000\tG:7(b9)/b7\n')
    expect(readFileSync(r.chords, 'utf8')).toBe('| Dm7 | G7b9/F |\n')
    // without a typed sequence: the annotation's label sequence
    expect(readFileSync(exportRecording(ctx.store, 'plain', out).chords, 'utf8')).toBe('C:maj\n')
    expect(() => exportRecording(ctx.store, 'blue', out)).toThrow(/blue\.lab exists already.*--force/)
    ctx.store.annotations.saveRevision({
      recordingId: r.id,
      segments: [{ start: 0, end: 3, label: 'D:min7' }],
      author: 'me',
      source: 'edited',
    })
    exportRecording(ctx.store, r.id, out, { overwrite: true })
    expect(readFileSync(r.lab, 'utf8')).toBe('0.000000\t3.000000\tD:min7\n')
    expect(() => exportRecording(ctx.store, 'bare', out)).toThrow(/"bare" has no annotation yet/)
    expect(() => exportRecording(ctx.store, 'nothing', out)).toThrow(/no recording "nothing"/)
  })
})

describe('exportCorpus', () => {
  test('audio, .lab, .chords.txt and manifest.json in the shared/data format; re-import gives the same library', async () => {
    const src = join(ctx.dir, 'in')
    await smallLibrary(src)
    const out = join(ctx.dir, 'out')
    const r = exportCorpus(ctx.store, out)
    expect(r.items).toBe(2)
    expect(r.skipped).toEqual([{ name: 'bare', reason: 'no annotation yet' }])
    const manifest = JSON.parse(readFileSync(r.manifest, 'utf8'))
    expect(manifest.items.map((i: object) => Object.keys(i))).toEqual([
      ['id', 'audio', 'lab', 'chords', 'source', 'license', 'duration_s', 'sample_rate', 'split'],
      ['id', 'audio', 'lab', 'chords', 'source', 'license', 'duration_s', 'sample_rate', 'split'],
    ])
    expect(manifest.items[0]).toEqual({
      id: 'blue',
      audio: 'jazz/blue.wav',
      lab: 'jazz/blue.lab',
      chords: 'jazz/blue.chords.txt',
      source: '',
      license: '',
      duration_s: 3,
      sample_rate: 8000,
      split: null,
    })
    expect(
      readFileSync(join(out, 'jazz', 'blue.wav')).equals(readFileSync(join(src, 'jazz', 'blue.wav'))),
    ).toBe(true)
    expect(() => exportCorpus(ctx.store, out)).toThrow(/manifest\.json exists already/)

    const again = openStore(join(ctx.dir, 'again.db'))
    try {
      const rep = await importPath(again, out)
      expect(rep.counts).toMatchObject({ added: 2, revisions: 2, sequences: 2 })
      for (const name of ['blue', 'plain']) {
        const a = ctx.store.recordings.findByName(name)!
        const b = again.recordings.findByName(name)!
        expect(b.hash).toBe(a.hash)
        expect(b.collection).toBe(a.collection)
        expect(again.annotations.getCurrent(b.id)!.segments).toEqual(
          ctx.store.annotations.getCurrent(a.id)!.segments,
        )
      }
      expect(again.sequences.latest(again.recordings.findByName('blue')!.id)!.text).toBe('| Dm7 | G7b9/F |')
    } finally {
      again.close()
    }
  })

  test('missing or changed audio is reported, not silently skipped', async () => {
    const src = join(ctx.dir, 'in')
    await smallLibrary(src)
    writeFileSync(join(src, 'plain.wav'), wavBytes(5, 8000, 2))
    expect(() => exportCorpus(ctx.store, join(ctx.dir, 'o1'))).toThrow(
      /audio of "plain" .* changed since it was imported/,
    )
    rmSync(join(src, 'plain.wav'))
    expect(() => exportCorpus(ctx.store, join(ctx.dir, 'o2'))).toThrow(
      /audio of "plain" is missing .*import the folder it moved to/,
    )
  })
})
