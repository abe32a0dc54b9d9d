// Regenerates src/domain/openapi/{request-schemas,request-types}.ts from OpenAI's published
// OpenAPI spec: the request schemas Spool validates against, every $ref they reach, stripped of
// prose, with the spec's known errata applied, and the TypeScript types those schemas describe.
// Usage: node scripts/extract-openapi-schemas.mjs [path/to/openai-openapi.yaml]
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const specPath = process.argv[2] ?? '../shared/reference/openai-openapi.yaml';
const outDir = 'src/domain/openapi';
const roots = [
  'CreateThreadRequest',
  'ModifyThreadRequest',
  'CreateMessageRequest',
  'ModifyMessageRequest',
  'CreateAssistantRequest',
  'ModifyAssistantRequest',
  'CreateRunRequest',
  'CreateThreadAndRunRequest',
  'ModifyRunRequest',
  'SubmitToolOutputsRunRequest',
];
// Keywords that carry prose, examples or generator hints, not rules.
const dropped = new Set([
  'description', 'title', 'example', 'examples', 'default', 'format', 'deprecated',
  'x-oaiTypeLabel', 'x-oaiExpandable', 'x-oaiMeta', 'x-stainless-const',
]);

const spec = parse(readFileSync(specPath, 'utf8'));
const all = spec.components.schemas;
const wanted = new Map();

/** Rewrites `nullable` (OpenAPI 3.0) as an anyOf with null, so the validator knows one form. */
function normalise(node) {
  if (node.allOf?.length === 2 && node.allOf[1].nullable === true && Object.keys(node.allOf[1]).length === 1) {
    const { allOf, ...rest } = node;
    return { ...rest, anyOf: [allOf[0], { type: 'null' }] };
  }
  if (node.nullable === true) {
    const { nullable, ...rest } = node;
    return { anyOf: [rest, { type: 'null' }] };
  }
  if (node.nullable === false) {
    const { nullable, ...rest } = node;
    return rest;
  }
  return node;
}

function strip(raw) {
  if (Array.isArray(raw)) return raw.map(strip);
  if (raw === null || typeof raw !== 'object') return raw;
  const node = normalise(raw);
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (dropped.has(key)) continue;
    if (key === '$ref') visit(value.replace('#/components/schemas/', ''));
    out[key] = key === 'properties'
      ? Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, strip(schema)]))
      : strip(value);
  }
  return out;
}

function visit(name) {
  if (wanted.has(name)) return;
  if (!all[name]) throw new Error(`schema ${name} not found in ${specPath}`);
  wanted.set(name, null);
  wanted.set(name, strip(all[name]));
}

for (const root of roots) visit(root);

// Errata: rules the spec states only in prose, or puts in the wrong place.
// 1. Metadata: "at most 16 pairs, keys up to 64 characters, values strings up to 512 characters".
const metadataMap = wanted.get('Metadata').anyOf[0];
metadataMap.maxProperties = 16;
metadataMap.propertyNames = { maxLength: 64 };
metadataMap.additionalProperties = { type: 'string', maxLength: 512 };
// 2. CreateMessageRequest.attachments: `required` sits on the array; it belongs to its items.
const attachments = wanted.get('CreateMessageRequest').properties.attachments.anyOf[0];
attachments.items.required = attachments.required;
delete attachments.required;

// Types: one TypeScript type per schema, so what is validated and what is typed cannot drift.
const refName = (ref) => ref.replace('#/components/schemas/', '');
const literal = (value) => JSON.stringify(value);
function typeOf(node, indent) {
  if (node.$ref) return refName(node.$ref);
  if (node.enum) return node.enum.map(literal).join(' | ');
  if (node.anyOf || node.oneOf) {
    const members = (node.anyOf ?? node.oneOf).filter((member) => member.type || member.$ref || member.enum || member.anyOf || member.oneOf || member.properties);
    if (members.length > 0) return members.map((member) => typeOf({ ...node, anyOf: undefined, oneOf: undefined, ...member }, indent)).join(' | ');
  }
  if (node.allOf) return node.allOf.map((member) => typeOf(member, indent)).join(' & ');
  switch (node.type) {
    case 'string': return 'string';
    case 'integer': case 'number': return 'number';
    case 'boolean': return 'boolean';
    case 'null': return 'null';
    case 'array': return `Array<${typeOf(node.items ?? {}, indent)}>`;
    case 'object': case undefined: {
      if (!node.properties) {
        const values = node.additionalProperties && typeof node.additionalProperties === 'object' ? typeOf(node.additionalProperties, indent) : 'unknown';
        return `{ [key: string]: ${values} }`;
      }
      const required = new Set(node.required ?? []);
      const inner = `${indent}  `;
      const fields = Object.entries(node.properties).map(([name, schema]) => `${inner}${name}${required.has(name) ? '' : '?'}: ${typeOf(schema, inner)};`);
      return `{\n${fields.join('\n')}\n${indent}}`;
    }
    default: throw new Error(`no type for ${JSON.stringify(node)}`);
  }
}

const sorted = [...wanted.entries()].sort(([a], [b]) => a.localeCompare(b));
const banner = '// Generated by scripts/extract-openapi-schemas.mjs from openai-openapi.yaml; do not edit by hand.\n';
writeFileSync(`${outDir}/request-schemas.ts`, `${banner}// The Assistants API v2 request schemas without their prose: the source of truth for validation.
export const requestSchemas = ${JSON.stringify(Object.fromEntries(sorted), null, 2)} as const;
`);
writeFileSync(`${outDir}/request-types.ts`, `${banner}// The types of the request schemas in request-schemas.ts.
${sorted.map(([name, schema]) => `export type ${name} = ${typeOf(schema, '')};\n`).join('\n')}
export interface RequestTypes {
${roots.map((root) => `  ${root}: ${root};`).join('\n')}
}
`);
console.error(`wrote ${wanted.size} schemas and their types to ${outDir}`);
