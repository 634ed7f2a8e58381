import type * as t from 'io-ts';

import { EXPECTED } from '../../domain/meeting-details.js';

/**
 * Turns io-ts's validation errors into one sentence per offending field, e.g.
 * `start_time: expected a UTC date and time written 'YYYY-MM-DD HH:mm' ..., got "2026-02-30 10:00"`.
 */
export function describeDecodeErrors(errors: t.Errors, root = 'body'): string {
  const byField = new Map<string, string>();
  for (const error of errors) {
    const path = error.context
      .map((entry) => entry.key)
      .filter((key) => key !== '')
      .join('.');
    const field = path === '' ? root : path;
    if (byField.has(field)) continue;
    const last = error.context[error.context.length - 1];
    const expected = error.message ?? expectation(last?.type.name ?? 'a valid value');
    byField.set(
      field,
      error.value === undefined ? `${field}: is required (${expected})` : `${field}: expected ${expected}, got ${shown(error.value)}`,
    );
  }
  return [...byField.values()].join('; ');
}

/** Codecs of the HTTP edge's own bodies (uninstall), beside the domain's meeting values. */
const EDGE_EXPECTED: Readonly<Record<string, string>> = {
  PipedriveId: 'a positive whole number (or a string of digits)',
  string: 'a string',
};

function expectation(codecName: string): string {
  return EXPECTED[codecName] ?? EDGE_EXPECTED[codecName] ?? codecName;
}

function shown(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
