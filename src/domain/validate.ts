// Validates request bodies against the OpenAPI request schemas and reports the first problem as
// OpenAI's validator words it: the message, the dotted `param` path (`messages[0].content`) and the code.
import {
  ApiError,
  integerOutOfRange,
  invalidType,
  invalidValue,
  missingParameter,
  tooManyProperties,
  unsupportedValue,
} from './errors.js';
import { requestSchemas } from './openapi/request-schemas.js';
import type { RequestTypes, RunStepInclude } from './openapi/request-types.js';
import type { Query } from './pagination.js';

type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'null';

interface JsonSchema {
  readonly $ref?: string;
  readonly type?: JsonType;
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly properties?: { readonly [name: string]: JsonSchema };
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly propertyNames?: { readonly maxLength?: number };
  readonly maxProperties?: number;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
  readonly format?: 'uri';
  // Spool's own keywords (see scripts/extract-openapi-schemas.mjs): bounds on free-form objects,
  // and the starts a URL may have.
  readonly maxDepth?: number;
  readonly maxBytes?: number;
  readonly urlSchemes?: readonly string[];
}

const schemas: { readonly [name: string]: JsonSchema } = requestSchemas;

function resolve(schema: JsonSchema): JsonSchema {
  let current = schema;
  while (current.$ref) {
    const target = schemas[current.$ref.replace('#/components/schemas/', '')];
    if (!target) throw new Error(`unresolved schema reference ${current.$ref}`);
    current = target;
  }
  return current;
}

function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'object')
    return typeof value as JsonType;
  return 'null';
}

const article: Record<JsonType, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a decimal',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function typeAccepts(expected: JsonType, actual: JsonType): boolean {
  return expected === actual || (expected === 'number' && actual === 'integer');
}

function joinAlternatives(words: readonly string[]): string {
  if (words.length <= 2) return words.join(' or ');
  return `${words.slice(0, -1).join(', ')}, or ${words.at(-1)}`;
}

function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** The JSON types a schema can accept, looking through references and unions. */
function acceptedTypes(schema: JsonSchema): JsonType[] {
  const resolved = resolve(schema);
  if (resolved.type) return [resolved.type];
  const members = resolved.anyOf ?? resolved.oneOf;
  if (members) return members.flatMap(acceptedTypes);
  if (resolved.enum) return [...new Set(resolved.enum.map(jsonTypeOf))];
  if (resolved.properties) return ['object'];
  return ['string', 'integer', 'number', 'boolean', 'object', 'array', 'null'];
}

/** How a type is described inside "expected one of ...": arrays name their items. */
function describeForUnion(schema: JsonSchema): string[] {
  const resolved = resolve(schema);
  const members = resolved.anyOf ?? resolved.oneOf;
  if (!resolved.type && members) return members.flatMap(describeForUnion);
  return acceptedTypes(resolved).map((type) => {
    if (type !== 'array') return article[type];
    const itemTypes = resolved.items ? [...new Set(acceptedTypes(resolved.items))] : [];
    return itemTypes.length === 1 && itemTypes[0] ? `array of ${itemTypes[0]}s` : 'an array';
  });
}

function typeMismatch(path: string, expected: string, value: unknown): ApiError {
  return invalidType(path, expected, article[jsonTypeOf(value)]);
}

/** The single `type` value an object schema requires, when it has one (discriminated unions). */
function discriminatorOf(schema: JsonSchema): string | undefined {
  const typeProperty = resolve(schema).properties?.type;
  const values = typeProperty ? resolve(typeProperty).enum : undefined;
  return values?.length === 1 && typeof values[0] === 'string' ? values[0] : undefined;
}

