/**
 * Reading `chordwarp dtw` cases from JSON: a cost matrix ({"cost": [[…]], "gamma": 1, …}) or two
 * sequences ({"x": [[…]], "y": [[…]], "cost": "sqeuclidean", …}); every mistake is one UserError line.
 */
import {
  COST_NAMES,
  type DtwCostName,
  type DtwOptions,
  defaultDtwOptions,
  nearestKey,
  resolveDtwOptions,
  type SequenceDtwOptions,
} from '../core/dtw'
import { UserError } from './errors'

const DTW_KEYS = Object.keys(defaultDtwOptions).filter((k) => k !== 'backend' && k !== 'validate')
const CASE_KEYS = [...DTW_KEYS, 'cost', 'x', 'y', 'costEps', 'divergence', 'dtype']

export type DtwCase =
  | { kind: 'matrix'; C: Float64Array | Float32Array; N: number; M: number; opts: Partial<DtwOptions> }
  | {
      kind: 'sequences'
      x: Float64Array
      y: Float64Array
      d: number
      divergence: boolean
      opts: Partial<SequenceDtwOptions>
    }

/** Parse the file's JSON (one case or a list of cases). */
export function parseDtwCases(text: string, source: string): { cases: DtwCase[]; list: boolean } {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    throw new UserError(`${source}: not valid JSON (${(e as Error).message})`)
  }
  const list = Array.isArray(data)
  const items = list ? (data as unknown[]) : [data]
  if (items.length === 0) throw new UserError(`${source}: the list of cases is empty`)
  return { cases: items.map((it, k) => parseCase(it, list ? `${source}: case ${k}` : source)), list }
}

function parseCase(it: unknown, where: string): DtwCase {
  if (typeof it !== 'object' || it === null || Array.isArray(it))
    throw new UserError(`${where}: a case must be an object like {"cost": [[…]], "gamma": 1}`)
  const o = it as Record<string, unknown>
  for (const k of Object.keys(o))
    if (!CASE_KEYS.includes(k))
      throw new UserError(`${where}: unknown key "${k}" (did you mean "${nearestKey(k, CASE_KEYS)}"?)`)
  const opts: Record<string, unknown> = {}
  for (const k of DTW_KEYS) if (o[k] !== undefined) opts[k] = o[k]
  if (opts.band === undefined && 'band' in o) opts.band = null
  if (opts.diagonalPrior === undefined && 'diagonalPrior' in o) opts.diagonalPrior = null
  try {
    resolveDtwOptions(opts as Partial<DtwOptions>)
  } catch (e) {
    throw new UserError(`${where}: ${(e as Error).message}`)
  }
  const dtype = o.dtype ?? 'float64'
  if (dtype !== 'float64' && dtype !== 'float32')
    throw new UserError(`${where}: dtype must be "float64" or "float32", got ${JSON.stringify(dtype)}`)
  if (o.x !== undefined || o.y !== undefined) {
    if (o.x === undefined || o.y === undefined) throw new UserError(`${where}: give both "x" and "y"`)
    const x = matrix(o.x, `${where}: x`, false)
    const y = matrix(o.y, `${where}: y`, false)
    if (x.cols !== y.cols)
      throw new UserError(`${where}: x has vectors of length ${x.cols} but y of length ${y.cols}`)
    const cost = o.cost ?? 'sqeuclidean'
    if (typeof cost !== 'string' || !COST_NAMES.includes(cost as DtwCostName))
      throw new UserError(`${where}: with x and y, "cost" must be one of ${COST_NAMES.join(', ')}`)
    const so: Partial<SequenceDtwOptions> = { ...(opts as Partial<DtwOptions>), cost: cost as DtwCostName }
    if (o.costEps !== undefined) {
      if (typeof o.costEps !== 'number') throw new UserError(`${where}: costEps must be a number`)
      so.costEps = o.costEps
    }
    if (o.divergence !== undefined && typeof o.divergence !== 'boolean')
      throw new UserError(`${where}: divergence must be true or false`)
    return { kind: 'sequences', x: x.data, y: y.data, d: x.cols, divergence: o.divergence === true, opts: so }
  }
  if (o.divergence !== undefined) throw new UserError(`${where}: "divergence" needs sequences "x" and "y"`)
  if (o.costEps !== undefined) throw new UserError(`${where}: "costEps" needs sequences "x" and "y"`)
  if (o.cost === undefined || typeof o.cost === 'string')
    throw new UserError(`${where}: give a cost matrix "cost": [[…], …] or sequences "x" and "y"`)
  const m = matrix(o.cost, `${where}: cost`, true)
  const C = dtype === 'float32' ? Float32Array.from(m.data) : m.data
  return { kind: 'matrix', C, N: m.rows, M: m.cols, opts: opts as Partial<DtwOptions> }
}

/** A non-empty, non-ragged matrix of finite numbers (cost matrices may hold "inf" for forbidden cells). */
function matrix(
  v: unknown,
  where: string,
  allowInf: boolean,
): { data: Float64Array; rows: number; cols: number } {
  if (!Array.isArray(v) || v.length === 0) throw new UserError(`${where} must be a non-empty list of rows`)
  const first = v[0]
  if (!Array.isArray(first) || first.length === 0)
    throw new UserError(`${where}: row 0 must be a non-empty list of numbers`)
  const cols = first.length
  const data = new Float64Array(v.length * cols)
  v.forEach((row, i) => {
    if (!Array.isArray(row)) throw new UserError(`${where}: row ${i} is not a list`)
    if (row.length !== cols)
      throw new UserError(`${where}: ragged rows (row ${i} has ${row.length} values, row 0 has ${cols})`)
    row.forEach((c, j) => {
      let n: number
      if (typeof c === 'number') n = c
      else if (allowInf && typeof c === 'string' && /^\+?inf(inity)?$/i.test(c)) n = Number.POSITIVE_INFINITY
      else
        throw new UserError(
          `${where}[${i}][${j}] is ${JSON.stringify(c)}; expected a number${allowInf ? ' or "inf" (forbidden cell)' : ''}`,
        )
      if (Number.isNaN(n)) throw new UserError(`${where}[${i}][${j}] is NaN`)
      data[i * cols + j] = n
    })
  })
  return { data, rows: v.length, cols }
}
