// The Python SDK the tests drive: which interpreter, which pinned version, and a check that fails loudly.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './spool.js';

// npm test (scripts/run-tests.mjs) sets PYTHON to the project-local venv it provisions.
const venvPython = join(repoRoot, '.venv-test', 'bin', 'python');
export const python = process.env.PYTHON ?? (existsSync(venvPython) ? venvPython : 'python3');
export const pinnedPythonSdk = '3.22.1';

/** Throws (so the tests fail, never skip) unless `openai==3.22.1` is importable: CI installs it. */
export function requirePythonSdk(): void {
  const probe = spawnSync(python, ['-c', 'import openai; print(openai.__version__)'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `The Python SDK is not installed for '${python}' (${probe.error?.message ?? probe.stderr.trim()}).\n` +
        `npm test provisions it in .venv-test/; or install it with: ${python} -m pip install openai==${pinnedPythonSdk}`,
    );
  }
  const version = probe.stdout.trim();
  if (version !== pinnedPythonSdk) {
    throw new Error(
      `The Python SDK is openai==${version}; the tests pin openai==${pinnedPythonSdk}: ${python} -m pip install openai==${pinnedPythonSdk}`,
    );
  }
}
