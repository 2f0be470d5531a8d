/** The shared corpus round-trips through the CLI: import → export --all → identical manifest, labels, typed text, audio. */
import { createHash } from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { chordwarp } from '../helpers/cli'
import { CORPUS_DIR, corpusPath, hasCorpus, loadManifest, MANIFEST } from '../helpers/corpus'
import { tempDir } from '../helpers/store'

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex')

describe.skipIf(!hasCorpus())('corpus round trip (../shared/data)', () => {
  let dir: string
  let db: string
  beforeAll(() => {
    dir = tempDir('cw-roundtrip-')
    db = join(dir, 'library.db')
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('import the corpus, export it, compare everything', () => {
    const imp = chordwarp(['import', CORPUS_DIR, '--db', db, '--json'])
    expect(imp.code, imp.stderr).toBe(0)
    const items = loadManifest()
    const report = JSON.parse(imp.stdout)
    expect(report.counts).toMatchObject({
      added: items.length,
      revisions: items.length,
      sequences: items.length,
      skipped: 0,
    })
    expect(report.warnings).toEqual([])

    const out = join(dir, 'export')
    const exp = chordwarp(['export', '--all', '--out', out, '--db', db, '--json'])
    expect(exp.code, exp.stderr).toBe(0)
    expect(JSON.parse(exp.stdout)).toMatchObject({ items: items.length, skipped: [] })
    // the manifest: same items, same field order, and byte for byte the same file
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))).toEqual(
      JSON.parse(readFileSync(MANIFEST, 'utf8')),
    )
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(readFileSync(MANIFEST, 'utf8'))
    for (const it of items) {
      expect(readFileSync(join(out, it.lab), 'utf8'), it.lab).toBe(readFileSync(corpusPath(it.lab), 'utf8'))
      expect(readFileSync(join(out, it.chords), 'utf8'), it.chords).toBe(
        readFileSync(corpusPath(it.chords), 'utf8'),
      )
      expect(sha(join(out, it.audio)), it.audio).toBe(sha(corpusPath(it.audio)))
    }
    // importing the export into the same library finds every recording by content: nothing new
    const again = chordwarp(['import', out, '--db', db, '--json'])
    expect(again.code, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout).counts).toMatchObject({ added: 0, revisions: 0, sequences: 0 })
  })
})
