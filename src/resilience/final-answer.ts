/** Lower case, whitespace collapsed, punctuation dropped: "The answer is 42." equals "the answer is 42". */
export function normalizeAnswer(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const EXPLICIT = /(?:final answer|answer)\s*(?:is|:)?\s*[:-]?\s*\(?([^\n]+?)\)?\s*(?:[.!]\s*)?$/im;
const CHOICE = /(?:^|[\s([])([A-E])(?:[)\].:]|\s*$)/gm;
const NUMBER = /-?\d[\d,]*(?:\.\d+)?/g;

/**
 * The part of an answer that majority voting compares: an explicit "answer: X" line, else the last
 * multiple-choice letter, else the last number, else the normalized final line.
 */
export function extractFinalAnswer(text: string): string {
  const explicit = lastMatch(text, EXPLICIT);
  if (explicit !== undefined) {
    const inner = explicit[1] ?? '';
    const letter = /^\(?([A-E])\)?$/.exec(inner.trim());
    if (letter?.[1] !== undefined) return letter[1];
    const number = lastNumber(inner);
    if (number !== undefined) return number;
    return normalizeAnswer(inner);
  }
  const choice = lastMatch(text, CHOICE);
  if (choice?.[1] !== undefined) return choice[1];
  const number = lastNumber(text);
  if (number !== undefined) return number;
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  return normalizeAnswer(lines[lines.length - 1] ?? '');
}

function lastNumber(text: string): string | undefined {
  const matches = text.match(NUMBER);
  const last = matches?.[matches.length - 1];
  if (last === undefined) return undefined;
  const value = Number(last.replace(/,/g, ''));
  return Number.isFinite(value) ? String(value) : undefined;
}

function lastMatch(text: string, pattern: RegExp): RegExpExecArray | undefined {
  const global = pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
  global.lastIndex = 0;
  let last: RegExpExecArray | undefined;
  for (let match = global.exec(text); match !== null; match = global.exec(text)) {
    last = match;
    if (match[0].length === 0) global.lastIndex += 1;
  }
  return last;
}
