/** `chordwarp dtw` and `chordwarp bench dtw` as a user runs them. */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { chordwarp } from '../helpers/cli'

const dir = mkdtempSync(join(tmpdir(), 'cw-dtw-'))
function caseFile(name: string, content: unknown): string {
  const p = join(dir, name)
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content))
  return p
}

describe('chordwarp dtw', () => {
  test('a cost matrix: soft-DTW value and gradient', () => {
    const r = chordwarp([
      'dtw',
      '--input',
      caseFile('a.json', {
        cost: [
          [0, 1],
          [1, 0],
        ],
        gamma: 1,
      }),
    ])
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout)
    // paths (0,0)→(1,1) directly or via (0,1) / (1,0): −log(e^0 + 2e^−1)
    expect(out.value).toBeCloseTo(-Math.log(1 + 2 * Math.exp(-1)), 14)
    expect(out.grad).toHaveLength(2)
    expect(out.grad[0][0]).toBeCloseTo(1, 14)
    expect(out.grad[0][1]).toBeCloseTo(Math.exp(-1) / (1 + 2 * Math.exp(-1)), 14)
    expect(out.path).toBeUndefined()
  })
  test('a list of cases gives a list: hard DTW with its path, sequences, divergence, stdin', () => {
    const cases = [
      {
        cost: [
          [0, 1, 'inf'],
          [1, 0, 2],
        ],
        gamma: 0,
      },
      { x: [[0], [1], [2]], y: [[0], [2]], cost: 'sqeuclidean', gamma: 0.1, steps: 'stay-advance' },
      { x: [[0], [1]], y: [[0], [1]], divergence: true },
      {
        cost: [
          [1, 2],
          [3, 4],
        ],
        band: null,
        openEnd: true,
        normalize: 'N+M',
        dtype: 'float32',
      },
    ]
    const r = chordwarp(['dtw', '--input', '-', '--backend', 'ts'], JSON.stringify(cases))
    expect(r.code).toBe(0)
    const [hard, seq, div, f32] = JSON.parse(r.stdout)
    expect(hard).toEqual({
      value: 2,
      grad: [
        [1, 0, 0],
        [0, 1, 1],
      ],
      path: [
        [0, 0],
        [1, 1],
        [1, 2],
      ],
    })
    expect(seq.grad).toHaveLength(3)
    expect(seq.gradX).toHaveLength(3)
    expect(seq.gradY).toEqual([expect.any(Array), expect.any(Array)])
    expect(div.value).toBe(0)
    expect(Number.isFinite(f32.value)).toBe(true)
  })
  test('no admissible path: value null', () => {
    const r = chordwarp(['dtw', '--input', caseFile('w.json', { cost: [['inf', 'inf']] })])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).value).toBeNull()
  })
  test.each([
    ['ragged rows', { cost: [[0, 1], [1]] }, /ragged rows/],
    ['NaN', '{"cost": [[0, "NaN"]]}', /expected a number/],
    ['γ < 0', { cost: [[0]], gamma: -1 }, /gamma must be/],
    ['empty matrix', { cost: [] }, /non-empty/],
    ['empty list', [], /empty/],
    ['unknown key', { cost: [[0]], gama: 1 }, /did you mean "gamma"/],
    ['bad steps', { cost: [[0]], steps: 'diagonal' }, /steps must be/],
    ['x without y', { x: [[0]] }, /both "x" and "y"/],
    ['invalid JSON', '{cost: ', /not valid JSON/],
  ])('bad input (%s) → exit 1, one line', (_name, content, message) => {
    const r = chordwarp(['dtw', '--input', caseFile('bad.json', content)])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(message)
  })
  test('a missing file and an unknown backend are user errors', () => {
    expect(chordwarp(['dtw', '--input', join(dir, 'nope.json')]).code).toBe(1)
    const r = chordwarp(['dtw', '--input', caseFile('b.json', { cost: [[0]] }), '--backend', 'cuda'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/"cuda" is not available/)
  })
})

describe('chordwarp bench dtw', () => {
  test('--json prints one row per backend, dtype and size', () => {
    const r = chordwarp([
      'bench',
      'dtw',
      '--sizes',
      '2x30x8,1x40x10',
      '--backend',
      'ts',
      '--runs',
      '1',
      '--json',
    ])
    expect(r.code).toBe(0)
    const rows = JSON.parse(r.stdout)
    expect(rows).toHaveLength(4)
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual([
        'B',
        'M',
        'N',
        'backend',
        'dtype',
        'mcellsPerS',
        'ms',
        'threads',
      ])
      expect(row.backend).toBe('ts')
      expect(row.mcellsPerS).toBeGreaterThan(0)
    }
    expect(rows.map((x: { dtype: string }) => x.dtype)).toEqual(['float64', 'float64', 'float32', 'float32'])
  })
  test('bad sizes and unavailable backends exit 1', () => {
    expect(chordwarp(['bench', 'dtw', '--sizes', '5x150']).code).toBe(1)
    // native is registered when the addon is built: disable it to get an unavailable backend
    expect(
      chordwarp(['bench', 'dtw', '--backend', 'native'], undefined, { CHORDWARP_NATIVE: '0' }).code,
    ).toBe(1)
  })
})
