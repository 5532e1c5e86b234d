/**
 * Text tables, medians and the results files. Tables are Markdown, so the terminal output can
 * be pasted into docs/benchmarks.md as it is.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench-results');

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function markdownTable(header: string[], rows: string[][], rightAlign: boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const pad = (s: string, i: number): string => (rightAlign[i] ? s.padStart(widths[i]!) : s.padEnd(widths[i]!));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => pad(c, i)).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (rightAlign[i] ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export function ms(v: number): string {
  if (!Number.isFinite(v)) return '-';
  return v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3);
}

export function fixed(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '-';
}

export function opsText(v: number): string {
  return Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '-';
}

/** Timestamped default path under bench-results/ for a kind of file. */
export function defaultPath(stem: string, ext: string, stamp: string): string {
  return join(RESULTS_DIR, `${stem}-${stamp}.${ext}`);
}

export function timestamp(d = new Date()): string {
  return d.toISOString().replace(/[:.]/g, '-').slice(0, 19);
}

export function writeOut(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** One-line status that rewrites itself on a TTY and prints plain lines otherwise. */
export class Progress {
  private readonly tty = process.stderr.isTTY === true;
  private last = '';

  update(label: string, fraction: number, opsPerSec: number): void {
    if (!this.tty) return;
    const width = 30;
    const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${label} ${Math.round(opsPerSec).toLocaleString('en-US')} ops/s`;
    process.stderr.write(`\r${line.padEnd(this.last.length)}`);
    this.last = line;
  }

  done(line: string): void {
    if (this.tty && this.last !== '') process.stderr.write(`\r${' '.repeat(this.last.length)}\r`);
    this.last = '';
    process.stderr.write(`${line}\n`);
  }
}
