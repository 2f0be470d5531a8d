// `npm start`: opens the Electron app where its binary is available; otherwise starts browser mode
// (`chordwarp serve`) and prints the URL to open. Builds first if the build is missing.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)

if (!existsSync(join(root, 'out/main/index.js')) || !existsSync(join(root, 'out/renderer/index.html'))) {
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

/** Path of the Electron binary, or the reason there is none. */
function electronBinary() {
  try {
    const dir = dirname(require.resolve('electron/package.json'))
    const pathTxt = join(dir, 'path.txt')
    if (!existsSync(pathTxt))
      return { reason: 'the Electron binary was not downloaded (offline install or no postinstall)' }
    const bin = join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim())
    if (!existsSync(bin)) return { reason: `the Electron binary ${bin} is missing` }
    if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && process.platform === 'linux') {
      return { reason: 'there is no display (DISPLAY / WAYLAND_DISPLAY unset)' }
    }
    return { bin }
  } catch {
    return { reason: 'the electron package is not installed' }
  }
}

const electron = electronBinary()
if (electron.bin && !process.argv.includes('--browser')) {
  const child = spawn(electron.bin, [root], { stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
} else {
  if (!process.argv.includes('--browser')) {
    console.log(
      `ChordWarp: not opening the desktop app because ${electron.reason}; starting browser mode instead.`,
    )
  }
  const args = ['bin/chordwarp.js', 'serve', ...process.argv.slice(2).filter((a) => a !== '--browser')]
  const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
}
