import { describe, expect, it } from 'vitest';
import { convertJsonSchemaToGemini } from './convert-json-schema-to-gemini.js';

describe('convertJsonSchemaToGemini', () => {
  it('turns the optional idiom anyOf [X, null] into a nullable X, keeping the outer description', () => {
    expect(convertJsonSchemaToGemini({ anyOf: [{ type: 'string', description: 'inner' }, { type: 'null' }], description: 'outer' })).toEqual({
      type: 'string',
      description: 'outer',
      nullable: true,
    });
  });

  it('keeps real unions as anyOf and reads oneOf as anyOf', () => {
    expect(convertJsonSchemaToGemini({ oneOf: [{ type: 'string' }, { type: 'integer' }] })).toEqual({ anyOf: [{ type: 'string' }, { type: 'integer' }] });
    expect(convertJsonSchemaToGemini({ type: ['string', 'number'] })).toEqual({ anyOf: [{ type: 'string' }, { type: 'number' }] });
  });

  it('maps const to a one-value enum and drops enums Gemini cannot express', () => {
    expect(convertJsonSchemaToGemini({ const: 'fixed' })).toEqual({ type: 'string', format: 'enum', enum: ['fixed'] });
    expect(convertJsonSchemaToGemini({ type: 'integer', enum: [1, 2, 3] })).toEqual({ type: 'integer' });
    expect(convertJsonSchemaToGemini({ enum: ['a', null] })).toEqual({ type: 'string', format: 'enum', enum: ['a'], nullable: true });
  });

  it('drops unsupported keywords and formats', () => {
    expect(
      convertJsonSchemaToGemini({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $id: 'x',
        type: 'object',
        additionalProperties: false,
        unevaluatedProperties: false,
        properties: { email: { type: 'string', format: 'email', examples: ['a@b.c'] }, n: { type: 'number', exclusiveMinimum: 0, format: 'double' } },
      }),
    ).toEqual({ type: 'object', properties: { email: { type: 'string' }, n: { type: 'number', format: 'double' } } });
  });

  it('inlines $defs references and stops a self-referencing schema at a bounded depth', () => {
    const converted = convertJsonSchemaToGemini({
      type: 'object',
      properties: { root: { $ref: '#/$defs/node' } },
      $defs: { node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/$defs/node' } } } } },
    });
    let depth = 0;
    let node = (converted.properties as Record<string, Record<string, unknown>>).root;
    while (node?.properties !== undefined) {
      depth += 1;
      node = ((node.properties as Record<string, Record<string, unknown>>).children?.items as Record<string, unknown>) ?? undefined;
    }
    expect(depth).toBeGreaterThan(1);
    expect(depth).toBeLessThanOrEqual(9);
    expect(node).toEqual({ type: 'object' });
  });

  it('does not modify its input', () => {
    const schema = { type: 'object', additionalProperties: false, properties: { a: { type: ['string', 'null'] } } };
    const copy = structuredClone(schema);
    convertJsonSchemaToGemini(schema);
    expect(schema).toEqual(copy);
  });
});