function validateUnion(
  members: readonly JsonSchema[],
  value: unknown,
  path: string,
  exactlyOne: boolean,
): ApiError | null {
  // A union of bare `required` lists: the listed properties exclude each other, and under
  // `oneOf` one of them must be there.
  if (members.every((member) => Object.keys(member).length === 1 && member.required?.length === 1)) {
    const names = members.flatMap((member) => member.required ?? []);
    const present = names.filter((name) => value !== null && typeof value === 'object' && name in value);
    if (present.length > 1) {
      return invalidValue(path, `only one of ${joinAlternatives(present.map((name) => `'${name}'`))} may be provided.`);
    }
    if (present.length === 0 && exactlyOne) {
      return new ApiError(
        400,
        `Invalid '${path}': one of ${joinAlternatives(names.map((name) => `'${name}'`))} must be provided.`,
        { param: path, code: 'missing_required_parameter' },
      );
    }
    return null;
  }
  const actual = jsonTypeOf(value);
  const candidates = members.filter((member) => acceptedTypes(member).some((type) => typeAccepts(type, actual)));
  if (candidates.length === 0) {
    const described = [...new Set(members.flatMap(describeForUnion))];
    const expected = described.length === 1 && described[0] ? described[0] : `one of ${joinAlternatives(described)}`;
    return typeMismatch(path, expected, value);
  }
  if (candidates.length === 1 && candidates[0]) return validateValue(candidates[0], value, path);
  if (actual === 'object') {
    const discriminated = candidates.map((member) => [discriminatorOf(member), member] as const);
    if (discriminated.every(([tag]) => tag !== undefined)) {
      const record = value as Record<string, unknown>;
      if (!('type' in record)) return missingParameter(childPath(path, 'type'));
      const match = discriminated.find(([tag]) => tag === record.type);
      if (!match) {
        if (typeof record.type !== 'string') return typeMismatch(childPath(path, 'type'), 'a string', record.type);
        return unsupportedValue(
          childPath(path, 'type'),
          record.type,
          discriminated.map(([tag]) => tag),
        );
      }
      return validateValue(match[1], value, path);
    }
  }
  let firstError: ApiError | null = null;
  for (const candidate of candidates) {
    const error = validateValue(candidate, value, path);
    if (!error) return null;
    firstError ??= error;
  }
  return firstError;
}

/** Length in characters (code points), as a person counts them; cheap when clearly under the limit. */
function characterLength(text: string, limit: number): number {
  if (text.length <= limit) return text.length;
  let count = 0;
  for (const _ of text) count++;
  return count;
}

function validateString(schema: JsonSchema, text: string, path: string): ApiError | null {
  if (schema.maxLength !== undefined) {
    const length = characterLength(text, schema.maxLength);
    if (length > schema.maxLength) {
      return new ApiError(
        400,
        `Invalid '${path}': string too long. Expected a string with maximum length ${schema.maxLength}, but got a string with length ${length} instead.`,
        { param: path, code: 'string_above_max_length' },
      );
    }
  }
  if (schema.urlSchemes && !schema.urlSchemes.some((scheme) => text.slice(0, scheme.length).toLowerCase() === scheme)) {
    return invalidValue(
      path,
      `unsupported URL. Expected a URL that begins with ${joinAlternatives(schema.urlSchemes.map((scheme) => `'${scheme}'`))}.`,
    );
  }
  if (schema.minLength !== undefined && text.length < schema.minLength) {
    if (text.length === 0)
      return new ApiError(
        400,
        `Invalid '${path}': empty string. Expected a string with minimum length ${schema.minLength}, but got an empty string instead.`,
        { param: path, code: 'empty_string' },
      );
    return new ApiError(
      400,
      `Invalid '${path}': string too short. Expected a string with minimum length ${schema.minLength}, but got a string with length ${text.length} instead.`,
      { param: path, code: 'string_below_min_length' },
    );
  }
  if (schema.format === 'uri' && !isUri(text)) {
    return invalidValue(path, 'Expected a valid URL, but got a value with an invalid format.');
  }
  if (schema.pattern !== undefined && !compiledPattern(schema.pattern).test(text)) {
    return invalidValue(
      path,
      `string does not match pattern. Expected a string that matches the pattern '${schema.pattern}'.`,
    );
  }
  return null;
}

