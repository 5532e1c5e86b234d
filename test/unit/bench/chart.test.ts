import { describe, expect, it } from 'vitest';
import { escapeXml, renderChart, type ChartData } from '../../../native-free-bench/chart.ts';

/** Checks that every tag closes in order and attribute values are quoted: enough to catch a broken writer. */
function assertWellFormed(svg: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  let at = 0;
  while (at < svg.length) {
    const lt = svg.indexOf('<', at);
    if (lt < 0) break;
    const text = svg.slice(at, lt);
    expect(text, `raw markup character in text: ${text}`).not.toMatch(/[<>]|&(?!amp;|lt;|gt;|quot;)/);
    tag.lastIndex = lt;
    const m = tag.exec(svg);
    expect(m, `malformed tag at ${svg.slice(lt, lt + 60)}`).not.toBeNull();
    const [, close, name, , selfClose] = m!;
    if (close) expect(stack.pop()).toBe(name);
    else if (!selfClose) stack.push(name!);
    at = tag.lastIndex;
  }
  expect(stack).toEqual([]);
}

const data: ChartData = {
  title: 'slotkv <vs> redis & friends',
  subtitle: '50 clients "quoted"',
  targets: ['slotkv', 'redis'],
  workloads: ['SET', 'GET P16'],
  cells: [
    { target: 'slotkv', workload: 'SET', opsPerSec: 50_000, p50: 0.5, p99: 3, p999: 9 },
    { target: 'redis', workload: 'SET', opsPerSec: 80_000, p50: 0.3, p99: 2, p999: 4 },
    { target: 'slotkv', workload: 'GET P16', opsPerSec: 400_000, p50: 1.2, p99: 6, p999: 12 },
    { target: 'redis', workload: 'GET P16', opsPerSec: 600_000, p50: 0.9, p99: 4, p999: 7 },
  ],
};

describe('SVG chart writer', () => {
  it('writes one well-formed, self-contained svg document', () => {
    const svg = renderChart(data);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
    expect(svg).not.toMatch(/href=|<script|@import/);
    assertWellFormed(svg);
  });

  it('escapes markup in titles and names', () => {
    const svg = renderChart(data);
    expect(svg).toContain('slotkv &lt;vs&gt; redis &amp; friends');
    expect(svg).toContain('&quot;quoted&quot;');
    expect(escapeXml('a<b>&"')).toBe('a&lt;b&gt;&amp;&quot;');
  });

  it('draws a throughput bar per cell, taller for more ops/s', () => {
    const svg = renderChart(data);
    const heights = [...svg.matchAll(/<rect [^>]*height="([\d.]+)" fill="#[0-9a-f]+"><title>([^<]*) ops\/s<\/title>/g)].map((m) => [m[2], Number(m[1])] as const);
    expect(heights).toHaveLength(4);
    const h = Object.fromEntries(heights);
    expect(h['redis GET P16: 600.0k']).toBeGreaterThan(h['slotkv GET P16: 400.0k']!);
    expect(h['slotkv GET P16: 400.0k']).toBeGreaterThan(h['redis SET: 80.0k']!);
  });

  it('stays valid with no cells and with zero latencies', () => {
    assertWellFormed(renderChart({ ...data, cells: [] }));
    const zero = renderChart({ ...data, cells: [{ target: 'redis', workload: 'SET', opsPerSec: 0, p50: 0, p99: 0, p999: 0 }] });
    expect(zero).not.toMatch(/NaN|Infinity/);
    assertWellFormed(zero);
  });
});
