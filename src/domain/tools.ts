// The tools an assistant or run declares, as the API accepts them.
import type { AssistantToolsCode, AssistantToolsFileSearch, AssistantToolsFunction } from './openapi/request-types.js';

export type Tool = AssistantToolsCode | AssistantToolsFileSearch | AssistantToolsFunction;

export function functionTools(tools: readonly Tool[]): AssistantToolsFunction[] {
  return tools.filter((tool): tool is AssistantToolsFunction => tool.type === 'function');
}
