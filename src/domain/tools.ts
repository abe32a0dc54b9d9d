// The tools an assistant or run declares, as the API accepts them, and as OpenAI stored and
// returned them: defaults filled in, keys in OpenAI's order (openai-dotnet session records
// FunctionToolsWork, FileSearchWorks), whatever order the client sent.
import type {
  AssistantsApiResponseFormatOption,
  AssistantToolsCode,
  AssistantToolsFileSearch,
  AssistantToolsFunction,
  FunctionParameters,
} from './openapi/request-types.js';

export type Tool = AssistantToolsCode | AssistantToolsFileSearch | AssistantToolsFunction;

/** The ranker OpenAI filled in when a file_search tool named none. */
export const defaultRanker = 'default_2024_08_21';

export type WireTool =
  | { type: 'code_interpreter' }
  | {
      type: 'file_search';
      file_search: {
        max_num_results?: number;
        ranking_options: { ranker: string; score_threshold: number; hybrid_search: null };
      };
    }
  | {
      type: 'function';
      function: { name: string; description?: string; parameters: FunctionParameters; strict: boolean };
    };

export function functionTools(tools: readonly Tool[]): AssistantToolsFunction[] {
  return tools.filter((tool): tool is AssistantToolsFunction => tool.type === 'function');
}

export function toolToWire(tool: Tool): WireTool {
  switch (tool.type) {
    case 'code_interpreter':
      return { type: 'code_interpreter' };
    case 'file_search': {
      const given = tool.file_search ?? {};
      const ranking = {
        ranker: given.ranking_options?.ranker ?? defaultRanker,
        score_threshold: given.ranking_options?.score_threshold ?? 0,
        hybrid_search: null,
      };
      return {
        type: 'file_search',
        file_search:
          given.max_num_results === undefined
            ? { ranking_options: ranking }
            : { max_num_results: given.max_num_results, ranking_options: ranking },
      };
    }
    case 'function': {
      const { name, description, parameters, strict } = tool.function;
      return {
        type: 'function',
        function: {
          name,
          ...(description === undefined ? {} : { description }),
          parameters: parameters ?? { type: 'object', properties: {} },
          strict: strict ?? false,
        },
      };
    }
    default:
      return tool satisfies never;
  }
}

export function toolsToWire(tools: readonly Tool[]): WireTool[] {
  return tools.map(toolToWire);
}

/** A response_format in a fixed key order (json_schema keeps only the keys the client gave). */
export function responseFormatToWire(format: AssistantsApiResponseFormatOption): AssistantsApiResponseFormatOption {
  if (format === 'auto' || format.type !== 'json_schema') return format === 'auto' ? 'auto' : { type: format.type };
  const { name, description, schema, strict } = format.json_schema;
  return {
    type: 'json_schema',
    json_schema: {
      name,
      ...(description === undefined ? {} : { description }),
      ...(schema === undefined ? {} : { schema }),
      ...(strict === undefined ? {} : { strict }),
    },
  };
}
