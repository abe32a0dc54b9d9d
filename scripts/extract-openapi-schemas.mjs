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
// Query parameters validated as bodies are, each one schema named here: the spec repeats the
// same `include[]` on create run, list steps and get step, and the copies must agree.
const queryParameters = {
  RunStepInclude: {
    name: 'include[]',
    operations: [
      ['/threads/{thread_id}/runs', 'post'],
      ['/threads/{thread_id}/runs/{run_id}/steps', 'get'],
      ['/threads/{thread_id}/runs/{run_id}/steps/{step_id}', 'get'],
    ],
  },
};
// Keywords that carry prose, examples or generator hints, not rules.
const dropped = new Set([
  'description',
  'title',
  'example',
  'examples',
  'default',
  'deprecated',
  'x-oaiTypeLabel',
  'x-oaiExpandable',
  'x-oaiMeta',
  'x-stainless-const',
]);
// The `format`s src/domain/validate.ts checks; any other is a hint, and dropped.
const checkedFormats = new Set(['uri']);

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
    if (dropped.has(key) || (key === 'format' && !checkedFormats.has(value))) continue;
    if (key === '$ref') visit(value.replace('#/components/schemas/', ''));
    out[key] =
      key === 'properties'
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
for (const [schemaName, { name, operations }] of Object.entries(queryParameters)) {
  const copies = operations.map(([path, method]) => {
    const parameter = spec.paths[path]?.[method]?.parameters?.find((candidate) => candidate.name === name);
    if (!parameter) throw new Error(`no query parameter ${name} on ${method} ${path}`);
    return JSON.stringify(strip(parameter.schema));
  });
  if (new Set(copies).size !== 1) throw new Error(`the spec's ${name} parameters differ: ${copies.join(' / ')}`);
  wanted.set(schemaName, JSON.parse(copies[0]));
}

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

// 3. Bounds: every string, array and free-form object a client sends is stored and echoed in every
//    list page, so each gets a bound (OpenAI's where it is known, else a generous one of Spool's).
//    Spool's own keywords, understood by src/domain/validate.ts: `maxDepth` (nesting levels of a
//    free-form object), `maxBytes` (its serialised JSON size) and `urlSchemes` (accepted URL starts).
const messageTextLength = 256_000; // OpenAI's limit on a message's text (string content or each text part)
const instructionsLength = 256_000; // OpenAI's, on an assistant's instructions (the spec's maxLength)
const message = wanted.get('CreateMessageRequest').properties;
message.content.oneOf[0].maxLength = messageTextLength;
message.content.oneOf[1].maxItems = 100; // Spool's choice: content parts per message
attachments.maxItems = 100; // Spool's choice: attachments per message
attachments.items.properties.tools.maxItems = 8; // Spool's choice: there are two kinds of tool
wanted.get('MessageRequestContentTextObject').properties.text.maxLength = messageTextLength;
const imageUrl = wanted.get('MessageContentImageUrlObject').properties.image_url.properties.url;
imageUrl.maxLength = 10 * 1024 * 1024; // Spool's choice: a data: URL of an image of several MB
imageUrl.urlSchemes = ['http:', 'https:', 'data:image/']; // what a model server may be asked to fetch
wanted.get('CreateThreadRequest').properties.messages.maxItems = 32; // OpenAI's ("at most 32 items", openai-php/client#269)
const run = wanted.get('CreateRunRequest').properties;
run.additional_messages.anyOf[0].maxItems = 32; // as a new thread's messages
run.instructions.anyOf[0].maxLength = instructionsLength;
run.additional_instructions.anyOf[0].maxLength = instructionsLength;
wanted.get('CreateThreadAndRunRequest').properties.instructions.anyOf[0].maxLength = instructionsLength;
const functionObject = wanted.get('FunctionObject').properties;
functionObject.name.maxLength = 64; // the spec's prose: "a maximum length of 64"
functionObject.name.pattern = '^[a-zA-Z0-9_-]{1,64}$'; // the spec's prose: "Must be a-z, A-Z, 0-9, or contain underscores and dashes"
functionObject.description.maxLength = 1024; // OpenAI's validator (string_above_max_length on tools[i].function.description)
const jsonSchema = wanted.get('ResponseFormatJsonSchema').properties.json_schema.properties;
jsonSchema.name.maxLength = 64; // the spec's prose: "a maximum length of 64"
jsonSchema.description.maxLength = 8192; // Spool's choice
for (const name of ['FunctionParameters', 'ResponseFormatJsonSchemaSchema']) {
  Object.assign(wanted.get(name), { maxDepth: 32, maxBytes: 256 * 1024 }); // Spool's choice: real schemas are a few KB, a few levels deep
}
const toolOutputs = wanted.get('SubmitToolOutputsRunRequest').properties.tool_outputs;
toolOutputs.maxItems = 128; // Spool's choice: as many as an assistant may have tools
toolOutputs.items.properties.output.maxLength = 512_000; // Spool's choice: twice a message's text
wanted.get('RunStepInclude').maxItems = 16; // Spool's choice: the spec has one value, a client may repeat it
// What is left are identifiers and names (model, assistant_id, file and vector store ids,
// tool_call_id, a named tool choice): 256 characters, as an assistant's name. An array or a
// free-form object left unbounded stops the extraction, so a new one gets a decision here.
function bound(node, path) {
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) bound(item, `${path}[${index}]`);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  if (node.type === 'string' && !node.enum && node.maxLength === undefined) node.maxLength = 256;
  if (node.type === 'array' && node.maxItems === undefined) throw new Error(`unbounded array at ${path}`);
  if (node.additionalProperties === true && node.maxBytes === undefined) throw new Error(`unbounded object at ${path}`);
  for (const [key, value] of Object.entries(node)) bound(value, `${path}.${key}`);
}
for (const [name, schema] of wanted) bound(schema, name);

