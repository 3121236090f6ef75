import { describe, expect, it } from 'vitest';
import { sampleJsonFromSchema } from './sample-json-from-schema.js';
import { createSeededRandom } from './seeded-random.js';

const sample = (schema: unknown, seed = 1): unknown => sampleJsonFromSchema(schema, createSeededRandom(seed));

describe('sampleJsonFromSchema', () => {
  it('fills every property of nested objects with the right types', () => {
    const value = sample({
      type: 'object',
      properties: {
        name: { type: 'string' },
        age: { type: 'integer', minimum: 18, maximum: 99 },
        score: { type: 'number' },
        address: { type: 'object', properties: { city: { type: 'string' }, zip: { type: 'string', maxLength: 5 } } },
        tags: { type: 'array', items: { type: 'string' }, minItems: 2 },
      },
    }) as { name: string; age: number; score: number; address: { city: string; zip: string }; tags: string[] };
    expect(typeof value.name).toBe('string');
    expect(Number.isInteger(value.age) && value.age >= 18 && value.age <= 99).toBe(true);
    expect(typeof value.score).toBe('number');
    expect(typeof value.address.city).toBe('string');
    expect(value.address.zip.length).toBeLessThanOrEqual(5);
    expect(value.tags).toHaveLength(2);
  });

  it('honours enum, const, anyOf, nullable types and formats', () => {
    expect(['a', 'b']).toContain(sample({ enum: ['a', 'b'] }));
    expect(sample({ const: 42 })).toBe(42);
    expect(typeof sample({ anyOf: [{ type: 'boolean' }, { type: 'string' }] })).toBe('boolean');
    expect(typeof sample({ type: ['null', 'integer'] })).toBe('number');
    expect(sample({ type: 'string', format: 'date-time' })).toBe('2024-01-15T12:00:00Z');
  });

  it('is deterministic for a seed', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'number' } } };
    expect(sample(schema, 7)).toEqual(sample(schema, 7));
  });

  it('stops at a recursion depth instead of looping on self-referencing schemas', () => {
    const node: Record<string, unknown> = { type: 'object', properties: {} };
    (node.properties as Record<string, unknown>).child = node;
    expect(() => JSON.stringify(sample(node))).not.toThrow();
  });
});