const compiledPatterns = new Map<string, RegExp>();

function compiledPattern(pattern: string): RegExp {
  let compiled = compiledPatterns.get(pattern);
  if (!compiled) {
    compiled = new RegExp(pattern, 'u');
    compiledPatterns.set(pattern, compiled);
  }
  return compiled;
}

// An absolute URI as RFC 3986 spells it: a scheme, then only the characters it allows, each `%`
// starting an escape. Each test looks for one bad spot, so a data: URL of megabytes costs no
// backtracking; a URL parser must accept it too, so `https://` with no host is refused.
const uriScheme = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const notUriCharacter = /[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/;
const badEscape = /%(?![0-9A-Fa-f]{2})/;

function isUri(text: string): boolean {
  return uriScheme.test(text) && !notUriCharacter.test(text) && !badEscape.test(text) && URL.canParse(text);
}

function validateNumber(schema: JsonSchema, number: number, path: string): ApiError | null {
  const kind = schema.type === 'integer' ? 'integer' : 'decimal';
  if (schema.maximum !== undefined && number > schema.maximum)
    return integerOutOfRange(path, kind, schema.maximum, number, 'max');
  if (schema.minimum !== undefined && number < schema.minimum)
    return integerOutOfRange(path, kind, schema.minimum, number, 'min');
  return null;
}

function validateArray(schema: JsonSchema, items: readonly unknown[], path: string): ApiError | null {
  if (schema.maxItems !== undefined && items.length > schema.maxItems) {
    return new ApiError(
      400,
      `Invalid '${path}': array too long. Expected an array with maximum length ${schema.maxItems}, but got an array with length ${items.length} instead.`,
      { param: path, code: 'array_above_max_length' },
    );
  }
  if (schema.minItems !== undefined && items.length < schema.minItems) {
    if (items.length === 0)
      return new ApiError(
        400,
        `Invalid '${path}': empty array. Expected an array with minimum length ${schema.minItems}, but got an empty array instead.`,
        { param: path, code: 'empty_array' },
      );
    return new ApiError(
      400,
      `Invalid '${path}': array too short. Expected an array with minimum length ${schema.minItems}, but got an array with length ${items.length} instead.`,
      { param: path, code: 'array_below_min_length' },
    );
  }
  if (schema.items) {
    for (const [index, item] of items.entries()) {
      const error = validateValue(schema.items, item, `${path}[${index}]`);
      if (error) return error;
    }
  }
  return null;
}

/** How many levels of objects and arrays a value has (a scalar has none), without recursion. */
function nestingDepth(value: unknown): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, depth] = next;
    if (item === null || typeof item !== 'object') continue;
    deepest = Math.max(deepest, depth);
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return deepest;
}

/** A free-form object's bounds: its nesting depth first, so that serialising it is safe. */
function validateFreeForm(schema: JsonSchema, record: Record<string, unknown>, path: string): ApiError | null {
  if (schema.maxDepth !== undefined) {
    const depth = nestingDepth(record);
    if (depth > schema.maxDepth) {
      return new ApiError(
        400,
        `Invalid '${path}': object too deeply nested. Expected an object with at most ${schema.maxDepth} levels of nesting, but got an object with ${depth} levels instead.`,
        { param: path, code: 'object_above_max_depth' },
      );
    }
  }
  if (schema.maxBytes !== undefined) {
    const bytes = Buffer.byteLength(JSON.stringify(record));
    if (bytes > schema.maxBytes) {
      return new ApiError(
        400,
        `Invalid '${path}': object too large. Expected an object of at most ${schema.maxBytes} bytes as JSON, but got an object of ${bytes} bytes instead.`,
        { param: path, code: 'object_above_max_size' },
      );
    }
  }
  return null;
}

