/**
 * A self-contained SVG chart of a run: throughput bars per workload and target (top panel), and
 * latency percentiles p50 / p99 / p99.9 on a log scale (bottom panel). No fonts, scripts or
 * external references, so the file renders the same on GitHub, in a browser and in an editor.
 */

export interface ChartCell {
  target: string;
  workload: string;
  opsPerSec: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  p999: number;
}

export interface ChartData {
  title: string;
  subtitle: string;
  targets: string[];
  workloads: string[];
  cells: ChartCell[];
}

const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1'];
const WIDTH = 900;
const LEFT = 80;
const RIGHT = 20;
const PANEL_H = 220;

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fmt(n: number): string {
  return Number.isFinite(n) ? String(Math.round(n * 10) / 10) : '0';
}

export function formatOps(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(0);
}

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function renderChart(d: ChartData): string {
  const plotW = WIDTH - LEFT - RIGHT;
  const top1 = 70;
  const top2 = top1 + PANEL_H + 70;
  const height = top2 + PANEL_H + 80;
  const groupW = plotW / Math.max(1, d.workloads.length);
  const barW = (groupW * 0.8) / Math.max(1, d.targets.length);
  const cell = (t: string, w: string): ChartCell | undefined => d.cells.find((c) => c.target === t && c.workload === w);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(d.title)}</text>`);
  out.push(`<text x="${WIDTH / 2}" y="40" text-anchor="middle" fill="#555">${escapeXml(d.subtitle)}</text>`);
  // Legend
  d.targets.forEach((t, i) => {
    const x = LEFT + i * 160;
    out.push(`<rect x="${x}" y="48" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`);
    out.push(`<text x="${x + 16}" y="58">${escapeXml(t)}</text>`);
  });

  // Panel 1: throughput, linear.
  const maxOps = niceMax(Math.max(0, ...d.cells.map((c) => c.opsPerSec)));
  out.push(`<text x="${LEFT}" y="${top1 - 2}" font-weight="bold">throughput (ops/s, median)</text>`);
  for (let k = 0; k <= 4; k++) {
    const v = (maxOps * k) / 4;
    const y = top1 + PANEL_H - (PANEL_H * k) / 4;
    out.push(`<line x1="${LEFT}" y1="${fmt(y)}" x2="${WIDTH - RIGHT}" y2="${fmt(y)}" stroke="#ddd"/>`);
    out.push(`<text x="${LEFT - 6}" y="${fmt(y + 4)}" text-anchor="end">${formatOps(v)}</text>`);
  }
  d.workloads.forEach((w, gi) => {
    const gx = LEFT + gi * groupW + groupW * 0.1;
    d.targets.forEach((t, ti) => {
      const c = cell(t, w);
      if (c === undefined) return;
      const h = (PANEL_H * c.opsPerSec) / maxOps;
      const x = gx + ti * barW;
      out.push(`<rect x="${fmt(x)}" y="${fmt(top1 + PANEL_H - h)}" width="${fmt(barW - 2)}" height="${fmt(h)}" fill="${COLORS[ti % COLORS.length]}"><title>${escapeXml(`${t} ${w}: ${formatOps(c.opsPerSec)} ops/s`)}</title></rect>`);
      out.push(`<text x="${fmt(x + barW / 2 - 1)}" y="${fmt(top1 + PANEL_H - h - 3)}" text-anchor="middle" font-size="9">${formatOps(c.opsPerSec)}</text>`);
    });
    out.push(`<text x="${fmt(LEFT + gi * groupW + groupW / 2)}" y="${top1 + PANEL_H + 15}" text-anchor="middle">${escapeXml(w)}</text>`);
  });

  // Panel 2: latency percentiles, log scale from 0.01 ms.
  const lat = d.cells.flatMap((c) => [c.p50, c.p99, c.p999]).filter((v) => v > 0);
  const lo = -2;
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(0.1, ...lat))));
  const ly = (ms: number): number => top2 + PANEL_H - (PANEL_H * (Math.log10(Math.max(ms, 10 ** lo)) - lo)) / (hi - lo);
  out.push(`<text x="${LEFT}" y="${top2 - 2}" font-weight="bold">latency (ms, log scale): bar = p50, whisker to p99, tick = p99.9</text>`);
  for (let e = lo; e <= hi; e++) {
    const y = ly(10 ** e);
    out.push(`<line x1="${LEFT}" y1="${fmt(y)}" x2="${WIDTH - RIGHT}" y2="${fmt(y)}" stroke="#ddd"/>`);
    out.push(`<text x="${LEFT - 6}" y="${fmt(y + 4)}" text-anchor="end">${10 ** e >= 1 ? 10 ** e : (10 ** e).toFixed(-e)}</text>`);
  }
  d.workloads.forEach((w, gi) => {
    const gx = LEFT + gi * groupW + groupW * 0.1;
    d.targets.forEach((t, ti) => {
      const c = cell(t, w);
      if (c === undefined) return;
      const x = gx + ti * barW;
      const mid = x + barW / 2 - 1;
      const color = COLORS[ti % COLORS.length];
      const base = ly(10 ** lo);
      out.push(`<rect x="${fmt(x)}" y="${fmt(ly(c.p50))}" width="${fmt(barW - 2)}" height="${fmt(base - ly(c.p50))}" fill="${color}" opacity="0.8"><title>${escapeXml(`${t} ${w}: p50 ${c.p50} ms, p99 ${c.p99} ms, p99.9 ${c.p999} ms`)}</title></rect>`);
      out.push(`<line x1="${fmt(mid)}" y1="${fmt(ly(c.p50))}" x2="${fmt(mid)}" y2="${fmt(ly(c.p99))}" stroke="#222"/>`);
      out.push(`<line x1="${fmt(mid - barW / 4)}" y1="${fmt(ly(c.p99))}" x2="${fmt(mid + barW / 4)}" y2="${fmt(ly(c.p99))}" stroke="#222"/>`);
      out.push(`<line x1="${fmt(mid - barW / 6)}" y1="${fmt(ly(c.p999))}" x2="${fmt(mid + barW / 6)}" y2="${fmt(ly(c.p999))}" stroke="#c00" stroke-width="2"/>`);
    });
    out.push(`<text x="${fmt(LEFT + gi * groupW + groupW / 2)}" y="${top2 + PANEL_H + 15}" text-anchor="middle">${escapeXml(w)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
