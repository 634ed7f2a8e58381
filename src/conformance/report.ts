/** The conformance report as a plain aligned table, and its closing count line. */
import type { CheckResult } from './checks.js';

const GREEN = '\u001b[32m';
const RED = '\u001b[31m';
const RESET = '\u001b[0m';

/** The table (header, rule, one row per check) followed by `N passed, M failed` on its own line. */
export function formatReport(results: readonly CheckResult[], colour: boolean): string {
  const rows = results.map((result) => [result.name, result.passed ? 'PASS' : 'FAIL', result.detail] as const);
  const header = ['CHECK', 'RESULT', 'DETAIL'] as const;
  const nameWidth = Math.max(header[0].length, ...rows.map((row) => row[0].length));
  const resultWidth = header[1].length;
  const paint = (verdict: string): string => {
    const padded = verdict.padEnd(resultWidth);
    if (!colour) return padded;
    return `${verdict === 'PASS' ? GREEN : RED}${verdict}${RESET}${padded.slice(verdict.length)}`;
  };
  const lines = [
    `${header[0].padEnd(nameWidth)}  ${header[1]}  ${header[2]}`,
    `${'-'.repeat(nameWidth)}  ${'-'.repeat(resultWidth)}  ${'-'.repeat(header[2].length)}`,
    ...rows.map(([name, verdict, detail]) => `${name.padEnd(nameWidth)}  ${paint(verdict)}  ${detail}`.trimEnd()),
  ];
  const passed = results.filter((result) => result.passed).length;
  return `${lines.join('\n')}\n\n${passed} passed, ${results.length - passed} failed\n`;
}
