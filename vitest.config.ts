import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // 2-core machines: files run in parallel forks, one file's tests in order.
    pool: 'forks',
    reporters: ['default'],
  },
})
