// The API paths the client commands call, with each ID escaped.
const segment = encodeURIComponent;

export function threadPath(threadId: string): string {
  return `/threads/${segment(threadId)}`;
}

export function messagesPath(threadId: string): string {
  return `${threadPath(threadId)}/messages`;
}

export function messagePath(threadId: string, messageId: string): string {
  return `${messagesPath(threadId)}/${segment(messageId)}`;
}

export function runsPath(threadId: string): string {
  return `${threadPath(threadId)}/runs`;
}

export function runPath(threadId: string, runId: string): string {
  return `${runsPath(threadId)}/${segment(runId)}`;
}

export function stepsPath(threadId: string, runId: string): string {
  return `${runPath(threadId, runId)}/steps`;
}

export function stepPath(threadId: string, runId: string, stepId: string): string {
  return `${stepsPath(threadId, runId)}/${segment(stepId)}`;
}

export function assistantPath(assistantId: string): string {
  return `/assistants/${segment(assistantId)}`;
}