function validateObject(schema: JsonSchema, record: Record<string, unknown>, path: string): ApiError | null {
  const freeFormError = validateFreeForm(schema, record, path);
  if (freeFormError) return freeFormError;
  const keys = Object.keys(record);
  const properties = schema.properties ?? {};
  // An object schema that lists its properties is closed unless it says otherwise: the API
  // rejects unknown keys, and Spool stores nothing it does not understand.
  const extra = schema.additionalProperties ?? !schema.properties;
  for (const key of keys) {
    if (!Object.hasOwn(properties, key) && extra === false) {
      const param = childPath(path, key);
      return new ApiError(400, `Unknown parameter: '${param}'.`, { param, code: 'unknown_parameter' });
    }
  }
  if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) {
    return tooManyProperties(path, schema.maxProperties, keys.length);
  }
  for (const name of schema.required ?? []) {
    if (!Object.hasOwn(record, name)) return missingParameter(childPath(path, name));
  }
  const maxNameLength = schema.propertyNames?.maxLength;
  for (const key of keys) {
    const param = childPath(path, key);
    if (maxNameLength !== undefined && key.length > maxNameLength) {
      return new ApiError(
        400,
        `Invalid property name in '${path}': '${key}' is too long. Expected a string with maximum length ${maxNameLength}, but got a string with length ${key.length} instead.`,
        { param, code: 'string_above_max_length' },
      );
    }
    const propertySchema = Object.hasOwn(properties, key)
      ? properties[key]
      : typeof extra === 'object'
        ? extra
        : undefined;
    if (propertySchema) {
      const error = validateValue(propertySchema, record[key], param);
      if (error) return error;
    }
  }
  return null;
}

function validateValue(schemaOrRef: JsonSchema, value: unknown, path: string): ApiError | null {
  const schema = resolve(schemaOrRef);
  const actual = jsonTypeOf(value);
  if (schema.type && !typeAccepts(schema.type, actual)) return typeMismatch(path, article[schema.type], value);
  const members = schema.anyOf ?? schema.oneOf;
  const exactlyOne = schema.oneOf !== undefined && schema.anyOf === undefined;
  if (members && !schema.type) return validateUnion(members, value, path, exactlyOne);
  if (schema.enum && !schema.enum.includes(value)) {
    if (actual !== 'string' && schema.enum.every((option) => typeof option === 'string'))
      return typeMismatch(path, 'a string', value);
    return unsupportedValue(path, value, schema.enum);
  }
  let error: ApiError | null = null;
  if (actual === 'string') error = validateString(schema, value as string, path);
  else if (actual === 'integer' || actual === 'number') error = validateNumber(schema, value as number, path);
  else if (actual === 'array') error = validateArray(schema, value as unknown[], path);
  else if (actual === 'object') error = validateObject(schema, value as Record<string, unknown>, path);
  if (error) return error;
  if (members) return validateUnion(members, value, path, exactlyOne);
  for (const part of schema.allOf ?? []) {
    const partError = validateValue(part, value, path);
    if (partError) return partError;
  }
  return null;
}

/** Checks `body` against the named request schema; throws the API's 400 on the first problem. */
export function parseRequest<Name extends keyof RequestTypes>(name: Name, body: unknown): RequestTypes[Name] {
  const schema = schemas[name];
  if (!schema) throw new Error(`no request schema named ${name}`);
  const value = body === undefined ? {} : body;
  if (jsonTypeOf(value) !== 'object') {
    throw invalidType(null, 'an object', article[jsonTypeOf(value)]);
  }
  const error = validateValue(schema, value, '');
  if (error) throw error;
  return value as RequestTypes[Name];
}

/** Checks the repeatable `include[]` query parameter against the spec's values; an item is named `include[0]`. */
export function parseInclude(query: Query): RunStepInclude {
  const given = query['include[]'];
  const values = given === undefined ? [] : Array.isArray(given) ? given : [given];
  const error = validateValue(schemas.RunStepInclude ?? {}, values, 'include');
  if (error) throw error;
  return values as RunStepInclude;
}
