import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import {
  defaultTfLoaders,
  describeTfBackend,
  parseTfPreference,
  selectTfBackend,
  TF_CANDIDATES,
  type TfCandidate,
  type TfLoader,
} from '../../../src/backend/tf-backend'

const fail =
  (why: string): TfLoader =>
  async () => {
    throw new Error(why)
  }
const use =
  (name: string): TfLoader =>
  async () => {
    if (!(await tf.setBackend(name))) throw new Error(`${name} did not start`)
  }

describe('selectTfBackend', () => {
  it('auto falls back node-gpu → node → wasm and reports why each failed', async () => {
    const loaders: Record<TfCandidate, TfLoader> = {
      'node-gpu': fail('@tensorflow/tfjs-node-gpu is not installed'),
      node: fail('@tensorflow/tfjs-node is not installed'),
      wasm: defaultTfLoaders.wasm,
      cpu: use('cpu'),
    }
    const r = await selectTfBackend('auto', loaders)
    expect(r.candidate).toBe('wasm')
    expect(r.backend).toBe('wasm')
    expect(r.gpu).toBe(false)
    expect(r.attempts).toEqual([
      { candidate: 'node-gpu', ok: false, reason: '@tensorflow/tfjs-node-gpu is not installed' },
      { candidate: 'node', ok: false, reason: '@tensorflow/tfjs-node is not installed' },
      { candidate: 'wasm', ok: true },
    ])
    expect(describeTfBackend(r)).toBe(
      'wasm (tried node-gpu: @tensorflow/tfjs-node-gpu is not installed; node: @tensorflow/tfjs-node is not installed)',
    )
  })
  it('falls back to cpu when wasm cannot start', async () => {
    const r = await selectTfBackend('auto', {
      'node-gpu': fail('a'),
      node: fail('b'),
      wasm: fail('wasm binary missing\nstack…'),
      cpu: use('cpu'),
    })
    expect(r.candidate).toBe('cpu')
    expect(tf.getBackend()).toBe('cpu')
    expect(r.attempts.map((a) => [a.candidate, a.ok, a.reason])).toEqual([
      ['node-gpu', false, 'a'],
      ['node', false, 'b'],
      ['wasm', false, 'wasm binary missing'],
      ['cpu', true, undefined],
    ])
  })
  it('a named backend is tried alone and its failure is an error naming it', async () => {
    await expect(
      selectTfBackend('node', {
        'node-gpu': use('cpu'),
        node: fail('not installed'),
        wasm: use('wasm'),
        cpu: use('cpu'),
      }),
    ).rejects.toThrow('no tfjs backend could be started (node: not installed)')
  })
  it('on this machine: the real loaders pick the first candidate that loads, in order, with the wasm binaries from node_modules', async () => {
    const r = await selectTfBackend('auto')
    const firstOk = r.attempts.findIndex((a) => a.ok)
    expect(firstOk).toBe(r.attempts.length - 1)
    expect(r.attempts.map((a) => a.candidate)).toEqual(TF_CANDIDATES.slice(0, r.attempts.length))
    for (const a of r.attempts.slice(0, -1))
      expect(a.reason).toMatch(/is not installed|failed to load|could not initialise/)
    expect(['node-gpu', 'node', 'wasm']).toContain(r.candidate) // wasm always loads offline
    const w = await selectTfBackend('wasm')
    expect(w.backend).toBe('wasm')
    expect(tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0])).toBe(6)
  })
  it('reads preferences, naming the valid ones', () => {
    expect(parseTfPreference(' WASM ')).toBe('wasm')
    expect(() => parseTfPreference('gpu')).toThrow(
      'unknown tfjs backend "gpu" (auto, node-gpu, node, wasm, cpu)',
    )
  })
})
