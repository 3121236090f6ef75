/*
 * Gemini's `parameters` and `responseSchema` take a subset of OpenAPI 3.0's Schema object, not
 * JSON Schema: unknown keywords such as `additionalProperties` or `$schema` are rejected with a
 * 400, `type` must be a single name (nullability is its own flag), and `$ref` is not resolved.
 * This converts what has a faithful equivalent and drops the rest.
 */

/** Keywords copied as they are. Everything absent here and not handled below is dropped. */
const KEPT_KEYWORDS = new Set([
  'title',
  'description',
  'default',
  'example',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'propertyOrdering',
]);

/** Formats Gemini accepts per type; any other format is a 400, so it is dropped. */
const ALLOWED_FORMATS: Record<string, ReadonlySet<string>> = {
  string: new Set(['enum', 'date-time']),
  number: new Set(['float', 'double']),
  integer: new Set(['int32', 'int64']),
};

/** Guards against self-referencing `$ref` chains, which Gemini's schema cannot express. */
const MAX_REF_DEPTH = 8;

type Schema = Record<string, unknown>;

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Converts a JSON Schema into the OpenAPI subset Gemini accepts; `$ref`s into `$defs`/`definitions` are inlined. */
export function convertJsonSchemaToGemini(schema: Schema): Schema {
  const definitions = { ...(isSchema(schema.definitions) ? schema.definitions : {}), ...(isSchema(schema.$defs) ? schema.$defs : {}) };
  return convertNode(schema, definitions, 0);
}

function resolveRef(ref: string, definitions: Schema): Schema | undefined {
  const match = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(ref);
  if (match === null || match[1] === undefined) return undefined;
  const target = definitions[decodeURIComponent(match[1]).replace(/~1/g, '/').replace(/~0/g, '~')];
  return isSchema(target) ? target : undefined;
}

function convertNode(input: Schema, definitions: Schema, depth: number): Schema {
  let node = input;
  if (typeof node.$ref === 'string') {
    const target = depth < MAX_REF_DEPTH ? resolveRef(node.$ref, definitions) : undefined;
    // An unresolvable or too-deep reference degrades to "any object" rather than failing the call.
    if (target === undefined) return { type: 'object', ...(typeof node.description === 'string' ? { description: node.description } : {}) };
    const { $ref: _ref, ...siblings } = node;
    node = { ...target, ...siblings };
    depth += 1;
  }
  // A single-member allOf (a common generator idiom for "$ref plus description") is inlined.
  if (Array.isArray(node.allOf) && node.allOf.length === 1 && isSchema(node.allOf[0])) {
    const { allOf: _allOf, ...rest } = node;
    return convertNode({ ...node.allOf[0], ...rest }, definitions, depth);
  }

  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (KEPT_KEYWORDS.has(key)) out[key] = value;
  }

  let type = node.type;
  if (Array.isArray(type)) {
    const named = type.filter((t): t is string => typeof t === 'string' && t !== 'null');
    if (named.length < type.length) out.nullable = true;
    if (named.length === 1) type = named[0];
    else if (named.length > 1) {
      out.anyOf = named.map((t) => convertNode({ ...node, type: t, nullable: undefined }, definitions, depth));
      type = undefined;
    } else type = undefined;
  }
  if (type === 'null') {
    out.nullable = true;
    type = undefined;
  }
  if (typeof type === 'string') out.type = type;
  if (node.nullable === true) out.nullable = true;

  if (typeof node.format === 'string' && typeof type === 'string' && ALLOWED_FORMATS[type]?.has(node.format)) out.format = node.format;

  const enumValues = node.const !== undefined ? [node.const] : node.enum;
  if (Array.isArray(enumValues)) {
    const nonNull = enumValues.filter((v) => v !== null);
    if (nonNull.length < enumValues.length) out.nullable = true;
    // Gemini enums are string-only; numeric or mixed enums keep their type and lose the enum.
    if (nonNull.length > 0 && nonNull.every((v) => typeof v === 'string')) {
      out.enum = nonNull;
      out.type ??= 'string';
      if (out.type === 'string') out.format = 'enum';
    }
  }

  if (isSchema(node.properties)) {
    const properties: Schema = {};
    for (const [name, child] of Object.entries(node.properties)) {
      if (isSchema(child)) properties[name] = convertNode(child, definitions, depth);
    }
    out.properties = properties;
    out.type ??= 'object';
    if (Array.isArray(node.required)) {
      const required = node.required.filter((name): name is string => typeof name === 'string' && name in properties);
      if (required.length > 0) out.required = required;
    }
  }

  if (isSchema(node.items)) {
    out.items = convertNode(node.items, definitions, depth);
    out.type ??= 'array';
  } else if (Array.isArray(node.prefixItems) && isSchema(node.prefixItems[0])) {
    out.items = convertNode(node.prefixItems[0], definitions, depth);
  }

  const variants = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : undefined;
  if (variants !== undefined) {
    const converted: Schema[] = [];
    for (const variant of variants) {
      if (!isSchema(variant)) continue;
      if (variant.type === 'null') out.nullable = true;
      else converted.push(convertNode(variant, definitions, depth));
    }
    // A single remaining variant (`anyOf: [X, null]`, the usual optional idiom) becomes X itself;
    // the outer keywords (description, nullable) win over the variant's.
    if (converted.length === 1 && converted[0] !== undefined) Object.assign(out, { ...converted[0], ...out });
    else if (converted.length > 1) out.anyOf = converted;
  }

  return out;
}
