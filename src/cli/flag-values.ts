// Flag values read the way OpenAI's CLI reads them: YAML (JSON is YAML too), `@path` for a file's
// contents, `@file://path` as text, `@data://path` as base64, and `\@` for a literal leading '@'.
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { parse } from 'yaml';

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export function isJsonObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readReference(reference: string): string {
  const data = reference.startsWith('@data://');
  const path = reference.replace(/^@(file:\/\/|data:\/\/)?/, '');
  try {
    const bytes = readFileSync(path);
    return data ? bytes.toString('base64') : bytes.toString('utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new InvalidArgumentError(
      `Cannot read '${path}' (${reason}); write '\\@' for a value that starts with a literal '@'.`,
    );
  }
}

/** A string as a text field takes it: a file reference is replaced by the file's contents. */
export function textValue(raw: string): string {
  if (raw.startsWith('\\@')) return raw.slice(1);
  if (raw.startsWith('@') && raw.length > 1) return readReference(raw);
  return raw;
}

/** Replaces file references found in strings anywhere inside a parsed value. */
export function expandReferences(value: Json): Json {
  if (typeof value === 'string') return textValue(value);
  if (Array.isArray(value)) return value.map(expandReferences);
  if (isJsonObject(value))
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, expandReferences(item)]));
  return value;
}

export function parseYaml(text: string, what: string): Json {
  try {
    // An empty value is YAML's null, as in OpenAI's CLI.
    return (parse(text) as Json | undefined) ?? null;
  } catch (error) {
    const firstLine = ((error as Error).message.split('\n')[0] ?? '').trim().replace(/:$/, '');
    throw new InvalidArgumentError(`${what} is not valid YAML or JSON (${firstLine}).`);
  }
}

/** Any YAML value; `@path` reads the whole value from a file. */
export function yamlValue(raw: string): Json {
  const fromFile = raw.startsWith('@') && raw.length > 1;
  return expandReferences(
    parseYaml(fromFile ? readReference(raw) : raw, fromFile ? `The file '${raw.slice(1)}'` : 'The value'),
  );
}

/** An object (or null, which clears it) given as YAML or JSON, inline or from `@path`. */
export function objectValue(raw: string): JsonObject | null {
  const value = yamlValue(raw);
  if (value !== null && !isJsonObject(value)) {
    throw new InvalidArgumentError(
      `Expected an object such as '{key: value}', got ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}.`,
    );
  }
  return value;
}

/**
 * Message content: a list of parts given as YAML or JSON, a quoted YAML string, or else the text
 * exactly as typed. Unlike OpenAI's CLI, text that YAML would read as a number or a map (`42`,
 * `Note: hi`) or fold (several lines) is sent as typed, since the API only takes text or parts.
 */
export function contentValue(raw: string): Json {
  if (raw.startsWith('@') || raw.startsWith('\\@')) return textValue(raw);
  let parsed: Json;
  try {
    parsed = (parse(raw) as Json | undefined) ?? null;
  } catch {
    return raw;
  }
  if (Array.isArray(parsed)) return expandReferences(parsed);
  const quoted = /^\s*(".*"|'.*')\s*$/s.test(raw);
  return quoted && typeof parsed === 'string' ? parsed : raw;
}

/** A number such as 0.7, as OpenAI's CLI takes `--temperature`. */
export function numberValue(raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value))
    throw new InvalidArgumentError(`Expected a number such as 0.7, got '${raw}'.`);
  return value;
}

/** A whole number such as 1024. */
export function integerValue(raw: string): number {
  const value = numberValue(raw);
  if (!Number.isInteger(value)) throw new InvalidArgumentError(`Expected a whole number such as 1024, got '${raw}'.`);
  return value;
}

/** true or false. */
export function booleanValue(raw: string): boolean {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  throw new InvalidArgumentError(`Expected true or false, got '${raw}'.`);
}
