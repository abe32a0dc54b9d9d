// The `tool_resources` of a thread, an assistant or a run: what the tools may use.
import { newId } from './ids.js';
import type { CreateThreadRequest, ModifyThreadRequest } from './openapi/request-types.js';
import { integerOutOfRange, invalidValue } from './errors.js';

export interface ToolResources {
  code_interpreter?: { file_ids: string[] };
  file_search?: { vector_store_ids: string[] };
}

type ToolResourcesInput = CreateThreadRequest['tool_resources'] | ModifyThreadRequest['tool_resources'];

/**
 * Normalises requested tool resources to their stored shape. The `vector_stores` helper asks
 * OpenAI to create a vector store; Spool has no vector stores yet, so it allocates the store's
 * ID (what a client reads back) and keeps nothing else.
 */
export function toolResourcesFrom(input: ToolResourcesInput, param = 'tool_resources'): ToolResources {
  if (!input) return {};
  const resources: ToolResources = {};
  if (input.code_interpreter) resources.code_interpreter = { file_ids: input.code_interpreter.file_ids ?? [] };
  const fileSearch = input.file_search;
  if (fileSearch) {
    const helper = 'vector_stores' in fileSearch ? fileSearch.vector_stores : undefined;
    for (const [index, store] of (helper ?? []).entries()) {
      const strategy = store.chunking_strategy;
      if (
        strategy?.type === 'static' &&
        strategy.static.chunk_overlap_tokens > strategy.static.max_chunk_size_tokens / 2
      ) {
        const path = `${param}.file_search.vector_stores[${index}].chunking_strategy.static.chunk_overlap_tokens`;
        throw invalidValue(path, 'chunk_overlap_tokens must not exceed half of max_chunk_size_tokens.');
      }
      if (strategy?.type === 'static' && strategy.static.chunk_overlap_tokens < 0) {
        const path = `${param}.file_search.vector_stores[${index}].chunking_strategy.static.chunk_overlap_tokens`;
        throw integerOutOfRange(path, 'integer', 0, strategy.static.chunk_overlap_tokens, 'min');
      }
    }
    resources.file_search = {
      vector_store_ids: helper ? helper.map(() => newId('vs')) : (fileSearch.vector_store_ids ?? []),
    };
  }
  return resources;
}

/**
 * Tool resources as OpenAI returned them: `file_search` before `code_interpreter`, and, for an
 * assistant with the code_interpreter tool, `code_interpreter: {file_ids: []}` when none were
 * given (openai-dotnet session record BasicRunStepFunctionalityWorks).
 */
export function toolResourcesToWire(
  resources: ToolResources,
  options: { codeInterpreterTool?: boolean } = {},
): ToolResources {
  const wire: ToolResources = {};
  if (resources.file_search) wire.file_search = { vector_store_ids: [...resources.file_search.vector_store_ids] };
  if (resources.code_interpreter) wire.code_interpreter = { file_ids: [...resources.code_interpreter.file_ids] };
  else if (options.codeInterpreterTool) wire.code_interpreter = { file_ids: [] };
  return wire;
}