// Types: one TypeScript type per schema, so what is validated and what is typed cannot drift.
const refName = (ref) => ref.replace('#/components/schemas/', '');
const literal = (value) => JSON.stringify(value);
function typeOf(node, indent) {
  if (node.$ref) return refName(node.$ref);
  if (node.enum) return node.enum.map(literal).join(' | ');
  if (node.anyOf || node.oneOf) {
    const members = (node.anyOf ?? node.oneOf).filter(
      (member) => member.type || member.$ref || member.enum || member.anyOf || member.oneOf || member.properties,
    );
    if (members.length > 0)
      return members
        .map((member) => typeOf({ ...node, anyOf: undefined, oneOf: undefined, ...member }, indent))
        .join(' | ');
  }
  if (node.allOf) return node.allOf.map((member) => typeOf(member, indent)).join(' & ');
  switch (node.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return `Array<${typeOf(node.items ?? {}, indent)}>`;
    case 'object':
    case undefined: {
      if (!node.properties) {
        const values =
          node.additionalProperties && typeof node.additionalProperties === 'object'
            ? typeOf(node.additionalProperties, indent)
            : 'unknown';
        return `{ [key: string]: ${values} }`;
      }
      const required = new Set(node.required ?? []);
      const inner = `${indent}  `;
      const fields = Object.entries(node.properties).map(
        ([name, schema]) => `${inner}${name}${required.has(name) ? '' : '?'}: ${typeOf(schema, inner)};`,
      );
      return `{\n${fields.join('\n')}\n${indent}}`;
    }
    default:
      throw new Error(`no type for ${JSON.stringify(node)}`);
  }
}

const sorted = [...wanted.entries()].sort(([a], [b]) => a.localeCompare(b));
const banner = '// Generated by scripts/extract-openapi-schemas.mjs from openai-openapi.yaml; do not edit by hand.\n';
writeFileSync(
  `${outDir}/request-schemas.ts`,
  `${banner}// The Assistants API v2 request schemas without their prose: the source of truth for validation.
export const requestSchemas = ${JSON.stringify(Object.fromEntries(sorted), null, 2)} as const;
`,
);
writeFileSync(
  `${outDir}/request-types.ts`,
  `${banner}// The types of the request schemas in request-schemas.ts.
${sorted.map(([name, schema]) => `export type ${name} = ${typeOf(schema, '')};\n`).join('\n')}
export interface RequestTypes {
${roots.map((root) => `  ${root}: ${root};`).join('\n')}
}
`,
);
console.error(`wrote ${wanted.size} schemas and their types to ${outDir}`);
