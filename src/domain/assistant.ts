// What an assistant is: its stored shape, how create/modify requests make and change one, and its
// wire shape in the key order OpenAI sent (openai-dotnet session record BasicAssistantOperationsWork).
import type { MetadataMap } from './metadata.js';
import { metadataFrom } from './metadata.js';
import type {
  AssistantsApiResponseFormatOption,
  CreateAssistantRequest,
  ModifyAssistantRequest,
  ReasoningEffort,
} from './openapi/request-types.js';
import { type ToolResources, toolResourcesFrom, toolResourcesToWire } from './tool-resources.js';
import { responseFormatToWire, type Tool, toolsToWire } from './tools.js';

export interface Assistant {
  id: string;
  created_at: number;
  name: string | null;
  description: string | null;
  model: string;
  instructions: string | null;
  tools: Tool[];
  tool_resources: ToolResources;
  metadata: MetadataMap;
  top_p: number;
  temperature: number;
  response_format: AssistantsApiResponseFormatOption;
  reasoning_effort: ReasoningEffort;
}

export function assistantFromCreate(id: string, createdAt: number, input: CreateAssistantRequest): Assistant {
  return {
    id,
    created_at: createdAt,
    name: input.name ?? null,
    description: input.description ?? null,
    model: input.model,
    instructions: input.instructions ?? null,
    tools: input.tools ?? [],
    tool_resources: toolResourcesFrom(input.tool_resources),
    metadata: metadataFrom(input.metadata),
    top_p: input.top_p ?? 1,
    temperature: input.temperature ?? 1,
    response_format: input.response_format ?? 'auto',
    reasoning_effort: input.reasoning_effort ?? null,
  };
}

/** Applies a modify request: each field given replaces the stored one; null resets to the default. */
export function assistantModified(assistant: Assistant, input: ModifyAssistantRequest): Assistant {
  const next = { ...assistant };
  if (input.model !== undefined) next.model = input.model;
  if (input.name !== undefined) next.name = input.name;
  if (input.description !== undefined) next.description = input.description;
  if (input.instructions !== undefined) next.instructions = input.instructions;
  if (input.tools !== undefined) next.tools = input.tools;
  if (input.tool_resources !== undefined) next.tool_resources = toolResourcesFrom(input.tool_resources);
  if (input.metadata !== undefined) next.metadata = metadataFrom(input.metadata);
  if (input.top_p !== undefined) next.top_p = input.top_p ?? 1;
  if (input.temperature !== undefined) next.temperature = input.temperature ?? 1;
  if (input.response_format !== undefined) next.response_format = input.response_format ?? 'auto';
  if (input.reasoning_effort !== undefined) next.reasoning_effort = input.reasoning_effort;
  return next;
}

/** Rows written by earlier versions (no reasoning_effort, tools without defaults) read back in this shape. */
export function assistantToWire(assistant: Assistant) {
  return {
    id: assistant.id,
    object: 'assistant' as const,
    created_at: assistant.created_at,
    name: assistant.name,
    description: assistant.description,
    model: assistant.model,
    instructions: assistant.instructions,
    tools: toolsToWire(assistant.tools),
    top_p: assistant.top_p,
    temperature: assistant.temperature,
    reasoning_effort: assistant.reasoning_effort ?? null,
    tool_resources: toolResourcesToWire(assistant.tool_resources, {
      codeInterpreterTool: assistant.tools.some((tool) => tool.type === 'code_interpreter'),
    }),
    metadata: assistant.metadata,
    response_format: responseFormatToWire(assistant.response_format),
  };
}

export function assistantDeletedToWire(id: string) {
  return { id, object: 'assistant.deleted' as const, deleted: true };
}
