/** defaultDbPath: $CHORDWARP_DB, else the per-user data folder of each platform. */
import { expect, test } from 'vitest'
import { defaultDbPath } from '../../../src/backend/store'

test('CHORDWARP_DB wins everywhere', () => {
  expect(defaultDbPath({ CHORDWARP_DB: '/x/lib.db', HOME: '/home/u' }, 'linux')).toBe('/x/lib.db')
  expect(defaultDbPath({ CHORDWARP_DB: 'C:\\lib.db' }, 'win32')).toBe('C:\\lib.db')
})

test('per-platform defaults', () => {
  expect(defaultDbPath({ HOME: '/home/u' }, 'linux')).toBe('/home/u/.local/share/chordwarp/library.db')
  expect(defaultDbPath({ HOME: '/home/u', XDG_DATA_HOME: '/data' }, 'linux')).toBe(
    '/data/chordwarp/library.db',
  )
  expect(defaultDbPath({ HOME: '/Users/u' }, 'darwin')).toBe(
    '/Users/u/Library/Application Support/ChordWarp/library.db',
  )
  expect(defaultDbPath({ APPDATA: '/appdata', HOME: '/h' }, 'win32')).toMatch(
    /^\/appdata.ChordWarp.library\.db$/,
  )
})
