import { main } from './index'

// `chordwarp … | head`: a closed pipe is not an error
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0)
  throw e
})

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (e) => {
    process.stderr.write(`chordwarp: internal error: ${(e as Error)?.message ?? e}\n`)
    process.exitCode = 2
  },
)
