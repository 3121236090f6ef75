import type { Random } from './seeded-random.js';

const WORDS = ['alpha', 'bravo', 'delta', 'harbor', 'meadow', 'orbit', 'quartz', 'signal', 'timber', 'violet'];
const MAX_DEPTH = 6;

/**
 * A deterministic value that satisfies the common parts of a JSON Schema: type, properties
 * (all of them, so `required` holds), items, enum, const, anyOf/oneOf (first branch), string
 * formats that clients check (date, date-time, email, uri), and numeric minimum/maximum.
 */
export function sampleJsonFromSchema(schema: unknown, random: Random, depth = 0): unknown {
  if (typeof schema !== 'object' || schema === null || depth > MAX_DEPTH) return null;
  const s = schema as Record<string, unknown>;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[Math.floor(random() * s.enum.length)];
  const branches = (Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined) as unknown[] | undefined;
  if (branches && branches.length > 0) return sampleJsonFromSchema(branches[0], random, depth + 1);
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') ?? 'null') : s.type;
  switch (type) {
    case 'object':
      return sampleObject(s, random, depth);
    case 'array': {
      const min = typeof s.minItems === 'number' ? s.minItems : 1;
      const count = Math.max(min, 1);
      return Array.from({ length: count }, () => sampleJsonFromSchema(s.items ?? { type: 'string' }, random, depth + 1));
    }
    case 'string':
      return sampleString(s, random);
    case 'integer':
      return Math.round(sampleNumber(s, random));
    case 'number':
      return Math.round(sampleNumber(s, random) * 100) / 100;
    case 'boolean':
      return random() < 0.5;
    case 'null':
      return null;
    default:
      return s.properties ? sampleObject(s, random, depth) : sampleString(s, random);
  }
}

function sampleObject(s: Record<string, unknown>, random: Random, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const properties = (typeof s.properties === 'object' && s.properties !== null ? s.properties : {}) as Record<string, unknown>;
  for (const [key, child] of Object.entries(properties)) out[key] = sampleJsonFromSchema(child, random, depth + 1);
  return out;
}

function sampleString(s: Record<string, unknown>, random: Random): string {
  switch (s.format) {
    case 'date':
      return '2024-01-15';
    case 'date-time':
      return '2024-01-15T12:00:00Z';
    case 'email':
      return 'simulated@example.com';
    case 'uri':
    case 'url':
      return 'https://example.com/simulated';
    default: {
      const word = WORDS[Math.floor(random() * WORDS.length)] ?? 'alpha';
      const text = `simulated ${word}`;
      const max = typeof s.maxLength === 'number' ? s.maxLength : Infinity;
      const min = typeof s.minLength === 'number' ? s.minLength : 0;
      return text.padEnd(min, 'x').slice(0, max);
    }
  }
}

function sampleNumber(s: Record<string, unknown>, random: Random): number {
  const min = typeof s.minimum === 'number' ? s.minimum : 0;
  const max = typeof s.maximum === 'number' ? s.maximum : min + 100;
  return min + random() * (max - min);
}
