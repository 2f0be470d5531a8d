/** Where the app's library lives when none is given (the store's default once it is wired). */
import { homedir } from 'node:os'
import { join } from 'node:path'

export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CHORDWARP_DB) return env.CHORDWARP_DB
  return join(env.XDG_DATA_HOME || join(env.HOME || homedir(), '.local', 'share'), 'chordwarp', 'library.db')
}
