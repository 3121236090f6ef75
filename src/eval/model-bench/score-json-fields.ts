import { normalizeAnswer } from './normalize-answer.js';
import type { ScoreResult } from './score-result.js';

/** The first balanced `{...}` in a text that parses as a JSON object. */
export function firstJsonObject(text: string): Record<string, unknown> | undefined {
  for (let start = text.indexOf('{'); start !== -1; start = text.indexOf('{', start + 1)) {
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i += 1) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i += 1;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '{') depth += 1;
      else if (c === '}') {
        depth -= 1;
        if (depth === 0) {
          try {
            const value: unknown = JSON.parse(text.slice(start, i + 1));
            if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
          } catch {
            // Not JSON from this brace; try the next one.
          }
          break;
        }
      }
    }
  }
  return undefined;
}

function same(want: unknown, got: unknown): boolean {
  if (typeof want === 'number') return typeof got === 'number' ? Math.abs(want - got) < 1e-9 : typeof got === 'string' && Number(got.replace(/,/g, '')) === want;
  if (typeof want === 'string') return (typeof got === 'string' || typeof got === 'number') && normalizeAnswer(String(got)) === normalizeAnswer(want);
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) return false;
    const rest = [...got];
    // Order-free: extracted lists rarely have a meaningful order.
    return want.every((item) => {
      const at = rest.findIndex((candidate) => same(item, candidate));
      if (at === -1) return false;
      rest.splice(at, 1);
      return true;
    });
  }
  if (want !== null && typeof want === 'object') {
    if (got === null || typeof got !== 'object' || Array.isArray(got)) return false;
    return Object.entries(want).every(([key, value]) => same(value, (got as Record<string, unknown>)[key]));
  }
  return want === got;
}

/** Share of the reference object's top-level fields the answer's JSON object gets right. */
export function scoreJsonFields(answer: string, reference: string): ScoreResult {
  const expected = JSON.parse(reference) as Record<string, unknown>;
  const keys = Object.keys(expected);
  const got = firstJsonObject(answer);
  if (got === undefined) return { score: 0, detail: 'no JSON object in the answer' };
  const right = keys.filter((key) => same(expected[key], got[key]));
  const wrong = keys.filter((key) => !right.includes(key));
  return { score: keys.length === 0 ? 1 : right.length / keys.length, detail: wrong.length === 0 ? 'every field right' : `wrong or missing: ${wrong.join(', ')}` };
}
