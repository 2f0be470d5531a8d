/** `chordwarp dtw --input case.json`: value, gradient and path of (soft-)DTW problems, JSON in and out. */
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { type DtwBackendName, softDtw, softDtwDivergence, softDtwSequences } from '../../core/dtw'
import { type DtwCase, parseDtwCases } from '../dtw-input'
import { UserError } from '../errors'
import { printJson } from '../output'

const BACKENDS = ['auto', 'ts', 'native', 'cuda']

/** N×M row-major → nested rows. */
function rows(a: ArrayLike<number>, n: number, m: number): number[][] {
  const out: number[][] = []
  for (let i = 0; i < n; i++) out.push(Array.from({ length: m }, (_, j) => a[i * m + j]!))
  return out
}

/** +Infinity (no admissible path) has no JSON spelling: it is printed as null. */
const num = (v: number) => (Number.isFinite(v) ? v : null)

function solve(c: DtwCase, backend: 'auto' | DtwBackendName): Record<string, unknown> {
  if (c.kind === 'matrix') {
    const r = softDtw(c.C, c.N, c.M, { ...c.opts, backend })
    const out: Record<string, unknown> = { value: num(r.value) }
    if (r.grad) out.grad = rows(r.grad, c.N, c.M)
    if (r.path) out.path = r.path
    return out
  }
  const N = c.x.length / c.d
  const M = c.y.length / c.d
  if (c.divergence) {
    const r = softDtwDivergence(c.x, c.y, c.d, { ...c.opts, backend })
    const out: Record<string, unknown> = { value: num(r.value) }
    if (r.gradX) out.gradX = rows(r.gradX, N, c.d)
    if (r.gradY) out.gradY = rows(r.gradY, M, c.d)
    return out
  }
  const r = softDtwSequences(c.x, c.y, c.d, { ...c.opts, backend })
  const out: Record<string, unknown> = { value: num(r.value) }
  if (r.grad) out.grad = rows(r.grad, N, M)
  if (r.path) out.path = r.path
  if (r.gradX) out.gradX = rows(r.gradX, N, c.d)
  if (r.gradY) out.gradY = rows(r.gradY, M, c.d)
  return out
}

export function register(program: Command): void {
  program
    .command('dtw')
    .description('soft-DTW / DTW value, gradient and path of a cost matrix or two sequences')
    .requiredOption('--input <file>', 'case JSON (one case or a list), "-" for stdin')
    .option('--backend <name>', 'auto | ts | native | cuda', 'auto')
    .option('--json', 'print one JSON value (always on: the output is JSON)')
    .action((opts: { input: string; backend: string }) => {
      if (!BACKENDS.includes(opts.backend))
        throw new UserError(`--backend must be one of ${BACKENDS.join(', ')}, got "${opts.backend}"`)
      let text: string
      try {
        text = readFileSync(opts.input === '-' ? 0 : opts.input, 'utf8')
      } catch (e) {
        throw new UserError(
          `cannot read ${opts.input}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        )
      }
      const { cases, list } = parseDtwCases(text, opts.input)
      const results = cases.map((c) => solve(c, opts.backend as 'auto' | DtwBackendName))
      printJson(list ? results : results[0])
    })
}
