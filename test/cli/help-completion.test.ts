// `spool --help`, `spool <command> --help` and the bash and zsh completion scripts, which are run
// in real shells (bash and zsh) with the completion builtins they call replaced by recorders.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { makeTempDir } from '../support/spool.js';
import { unlessInstalled } from '../support/optional-tools.js';

describe('help', () => {
  test('spool --help lists the server, client and other commands, the environment and exit codes', async () => {
    const result = await runCli(['--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Usage: spool \[options\] \[command\]/);
    for (const heading of ['Server:', 'Client commands (over the HTTP API):', 'Other:'])
      assert.ok(result.stdout.includes(`\n${heading}\n`), heading);
    for (const command of [
      'serve',
      'migrate',
      'keys',
      'threads',
      'messages',
      'assistants',
      'runs',
      'completion <shell>',
      'help [command]',
    ]) {
      assert.match(result.stdout, new RegExp(`\\n  ${command.replace(/[[\]<>]/g, '\\$&')}\\s`), command);
    }
    assert.match(result.stdout, /SPOOL_BASE_URL/);
    assert.match(
      result.stdout,
      /exit code 1; 2 is a usage error, 3 a server that cannot be\s+reached, 4 a run that ended failed, cancelled or expired/,
    );
  });

  test('spool threads create --help groups its options and shows examples', async () => {
    const result = await runCli(['threads', 'create', '--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Usage: spool threads create \[options\]/);
    for (const heading of ['Request body:', 'Connection:', 'Output:'])
      assert.ok(result.stdout.includes(`\n${heading}\n`), heading);
    for (const flag of [
      '--message <yaml>',
      '--message.role <role>',
      '--metadata <yaml>',
      '--tool-resources.file-search <yaml>',
      '--base-url <url>',
      '--api-key <key>',
      '--format <format>',
    ]) {
      assert.ok(result.stdout.includes(flag), flag);
    }
    assert.match(result.stdout, /Examples:\n {2}spool threads create --message '\{role: user, content: Hello\}'/);
  });

  test('every command has help, and `spool help <command>` is the same page', async () => {
    for (const args of [
      ['threads'],
      ['messages'],
      ['messages', 'list'],
      ['assistants', 'create'],
      ['threads', 'create-and-run'],
      ['runs', 'steps', 'retrieve'],
      ['keys', 'create'],
      ['completion'],
    ]) {
      const flag = await runCli([...args, '--help']);
      assert.equal(flag.code, 0, args.join(' '));
      assert.match(flag.stdout, new RegExp(`^Usage: spool ${args.join(' ')}`));
    }
    const viaHelp = await runCli(['help', 'threads']);
    assert.equal(viaHelp.stdout, (await runCli(['threads', '--help'])).stdout);
  });

  test('a command group without a subcommand shows its help on stderr and exits 2', async () => {
    const result = await runCli(['threads']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^Usage: spool threads/);
  });
});

/** Completes `line` (the cursor at its end) with the bash script and returns the candidates. */
function completeInBash(script: string, line: string): string[] {
  const dir = makeTempDir();
  writeFileSync(join(dir, 'spool.bash'), script);
  const program = `source ${JSON.stringify(join(dir, 'spool.bash'))}
read -ra COMP_WORDS <<< "$LINE"; [[ $LINE == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))
_spool; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync('bash', ['-c', program], {
    env: { PATH: process.env.PATH ?? '', LINE: line },
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.split('\n').filter((word) => word !== '');
}

/** Runs the zsh script's _spool for `line`, with _describe, compadd and _files recording what they are given. */
function completeInZsh(script: string, line: string): string[] {
  const dir = makeTempDir();
  writeFileSync(join(dir, '_spool'), script);
  const program = `compdef() { :; }
_describe() { local name=$4; print -rl -- "\${(@P)name}"; }
compadd() { shift; print -rl -- "$@"; }
_files() { print -- '<files>'; }
source ${JSON.stringify(join(dir, '_spool'))}
words=(\${(z)LINE}); [[ $LINE == *" " ]] && words+=("")
CURRENT=\${#words}
_spool`;
  const result = spawnSync('zsh', ['-f', '-c', program], {
    env: { PATH: process.env.PATH ?? '', LINE: line },
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.split('\n').filter((word) => word !== '');
}

describe('spool completion', () => {
  test('bash: commands, subcommands, options, and the values of options with a fixed list', async () => {
    const generated = await runCli(['completion', 'bash']);
    assert.equal(generated.code, 0, generated.stderr);
    const script = generated.stdout;
    assert.deepEqual(completeInBash(script, 'spool th'), ['threads']);
    assert.deepEqual(completeInBash(script, 'spool threads '), [
      'create',
      'retrieve',
      'update',
      'delete',
      'list',
      'create-and-run',
    ]);
    assert.deepEqual(completeInBash(script, 'spool as'), ['assistants']);
    assert.deepEqual(completeInBash(script, 'spool runs '), [
      'create',
      'list',
      'retrieve',
      'update',
      'cancel',
      'submit-tool-outputs',
      'steps',
    ]);
    assert.deepEqual(completeInBash(script, 'spool runs steps '), ['list', 'retrieve']);
    assert.deepEqual(completeInBash(script, 'spool threads create-and-run --st'), ['--stream']);
    assert.deepEqual(completeInBash(script, 'spool runs submit-tool-outputs --tool-output.'), [
      '--tool-output.tool-call-id',
      '--tool-output.output',
    ]);
    assert.deepEqual(completeInBash(script, 'spool threads create-and-run --stream --format '), ['json', 'jsonl']);
    assert.deepEqual(completeInBash(script, 'spool messages cr'), ['create']);
    assert.deepEqual(completeInBash(script, 'spool threads create --message.'), [
      '--message.role',
      '--message.content',
      '--message.attachments',
      '--message.metadata',
    ]);
    assert.deepEqual(completeInBash(script, 'spool threads list --order '), ['asc', 'desc']);
    assert.deepEqual(completeInBash(script, 'spool keys list --format j'), ['json', 'jsonl']);
    assert.deepEqual(completeInBash(script, 'spool completion '), ['bash', 'zsh']);
    // An option's value is not taken for a command, wherever the option is.
    assert.deepEqual(completeInBash(script, 'spool --api-key threads threads li'), ['list']);
    assert.deepEqual(completeInBash(script, 'spool threads create --metadata list --tool-resources.c'), [
      '--tool-resources.code-interpreter',
    ]);
  });

  test('zsh: the same candidates, with their descriptions', {
    skip: unlessInstalled('zsh', 'apt-get install zsh'),
  }, async () => {
    const generated = await runCli(['completion', 'zsh']);
    assert.equal(generated.code, 0, generated.stderr);
    const script = generated.stdout;
    assert.match(script, /^#compdef spool\n/);
    assert.ok(
      completeInZsh(script, 'spool ').includes(
        'threads:Create, retrieve, update, delete and list threads, or create one and run an assistant over it.',
      ),
    );
    assert.ok(
      completeInZsh(script, 'spool ').includes('assistants:Create, retrieve, update, delete and list assistants.'),
    );
    assert.ok(
      completeInZsh(script, 'spool threads create-and-run --').includes(
        '--wait:poll until the run completes, fails or needs tool outputs, then print it',
      ),
    );
    assert.deepEqual(
      completeInZsh(script, 'spool messages ').map((line) => line.split(':')[0]),
      ['create', 'list', 'retrieve', 'update', 'delete'],
    );
    assert.ok(
      completeInZsh(script, 'spool threads list --').includes(
        '--metadata:only threads whose metadata has this pair; repeat to require more',
      ),
    );
    assert.deepEqual(completeInZsh(script, 'spool threads list --format '), ['json', 'jsonl']);
    assert.deepEqual(completeInZsh(script, 'spool threads create --metadata '), ['<files>']);
  });

  test('an unknown shell is a usage error', async () => {
    const result = await runCli(['completion', 'fish']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /value 'fish' is invalid for argument 'shell'\. Allowed choices are bash, zsh\./);
  });
});
