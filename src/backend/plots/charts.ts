/**
 * The experiment's figures as SVG strings: loss curves (seed Fig. 4.1), the template heat map
 * (Fig. 4.3), and grouped bars of class distributions (Tables 4.2 / 4.3).
 */
import { esc, fmt, PALETTE, svgDoc, ticks } from './svg'

/** One curve. */
export interface Series {
  name: string
  values: (number | null)[]
  dashed?: boolean
  color?: string
}

/** Line chart over epochs 1..n. */
export function lineChart(o: {
  title: string
  xLabel: string
  yLabel: string
  series: Series[]
  width?: number
  height?: number
}): string {
  const W = o.width ?? 640
  const H = o.height ?? 380
  const L = 64
  const R = 16
  const T = 36
  const B = 48 + 18 * Math.ceil(o.series.length / 3)
  const all = o.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)))
  const n = Math.max(1, ...o.series.map((s) => s.values.length))
  let lo = all.length ? Math.min(...all) : 0
  let hi = all.length ? Math.max(...all) : 1
  if (hi === lo) {
    hi += 1
    lo -= 1
  }
  const pad = (hi - lo) * 0.05
  lo -= pad
  hi += pad
  const x = (i: number) => L + ((W - L - R) * (i - 1)) / Math.max(1, n - 1)
  const y = (v: number) => T + ((H - T - B) * (hi - v)) / (hi - lo)
  let body = `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(o.title)}</text>\n`
  for (const t of ticks(lo, hi))
    body += `<line x1="${L}" x2="${W - R}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#ddd"/><text x="${L - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>\n`
  for (const t of ticks(1, n).filter((v) => v >= 1 && Number.isInteger(v)))
    body += `<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${H - B}" y2="${H - B + 4}" stroke="#333"/><text x="${x(t).toFixed(1)}" y="${H - B + 16}" text-anchor="middle">${t}</text>\n`
  body += `<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#333"/>\n`
  body += `<text x="${(L + W - R) / 2}" y="${H - B + 32}" text-anchor="middle">${esc(o.xLabel)}</text>\n`
  body += `<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>\n`
  o.series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length]!
    let d = ''
    let pen = false
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) {
        pen = false
        return
      }
      d += `${pen ? 'L' : 'M'}${x(i + 1).toFixed(1)},${y(v).toFixed(1)}`
      pen = true
    })
    body += `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="5,3"' : ''}/>\n`
    const lx = L + (k % 3) * ((W - L - R) / 3)
    const ly = H - B + 48 + 18 * Math.floor(k / 3)
    body += `<line x1="${lx}" x2="${lx + 22}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5,3"' : ''}/><text x="${lx + 28}" y="${ly}">${esc(s.name)}</text>\n`
  })
  return svgDoc(W, H, body)
}

/** Heat map of a matrix (rows × columns), white → dark blue for positive, white → red for negative. */
export function heatmap(o: {
  title: string
  rowLabels: string[]
  colLabels: string[]
  values: number[][]
  cell?: number
}): string {
  const c = o.cell ?? 22
  const L = 64
  const T = 40
  const rows = o.values.length
  const cols = o.values[0]?.length ?? 0
  const W = L + cols * c + 70
  const legend = Math.max(rows * c, 110)
  const H = T + legend + 36
  const maxAbs = Math.max(1e-12, ...o.values.flat().map(Math.abs))
  const color = (v: number) => {
    const a = Math.min(1, Math.abs(v) / maxAbs)
    const mix = (from: number, to: number) => Math.round(from + (to - from) * a)
    return v >= 0
      ? `rgb(${mix(255, 8)},${mix(255, 48)},${mix(255, 107)})`
      : `rgb(${mix(255, 178)},${mix(255, 24)},${mix(255, 43)})`
  }
  let body = `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(o.title)}</text>\n`
  o.values.forEach((row, r) => {
    body += `<text x="${L - 6}" y="${T + r * c + c * 0.68}" text-anchor="end" font-size="11">${esc(o.rowLabels[r] ?? '')}</text>\n`
    row.forEach((v, k) => {
      body += `<rect x="${L + k * c}" y="${T + r * c}" width="${c}" height="${c}" fill="${color(v)}"><title>${esc(`${o.rowLabels[r]} / ${o.colLabels[k]}: ${v.toFixed(3)}`)}</title></rect>\n`
    })
  })
  o.colLabels.forEach((l, k) => {
    body += `<text x="${L + k * c + c / 2}" y="${T + rows * c + 16}" text-anchor="middle" font-size="11">${esc(l)}</text>\n`
  })
  const gx = L + cols * c + 16
  for (let i = 0; i <= 10; i++) {
    const v = maxAbs * (1 - i / 5)
    body += `<rect x="${gx}" y="${(T + (i * legend) / 11).toFixed(1)}" width="14" height="${(legend / 11).toFixed(1)}" fill="${color(v)}"/>\n`
  }
  body += `<text x="${gx + 18}" y="${T + 10}" font-size="10">${fmt(maxAbs)}</text><text x="${gx + 18}" y="${T + legend / 2 + 4}" font-size="10">0</text><text x="${gx + 18}" y="${T + legend}" font-size="10">${fmt(-maxAbs)}</text>\n`
  return svgDoc(W, H, body)
}

/** Grouped bars: for each group (e.g. "strong", "soft 16"), one bar per category, labelled with %. */
export function groupedBars(o: {
  title: string
  groups: string[]
  categories: string[]
  values: number[][]
  yLabel: string
}): string {
  const W = 640
  const H = 340
  const L = 60
  const T = 36
  const B = 70
  const R = 16
  const raw = Math.max(1e-12, ...o.values.flat())
  const tk = ticks(0, raw)
  const step = tk.length > 1 ? tk[1]! - tk[0]! : raw
  const max = Math.ceil(raw / step - 1e-9) * step
  const gw = (W - L - R) / o.groups.length
  const bw = (gw * 0.8) / o.categories.length
  const y = (v: number) => T + ((H - T - B) * (max - v)) / max
  let body = `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(o.title)}</text>\n`
  for (const t of ticks(0, max))
    body += `<line x1="${L}" x2="${W - R}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#ddd"/><text x="${L - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>\n`
  o.groups.forEach((g, gi) => {
    o.categories.forEach((_, ci) => {
      const v = o.values[gi]![ci]!
      const x0 = L + gi * gw + gw * 0.1 + ci * bw
      body += `<rect x="${x0.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${(H - B - y(v)).toFixed(1)}" fill="${PALETTE[ci % PALETTE.length]}"><title>${esc(`${g}, ${o.categories[ci]}: ${v}`)}</title></rect>\n`
    })
    body += `<text x="${(L + gi * gw + gw / 2).toFixed(1)}" y="${H - B + 16}" text-anchor="middle">${esc(g)}</text>\n`
  })
  body += `<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#333"/>\n`
  body += `<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>\n`
  o.categories.forEach((c, ci) => {
    const lx = L + ci * 150
    body += `<rect x="${lx}" y="${H - 30}" width="14" height="12" fill="${PALETTE[ci % PALETTE.length]}"/><text x="${lx + 20}" y="${H - 20}">${esc(c)}</text>\n`
  })
  return svgDoc(W, H, body)
}
