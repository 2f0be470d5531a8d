/** `chordwarp doctor` as a user runs it (the CLI bundle must be built: npm test does that). */
import { describe, expect, test } from 'vitest'
import { chordwarp } from '../helpers/cli'
import { skipReason } from '../unit/dtw-native/native-helpers'

describe('chordwarp doctor', () => {
  test.skipIf(skipReason !== '')(
    'reports the native backend, what auto picks, CPU features and why CUDA is absent',
    () => {
      const r = chordwarp(['doctor', '--json'])
      expect(r.code, r.stderr).toBe(0)
      const j = JSON.parse(r.stdout)
      expect(j.dtw.native.loaded).toBe(true)
      expect(j.dtw.native.source).toBe('build')
      expect(j.dtw.native.stale).toBe(false)
      expect(j.dtw.backends.map((b: { name: string }) => b.name)).toContain('native')
      expect(j.dtw.auto.every((a: { backend: string }) => a.backend !== 'ts')).toBe(true)
      expect(j.cpu.hardwareThreads).toBeGreaterThanOrEqual(1)
      expect(Array.isArray(j.cpu.features)).toBe(true)
      if (j.gpus.length === 0) expect(j.dtw.cuda.reason).toMatch(/CUDA/)
      expect(j.tfjs.packages['@tensorflow/tfjs']).toMatch(/^\d/)
      const text = chordwarp(['doctor'])
      expect(text.code).toBe(0)
      expect(text.stdout).toMatch(/native addon .*chordwarp_native\.node \(build\)/)
      expect(text.stdout).toMatch(/auto picks:/)
    },
  )
  test('with the addon disabled, the TS engine is used and doctor says why', () => {
    const r = chordwarp(['doctor', '--json'], undefined, { CHORDWARP_NATIVE: '0' })
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j.dtw.native.loaded).toBe(false)
    expect(j.dtw.native.reason).toBe('disabled by CHORDWARP_NATIVE=0')
    expect(j.dtw.auto.map((a: { backend: string }) => a.backend)).toEqual(['ts', 'ts', 'ts'])
    expect(j.dtw.cuda.reason).toMatch(/needs the native addon/)
  })
})
