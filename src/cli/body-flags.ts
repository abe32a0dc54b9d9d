// Groups of request-body flags that several commands share, with the names OpenAI's CLI gives them:
// tool resources, tools, sampling settings, and the overrides a run may make to its assistant.
import { booleanValue, integerValue, numberValue, objectValue, textValue, yamlValue } from './flag-values.js';
import type { RequestBody } from './request-body.js';

export function withToolResources(body: RequestBody): RequestBody {
  return body
    .field(
      '--tool-resources <yaml>',
      'tool_resources',
      "resources for the tools, e.g. '{code_interpreter: {file_ids: [file-abc]}}'",
      objectValue,
    )
    .inner(
      '--tool-resources.code-interpreter <yaml>',
      'tool_resources',
      'code_interpreter',
      'object',
      "just tool_resources.code_interpreter, e.g. '{file_ids: [file-abc]}'",
      objectValue,
    )
    .inner(
      '--tool-resources.file-search <yaml>',
      'tool_resources',
      'file_search',
      'object',
      "just tool_resources.file_search, e.g. '{vector_store_ids: [vs_abc]}'",
      objectValue,
    );
}

/** `--tool` as in OpenAI's CLI (repeat it, one tool each), and `--tools` for a whole list at once. */
export function withTools(body: RequestBody): RequestBody {
  return body
    .item(
      '--tool <yaml>',
      'tools',
      "a tool, e.g. '{type: function, function: {name: get_weather, parameters: {type: object}}}'; repeat for more",
      yamlValue,
    )
    .item(
      '--tools <yaml>',
      'tools',
      "a YAML or JSON list of tools, e.g. '[{type: code_interpreter}, {type: file_search}]'",
      yamlValue,
    );
}

export function withSampling(body: RequestBody): RequestBody {
  return body
    .field('--temperature <number>', 'temperature', 'sampling temperature, 0 to 2', numberValue)
    .field('--top-p <number>', 'top_p', 'nucleus sampling mass, 0 to 1', numberValue)
    .field(
      '--response-format <yaml>',
      'response_format',
      "auto, or an object such as '{type: json_object}'",
      yamlValue,
    );
}

/** The assistant a run runs: the first thing to give. */
export function withAssistantId(body: RequestBody): RequestBody {
  return body.field('--assistant-id <id>', 'assistant_id', 'the assistant (asst_...) that runs', (raw) => raw);
}

/** What a run may change for itself: the assistant's model, instructions, tools and limits. */
export function withRunOverrides(body: RequestBody): RequestBody {
  withTools(
    body
      .field('--model <model>', 'model', "the model to use instead of the assistant's", (raw) => raw)
      .field(
        '--instructions <text>',
        'instructions',
        "instructions to use instead of the assistant's (@file reads them from a file)",
        textValue,
      ),
  );
  return withSampling(body)
    .field(
      '--max-prompt-tokens <n>',
      'max_prompt_tokens',
      'the most prompt tokens the run may use (at least 256)',
      integerValue,
    )
    .field(
      '--max-completion-tokens <n>',
      'max_completion_tokens',
      'the most completion tokens the run may use (at least 256)',
      integerValue,
    )
    .field(
      '--truncation-strategy <yaml>',
      'truncation_strategy',
      "which messages the model sees, e.g. '{type: last_messages, last_messages: 10}'",
      objectValue,
    )
    .inner(
      '--truncation-strategy.type <type>',
      'truncation_strategy',
      'type',
      'object',
      'auto or last_messages',
      (raw) => raw,
    )
    .inner(
      '--truncation-strategy.last-messages <n>',
      'truncation_strategy',
      'last_messages',
      'object',
      'how many of the latest messages the model sees',
      integerValue,
    )
    .field(
      '--tool-choice <yaml>',
      'tool_choice',
      "none, auto, required, or e.g. '{type: function, function: {name: get_weather}}'",
      yamlValue,
    )
    .field(
      '--parallel-tool-calls <bool>',
      'parallel_tool_calls',
      'true or false: may the model call several tools at once',
      booleanValue,
    )
    .field(
      '--metadata <yaml>',
      'metadata',
      "the run's metadata as a YAML or JSON object, e.g. '{ticket: T-1}'",
      objectValue,
    );
}
