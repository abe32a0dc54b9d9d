// What a message is: its stored shape, how request content becomes OpenAI's output content, and
// its two wire shapes in OpenAI's recorded key order: over REST without the status keys, in
// streamed events with them (openai-dotnet session records BasicMessageOperationsWork, StreamingRunWorks).
import type { CreateMessageRequest } from './openapi/request-types.js';
import type { MetadataMap } from './metadata.js';

export type MessageRole = 'user' | 'assistant';
export type MessageStatus = 'in_progress' | 'incomplete' | 'completed';

export interface TextAnnotation {
  type: 'file_citation' | 'file_path';
  text: string;
  start_index: number;
  end_index: number;
  file_citation?: { file_id: string };
  file_path?: { file_id: string };
}

export type MessageContent =
  | { type: 'text'; text: { value: string; annotations: TextAnnotation[] } }
  | { type: 'image_file'; image_file: { file_id: string; detail?: 'auto' | 'low' | 'high' } }
  | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } }
  | { type: 'refusal'; refusal: string };

export interface Attachment {
  file_id: string;
  tools: Array<{ type: 'code_interpreter' } | { type: 'file_search' }>;
}

export interface Message {
  id: string;
  created_at: number;
  thread_id: string;
  status: MessageStatus;
  incomplete_details: { reason: string } | null;
  completed_at: number | null;
  incomplete_at: number | null;
  role: MessageRole;
  content: MessageContent[];
  assistant_id: string | null;
  run_id: string | null;
  attachments: Attachment[];
  metadata: MetadataMap;
}

export function contentFrom(input: CreateMessageRequest['content']): MessageContent[] {
  if (typeof input === 'string') return [{ type: 'text', text: { value: input, annotations: [] } }];
  return input.map((part): MessageContent => {
    switch (part.type) {
      case 'text':
        return { type: 'text', text: { value: part.text, annotations: [] } };
      case 'image_file':
        return {
          type: 'image_file',
          image_file: { file_id: part.image_file.file_id, detail: part.image_file.detail ?? 'auto' },
        };
      case 'image_url':
        return { type: 'image_url', image_url: { url: part.image_url.url, detail: part.image_url.detail ?? 'auto' } };
      default:
        return part satisfies never;
    }
  });
}

/** A message as OpenAI answered it over REST (create, retrieve, list, modify). */
export function messageToWire(message: Message) {
  return {
    id: message.id,
    object: 'thread.message' as const,
    created_at: message.created_at,
    assistant_id: message.assistant_id,
    thread_id: message.thread_id,
    run_id: message.run_id,
    role: message.role,
    content: message.content.map(contentToWire),
    attachments: message.attachments.map(attachmentToWire),
    metadata: message.metadata,
  };
}

/** A message as OpenAI streamed it in `thread.message.*` events: with its status keys. */
export function messageEventToWire(message: Message) {
  return {
    id: message.id,
    object: 'thread.message' as const,
    created_at: message.created_at,
    assistant_id: message.assistant_id,
    thread_id: message.thread_id,
    run_id: message.run_id,
    status: message.status,
    incomplete_details: message.incomplete_details && { reason: message.incomplete_details.reason },
    incomplete_at: message.incomplete_at,
    completed_at: message.completed_at,
    role: message.role,
    content: message.content.map(contentToWire),
    attachments: message.attachments.map(attachmentToWire),
    metadata: message.metadata,
  };
}

/** A content part in OpenAI's key order; image parts stored by earlier versions without `detail` get "auto". */
function contentToWire(part: MessageContent): MessageContent {
  switch (part.type) {
    case 'text':
      return {
        type: 'text',
        text: { value: part.text.value, annotations: part.text.annotations.map(annotationToWire) },
      };
    case 'image_file':
      return {
        type: 'image_file',
        image_file: { file_id: part.image_file.file_id, detail: part.image_file.detail ?? 'auto' },
      };
    case 'image_url':
      return { type: 'image_url', image_url: { url: part.image_url.url, detail: part.image_url.detail ?? 'auto' } };
    case 'refusal':
      return { type: 'refusal', refusal: part.refusal };
    default:
      return part satisfies never;
  }
}

function annotationToWire(annotation: TextAnnotation): TextAnnotation {
  const base = {
    type: annotation.type,
    text: annotation.text,
    start_index: annotation.start_index,
    end_index: annotation.end_index,
  };
  if (annotation.type === 'file_citation' && annotation.file_citation)
    return { ...base, file_citation: { file_id: annotation.file_citation.file_id } };
  if (annotation.type === 'file_path' && annotation.file_path)
    return { ...base, file_path: { file_id: annotation.file_path.file_id } };
  return base;
}

function attachmentToWire(attachment: Attachment): Attachment {
  return { file_id: attachment.file_id, tools: attachment.tools.map((tool) => ({ type: tool.type })) };
}

export function messageDeletedToWire(id: string) {
  return { id, object: 'thread.message.deleted' as const, deleted: true };
}

/** A message as a client creates it: complete from the start, made by no assistant or run. */
export function messageFromRequest(
  threadId: string,
  input: CreateMessageRequest,
  id: string,
  createdAt: number,
  metadata: MetadataMap,
): Message {
  return {
    id,
    created_at: createdAt,
    thread_id: threadId,
    status: 'completed',
    incomplete_details: null,
    completed_at: createdAt,
    incomplete_at: null,
    role: input.role,
    content: contentFrom(input.content),
    assistant_id: null,
    run_id: null,
    attachments: (input.attachments ?? []).map(attachmentToWire),
    metadata,
  };
}
