// The Python SDK the wire tests drive, provisioned by `npm test` itself: openai==<pinned> in a
// project-local virtual environment (.venv-test/), created on first run and reused after.
// Nothing is installed into the system's Python.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const pinnedPythonSdk = '3.22.1';

/** Returns the interpreter that has the pinned SDK, or throws with what went wrong and how to fix it. */
export function provisionPythonSdk(repoRoot) {
  const venv = join(repoRoot, '.venv-test');
  const python = join(venv, 'bin', 'python');
  const version = () =>
    spawnSync(python, ['-c', 'import openai; print(openai.__version__)'], { encoding: 'utf8' }).stdout?.trim();
  if (existsSync(python) && version() === pinnedPythonSdk) return python;
  const system = process.env.PYTHON ?? 'python3';
  console.log(`== provisioning the Python SDK (openai==${pinnedPythonSdk}) in ${venv}`);
  const steps = [
    [system, ['-m', 'venv', venv]],
    // Few retries: a package index that cannot be reached should fail fast, not after minutes.
    [
      python,
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--retries',
        '1',
        `openai==${pinnedPythonSdk}`,
      ],
    ],
  ];
  for (const [command, args] of steps) {
    const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0) {
      throw new Error(
        `could not provision the Python SDK: '${command} ${args.join(' ')}' failed (${result.error?.message ?? `exit ${result.status}`}). On Debian, 'apt-get install python3-venv' provides the venv module.`,
      );
    }
  }
  if (version() !== pinnedPythonSdk)
    throw new Error(`after installing, ${python} does not import openai==${pinnedPythonSdk}`);
  return python;
}
