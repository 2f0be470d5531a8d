import { describe, expect, it } from 'vitest'
import { groupedBars, heatmap, lineChart } from '../../../src/backend/plots/charts'
import { esc, ticks } from '../../../src/backend/plots/svg'

describe('SVG charts', () => {
  it('line chart: one path per series with the right number of points, gaps at null', () => {
    const svg = lineChart({
      title: 'a < b',
      xLabel: 'epoch',
      yLabel: 'loss',
      series: [
        { name: 't', values: [3, 2, 1] },
        { name: 'v', values: [3, null, 2], dashed: true },
      ],
    })
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
    expect(svg.trim().endsWith('</svg>')).toBe(true)
    expect(svg).toContain('a &lt; b')
    const paths = [...svg.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1]!)
    expect(paths).toHaveLength(2)
    expect(paths[0]!.match(/[ML]/g)).toEqual(['M', 'L', 'L'])
    expect(paths[1]!.match(/[ML]/g)).toEqual(['M', 'M'])
  })
  it('heat map: one cell per value, darker for larger values', () => {
    const svg = heatmap({
      title: 't',
      rowLabels: ['maj', 'min'],
      colLabels: ['C', 'D', 'E'],
      values: [
        [1, 0, 0.5],
        [0, 0, 0],
      ],
    })
    const cells = [...svg.matchAll(/<rect x="\d+" y="\d+" width="22" height="22" fill="rgb\((\d+),/g)].map(
      (m) => Number(m[1]),
    )
    expect(cells).toHaveLength(6)
    expect(cells[0]).toBeLessThan(cells[2]!)
    expect(cells[2]).toBeLessThan(cells[1]!)
  })
  it('grouped bars: one bar per group × category', () => {
    const svg = groupedBars({
      title: 't',
      groups: ['a', 'b'],
      categories: ['x', 'y', 'z'],
      values: [
        [1, 2, 3],
        [4, 5, 6],
      ],
      yLabel: '%',
    })
    expect(svg.match(/<title>/g)).toHaveLength(6)
  })
  it('helpers', () => {
    expect(esc('<a & "b">')).toBe('&lt;a &amp; &quot;b&quot;&gt;')
    expect(ticks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
  })
})
