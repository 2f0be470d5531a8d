/** nativeBindingFor: Electron gets the out/electron-native build, Node better-sqlite3's own lookup. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { ELECTRON_NATIVE_BINDING, nativeBindingFor } from '../../../src/backend/store'
import { tempDir } from '../../helpers/store'

let dir: string
beforeEach(() => {
  dir = tempDir()
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

test('under Node: undefined (the node_modules build)', () => {
  expect(nativeBindingFor(dir)).toBeUndefined()
})

test('under Electron: the rebuilt addon when it exists, else undefined', () => {
  const electron = { ...process.versions, electron: '45.5.0' }
  expect(nativeBindingFor(dir, undefined, electron)).toBeUndefined()
  const f = join(dir, ELECTRON_NATIVE_BINDING)
  mkdirSync(join(f, '..'), { recursive: true })
  writeFileSync(f, '')
  expect(nativeBindingFor(dir, undefined, electron)).toBe(f)
  expect(nativeBindingFor(dir, ['/nope.node', f], electron)).toBe(f)
})
