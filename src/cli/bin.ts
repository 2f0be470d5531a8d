import { main } from './index'

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (e) => {
    process.stderr.write(`chordwarp: internal error: ${(e as Error)?.message ?? e}\n`)
    process.exitCode = 2
  },
)
