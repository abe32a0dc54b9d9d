// Metadata as stored and shown: a string-to-string map, `{}` when empty or set to null.
import type { Metadata } from './openapi/request-types.js';

export type MetadataMap = Record<string, string>;

export function metadataFrom(input: Metadata | undefined): MetadataMap {
  return input ?? {};
}
