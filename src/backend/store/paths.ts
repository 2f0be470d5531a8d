/** Where the library lives by default: `$CHORDWARP_DB`, else the per-user data folder. */
import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * Default library file. `$CHORDWARP_DB` wins; otherwise
 * Linux `$XDG_DATA_HOME/chordwarp/library.db` (default `~/.local/share/chordwarp/library.db`),
 * macOS `~/Library/Application Support/ChordWarp/library.db`,
 * Windows `%APPDATA%\ChordWarp\library.db`. The Electron app uses the same file as the CLI (not
 * Electron's `userData`), so both see one library.
 */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.CHORDWARP_DB) return env.CHORDWARP_DB
  const home = env.HOME || env.USERPROFILE || homedir()
  if (platform === 'win32')
    return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'ChordWarp', 'library.db')
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'ChordWarp', 'library.db')
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'chordwarp', 'library.db')
}
