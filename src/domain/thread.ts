// What a thread is, and its wire shape (OpenAI's key order: id, object, created_at, metadata, tool_resources).
import type { MetadataMap } from './metadata.js';
import { type ToolResources, toolResourcesToWire } from './tool-resources.js';

export interface Thread {
  id: string;
  created_at: number;
  metadata: MetadataMap;
  tool_resources: ToolResources;
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
