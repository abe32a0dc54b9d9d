// What a thread is, and its wire shape (OpenAI's key order: id, object, created_at, metadata, tool_resources).
import type { MetadataMap } from './metadata.js';
import { metadataFrom } from './metadata.js';
import type { CreateThreadRequest } from './openapi/request-types.js';
import { type ToolResources, toolResourcesFrom, toolResourcesToWire } from './tool-resources.js';

export interface Thread {
  id: string;
  created_at: number;
  metadata: MetadataMap;
  tool_resources: ToolResources;
}

/**
 * A new thread from a create request. `param` is where the thread sits in the request (`thread` in
 * create-and-run), so that errors name the field from the request's root.
 */
export function threadFromRequest(
  ids: { id: string; createdAt: number },
  input: CreateThreadRequest,
  param?: string,
): Thread {
  const at = param === undefined ? '' : `${param}.`;
  return {
    id: ids.id,
    created_at: ids.createdAt,
    metadata: metadataFrom(input.metadata),
    tool_resources: toolResourcesFrom(input.tool_resources, `${at}tool_resources`),
  };
}

export function threadToWire(thread: Thread) {
  return {
    id: thread.id,
    object: 'thread' as const,
    created_at: thread.created_at,
    metadata: thread.metadata,
    tool_resources: toolResourcesToWire(thread.tool_resources),
  };
}

export function threadDeletedToWire(id: string) {
  return { id, object: 'thread.deleted' as const, deleted: true };
}
