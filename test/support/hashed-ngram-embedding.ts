/**
 * A deterministic lexical embedding for tests: no model, no network. The text is lowercased,
 * every run of characters other than letters and digits becomes one space, and the features are
 * its words plus its character trigrams (over the text padded with spaces, so word edges count).
 * Each feature is hashed (FNV-1a, 32 bit) into one of `dimensions` buckets with a sign from a
 * second hash bit (so that collisions cancel rather than pile up), weighted 1 + ln(count), and
 * the vector is scaled to unit length. Cosine similarity is then a measure of shared wording:
 * rephrasings that keep the key words score high, questions that differ in one key word score
 * lower, and questions with the same words in another order (a to b / b to a) look alike. It
 * stands in for an embedding model, which none of the tests can load offline.
 */
export function hashedNgramEmbedding(text: string, dimensions = 1024): number[] {
  const normalized = ` ${text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `;
  const counts = new Map<string, number>();
  const add = (feature: string): void => void counts.set(feature, (counts.get(feature) ?? 0) + 1);
  for (const word of normalized.trim().split(' ')) if (word !== '') add(`w:${word}`);
  for (let i = 0; i + 3 <= normalized.length; i += 1) add(`c:${normalized.slice(i, i + 3)}`);
  const vector = new Array<number>(dimensions).fill(0);
  for (const [feature, count] of counts) {
    const hash = fnv1a(feature);
    const bucket = hash % dimensions;
    const sign = (hash >>> 31) === 1 ? -1 : 1;
    vector[bucket] = (vector[bucket] ?? 0) + sign * (1 + Math.log(count));
  }
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return norm === 0 ? vector : vector.map((value) => value / norm);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
