/** store.backup: SQLite's online backup API, into a checked, self-contained file. */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { openStore } from '../../../src/backend/store'
import { addRecording, makeSegments, useFreshStore } from '../../helpers/store'

const ctx = useFreshStore()

test('the backup opens as a library with the same content; no partial or WAL files are left', async () => {
  const s = ctx.store
  const r = addRecording(s, 'song', { tags: ['x'] })
  for (let i = 1; i <= 5; i++)
    s.annotations.saveRevision({
      recordingId: r.id,
      segments: makeSegments(i * 10),
      author: 'a',
      source: 'edited',
    })
  s.models.save({ name: 'm', kind: 'dchord', weights: [1], active: true })
  const file = join(ctx.dir, 'backups', 'b1.db')
  const res = await s.backup(file)
  expect(res.path).toBe(file)
  expect(res.bytes).toBeGreaterThan(0)
  expect(readdirSync(join(ctx.dir, 'backups'))).toEqual(['b1.db'])
  // the original keeps working while and after the backup
  s.annotations.saveRevision({ recordingId: r.id, segments: makeSegments(3), author: 'a', source: 'edited' })
  const b = openStore(file, { readonly: true })
  try {
    expect(b.check()).toEqual([])
    expect(b.recordings.get(r.id)).toEqual({
      ...s.recordings.get(r.id),
      currentRevisionId: b.recordings.get(r.id).currentRevisionId,
    })
    expect(b.annotations.listRevisions(r.id)).toHaveLength(5)
    expect(b.annotations.getCurrent(r.id)!.segments).toEqual(makeSegments(50))
    expect(b.models.getActive()!.weights).toEqual([1])
  } finally {
    b.close()
  }
})

test('an existing file is not overwritten unless asked; the library itself is refused', async () => {
  const s = ctx.store
  addRecording(s, 'a')
  const file = join(ctx.dir, 'b.db')
  await s.backup(file)
  await expect(s.backup(file)).rejects.toThrow(/exists already: choose another file or pass --force/)
  addRecording(s, 'b')
  await s.backup(file, { overwrite: true })
  const b = openStore(file, { readonly: true })
  expect(b.recordings.count()).toBe(2)
  b.close()
  await expect(s.backup(s.path)).rejects.toThrow(/another file than the library/)
  expect(existsSync(`${file}.partial-${process.pid}`)).toBe(false)
})
