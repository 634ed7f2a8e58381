/**
 * Finding secrets in text (log output), in the forms a leak takes: as is, base64 and base64url
 * (a Basic header, a key's bytes), hex, percent-encoded (a query string), JSON-escaped, and any
 * fragment of 12 characters (a truncated or partly masked value is still a leak).
 */

export interface Secret {
  /** What it is, for the failure message. */
  readonly name: string;
  readonly value: string | Uint8Array;
}

const WINDOW = 12;

/** Every form of the secret a log line could carry. */
export function leakForms(secret: Secret): string[] {
  const bytes = typeof secret.value === 'string' ? Buffer.from(secret.value, 'utf8') : Buffer.from(secret.value);
  const forms = new Set<string>([bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')]);
  if (typeof secret.value === 'string') {
    forms.add(secret.value);
    forms.add(encodeURIComponent(secret.value));
    forms.add(JSON.stringify(secret.value).slice(1, -1));
  }
  return [...forms].filter((form) => form.length > 0);
}

export interface Leak {
  /** The secret's name. */
  readonly secret: string;
  /** What was found: the form, or a fragment of it. */
  readonly evidence: string;
}

/** The secrets found in `text`, each with the form it was found in. */
export function findLeaks(text: string, secrets: readonly Secret[]): Leak[] {
  const found: Leak[] = [];
  for (const secret of secrets) {
    for (const form of leakForms(secret)) {
      if (form.length < WINDOW) {
        if (text.includes(form)) found.push({ secret: secret.name, evidence: form });
        continue;
      }
      for (let i = 0; i + WINDOW <= form.length; i += 1) {
        const fragment = form.slice(i, i + WINDOW);
        if (text.includes(fragment)) {
          found.push({ secret: secret.name, evidence: `fragment ${JSON.stringify(fragment)} of ${JSON.stringify(form.slice(0, 8))}…` });
          break;
        }
      }
    }
  }
  return found;
}
