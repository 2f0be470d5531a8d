/**
 * Crash safety: a child process saving revisions in a loop is killed with SIGKILL at random moments,
 * again and again. After each kill the library opens, passes `PRAGMA integrity_check` and the
 * foreign-key check, and every revision whose save had returned (the child prints its id after the
 * commit) is there with exactly the segments that were saved.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openStore } from '../../src/backend/store'
import { readSchemaState, SCHEMA_VERSION } from '../../src/backend/store/schema'
import { addRecording, buildStoreChild, segmentsChecksum, tempDir } from '../helpers/store'

let child: string
let dir: string
beforeAll(async () => {
  child = await buildStoreChild()
  dir = tempDir('cw-crash-')
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  rmSync(child, { force: true })
})

interface Run {
  lines: string[]
  killedAfterMs: number
}

/** Start the child, SIGKILL it `ms` after it says "ready" (or after spawn when `fromSpawn`). */
function runAndKill(args: string[], ms: number, fromSpawn = false): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p: ChildProcess = spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    let timer: NodeJS.Timeout | undefined
    const arm = () => {
      timer ??= setTimeout(() => p.kill('SIGKILL'), ms)
    }
    if (fromSpawn) arm()
    p.stdout!.on('data', (d) => {
      out += d
      if (out.includes('ready\n')) arm()
    })
    p.stderr!.on('data', (d) => {
      err += d
    })
    p.on('error', reject)
    p.on('exit', (code, signal) => {
      clearTimeout(timer)
      if (signal !== 'SIGKILL' && code !== 0) reject(new Error(`child exited ${code}: ${err}`))
      // only complete lines count: a line cut by the kill was not confirmed
      const lines = out.split('\n').slice(0, -1)
      resolve({ lines, killedAfterMs: ms })
    })
  })
}

/** Deterministic pseudo-random kill delays. */
function delays(n: number, lo: number, hi: number, seed: number): number[] {
  let x = seed
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2147483648
    return lo + (x / 2147483648) * (hi - lo)
  })
}

describe('SIGKILL at random moments', () => {
  test('40 kills while saving revisions: every confirmed revision survives, the file stays sound', async () => {
    const db = join(dir, 'crash.db')
    const s0 = openStore(db)
    const rec = addRecording(s0, 'victim')
    s0.close()
    const confirmed = new Map<number, { n: number; sum: string }>()
    let killsWithCommits = 0
    let lastTotal = 0
    for (const [i, ms] of delays(40, 5, 400, 20240601).entries()) {
      const run = await runAndKill(['write', db, String(rec.id), 'inf', String(i + 1)], ms)
      const fresh = new Map<number, { n: number; sum: string }>()
      for (const line of run.lines) {
        const m = /^rev (\d+) (\d+) ([0-9a-f]{16})$/.exec(line)
        if (m) fresh.set(Number(m[1]), { n: Number(m[2]), sum: m[3]! })
      }
      if (fresh.size > 0) killsWithCommits++
      for (const [id, v] of fresh) confirmed.set(id, v)
      const s = openStore(db)
      try {
        expect(s.check(), `after kill ${i + 1}`).toEqual([])
        // this run's confirmed revisions now; all of them again at the end
        for (const [id, want] of i === 39 ? confirmed : fresh) {
          const rev = s.annotations.getRevision(id)
          expect(rev.segmentCount).toBe(want.n)
          expect(rev.segments).toHaveLength(want.n)
          expect(segmentsChecksum(rev.segments)).toBe(want.sum)
        }
        const total = s.annotations.listRevisions(rec.id).length
        expect(total).toBeGreaterThanOrEqual(confirmed.size)
        expect(total).toBeGreaterThanOrEqual(lastTotal)
        lastTotal = total
        const cur = s.annotations.getCurrent(rec.id)
        if (cur) expect(cur.segments).toHaveLength(cur.segmentCount)
      } finally {
        s.close()
      }
    }
    console.info(
      `[crash] ${confirmed.size} confirmed revisions, ${killsWithCommits}/40 kills interrupted a stream of commits, ${lastTotal} revisions in the file`,
    )
    // the test is only meaningful if kills really interrupted a stream of commits
    expect(confirmed.size).toBeGreaterThan(100)
    expect(killsWithCommits).toBeGreaterThanOrEqual(20)
  })

  test('10 kills while a new library is being created: the schema is all there or not at all', async () => {
    for (const [i, ms] of delays(10, 0, 120, 7).entries()) {
      const db = join(dir, `fresh-${i}.db`)
      await runAndKill(['open', db], ms, true)
      if (existsSync(db)) {
        const s = openStore(db)
        try {
          expect(s.schemaVersion).toBe(SCHEMA_VERSION)
          expect(readSchemaState(s.db).version).toBe(SCHEMA_VERSION)
          expect(s.check()).toEqual([])
        } finally {
          s.close()
        }
      }
    }
  })
})
