// Outside programs some tests need and `npm test` cannot install by itself (they come from the
// system's package manager): when one is absent, those tests are skipped with a message saying
// what to install. CI sets SPOOL_TEST_REQUIRE_TOOLS=1, and then an absent tool fails them instead.
import { spawnSync } from 'node:child_process';

/** A skip reason naming the missing program and its package, or false when the tests can run. */
export function unlessInstalled(command: string, installHint: string): string | false {
  if (process.env.SPOOL_TEST_REQUIRE_TOOLS === '1') return false;
  const probe = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return probe.status === 0 ? false : `${command} is not installed (${installHint}); this test did not run`;
}
