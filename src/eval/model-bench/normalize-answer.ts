/**
 * SQuAD-style normalization: lower case, no punctuation, no English articles, single spaces.
 * Used by the normalized and JSON-field scorers so that "The Pacific Ocean." matches "pacific ocean".
 */
export function normalizeAnswer(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
