/** Locating the shared dev corpus (`../shared/data` beside the repository). */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const CORPUS_DIR = process.env.CHORDWARP_CORPUS ?? resolve(REPO_ROOT, '../shared/data')
export const MANIFEST = join(CORPUS_DIR, 'manifest.json')

export interface ManifestItem {
  id: string
  audio: string
  lab: string
  chords: string
  source: string
  license: string
  duration_s: number
  sample_rate: number
  split: 'train' | 'val' | 'test'
}

/** True when the corpus is present. Corpus-wide tests use `describe.skipIf(!hasCorpus())` and say why. */
export function hasCorpus(): boolean {
  const ok = existsSync(MANIFEST)
  if (!ok)
    console.warn(
      `[corpus] ${MANIFEST} is missing: corpus-wide checks are skipped (put ../shared/data beside the repo)`,
    )
  return ok
}

export function loadManifest(): ManifestItem[] {
  return (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { items: ManifestItem[] }).items
}

export function corpusPath(rel: string): string {
  return join(CORPUS_DIR, rel)
}
