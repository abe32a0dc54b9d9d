// The OpenAI-Beta header: a comma-separated list. `assistants=v2` (even twice, as one Terraform
// provider sends it) or no assistants token at all (StackQL sends none) are accepted; v1 is refused.
import { deprecatedBetaV1, missingBetaHeader } from '../domain/errors.js';

export function checkBetaHeader(header: string | string[] | undefined): void {
  // What nearly every client sends (the SDKs), and StackQL's nothing.
  if (header === undefined || header === 'assistants=v2') return;
  const tokens = (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((token) => token.trim().toLowerCase().replaceAll(' ', ''))
    .filter((token) => token.startsWith('assistants='));
  if (tokens.length === 0 || tokens.includes('assistants=v2')) return;
  if (tokens.includes('assistants=v1')) throw deprecatedBetaV1();
  throw missingBetaHeader();
}
