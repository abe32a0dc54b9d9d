// IDs a client names (in the path, or an assistant_id in a body) are checked for their prefix
// before any lookup, as OpenAI does (400, not 404).
import { invalidIdPrefix } from '../domain/errors.js';
import { hasIdPrefix, type IdPrefix } from '../domain/ids.js';

export function objectId(param: string, value: string, prefix: IdPrefix): string {
  if (!hasIdPrefix(value, prefix)) throw invalidIdPrefix(param, value, prefix);
  return value;
}
