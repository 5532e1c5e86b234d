/**
 * Prints vitest's JSON results as the plain closing line CI reads: "N passed, N failed"
 * (", N skipped" when any were). Usage: node scripts/test-summary.ts <results.json>
 */
import { readFileSync } from 'node:fs';

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

const results = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as VitestJson;
const skipped = results.numPendingTests + results.numTodoTests;
console.log(`${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
