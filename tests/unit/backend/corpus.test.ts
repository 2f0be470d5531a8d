import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { corpusFingerprint, loadRecordings, readManifest } from '../../../src/backend/training/corpus'
import { corpusPath, hasCorpus, loadManifest } from '../../helpers/corpus'

function tmpCorpus(items: unknown, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'cw-corpus-'))
  mkdirSync(join(dir, 'a'), { recursive: true })
  for (const [p, text] of Object.entries(files)) writeFileSync(join(dir, p), text)
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ items }))
  return join(dir, 'manifest.json')
}

const fakeChroma = async () => ({ data: new Float32Array(10 * 12).fill(1), frames: 10, frameRate: 2 })

describe('readManifest', () => {
  it('names the problem in one line', () => {
    expect(() => readManifest('/nonexistent/m.json')).toThrow('manifest not found: /nonexistent/m.json')
    expect(() => readManifest(tmpCorpus('x'))).toThrow(/must be \{"items": \[...\]\}/)
    expect(() =>
      readManifest(
        tmpCorpus([
          { id: 'a', audio: 'a/a.wav' },
          { id: 'a', audio: 'a/b.wav' },
        ]),
      ),
    ).toThrow(/item 2: duplicate id "a"/)
    expect(() => readManifest(tmpCorpus([{ id: 'a', audio: 'a/a.wav', split: 'dev' }]))).toThrow(
      /"split" must be train, val or test, got "dev"/,
    )
  })
  it('resolves paths against the manifest folder and takes the group from the first folder', () => {
    const m = tmpCorpus([{ id: 'x', audio: 'a/x.wav', lab: 'a/x.lab', split: 'val' }])
    const c = readManifest(m)
    expect(c.items[0]!.audio).toBe(join(m, '..', 'a/x.wav'))
    expect(c.items[0]!.chords).toBeNull()
    expect(c.items[0]!.group).toBe('a')
    expect(c.items[0]!.split).toBe('val')
  })
})

describe('loadRecordings', () => {
  it('builds strong targets from .lab and the typed sequence from .chords.txt', async () => {
    const m = tmpCorpus(
      [{ id: 'x', audio: 'a/x.wav', lab: 'a/x.lab', chords: 'a/x.chords.txt', split: 'train' }],
      {
        'a/x.lab': '0.000000\t1.000000\tN\n1.000000\t3.000000\tC:maj\n3.000000\t5.000000\tA:min7\n',
        'a/x.chords.txt': 'C:maj A:min7\n',
      },
    )
    const [r] = await loadRecordings(readManifest(m).items, fakeChroma)
    expect(Array.from(r!.strong!)).toEqual([24, 24, 0, 0, 0, 0, 21, 21, 21, 21])
    expect(r!.sequence).toEqual([0, 21])
    const [typed] = await loadRecordings(readManifest(m).items, fakeChroma, { useLab: false })
    expect(typed!.strong).toBeNull()
  })
  it('says which item cannot be read', async () => {
    const m = tmpCorpus([{ id: 'x', audio: 'a/x.wav', lab: 'a/x.lab' }], {
      'a/x.lab': '0 1 C:maj\nbad line\n',
    })
    await expect(loadRecordings(readManifest(m).items, fakeChroma)).rejects.toThrow(/^x: .*x\.lab: line 2/)
    const m2 = tmpCorpus([{ id: 'y', audio: 'a/y.wav' }])
    await expect(loadRecordings(readManifest(m2).items, fakeChroma)).rejects.toThrow(
      'y: neither a .lab nor a .chords.txt to learn from',
    )
  })
})

describe('corpusFingerprint', () => {
  it('depends on contents and splits, not on where the corpus lies', () => {
    const files = { 'a/x.lab': '0 1 C:maj\n', 'a/x.wav': 'RIFF' }
    const items = [{ id: 'x', audio: 'a/x.wav', lab: 'a/x.lab', split: 'train' }]
    const a = corpusFingerprint(readManifest(tmpCorpus(items, files)).items)
    const b = corpusFingerprint(readManifest(tmpCorpus(items, files)).items)
    expect(a).toBe(b)
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/)
    expect(
      corpusFingerprint(readManifest(tmpCorpus(items, { ...files, 'a/x.lab': '0 1 D:maj\n' })).items),
    ).not.toBe(a)
    expect(
      corpusFingerprint(readManifest(tmpCorpus([{ ...items[0], split: 'test' }], files)).items),
    ).not.toBe(a)
  })
})

describe.skipIf(!hasCorpus())('the shared corpus manifest', () => {
  it('reads with every split and group', () => {
    const c = readManifest(corpusPath('manifest.json'))
    expect(c.items).toHaveLength(loadManifest().length)
    expect(new Set(c.items.map((i) => i.split))).toEqual(new Set(['train', 'val', 'test']))
    expect(new Set(c.items.map((i) => i.group))).toEqual(new Set(['synth', 'pop909']))
  })
})
