// `spool completion bash|zsh`: shell completion scripts generated from the command tree itself, so
// every command and option added later completes without touching this file.
import { Argument, Command, type Option } from 'commander';

interface Candidate {
  name: string;
  description: string;
}

interface CommandNode {
  /** Words from the root, space-separated: '' for `spool`, 'threads create'. */
  path: string;
  commands: Candidate[];
  options: Candidate[];
  /** Options that take a value, and the values they accept when there is a fixed list. */
  valued: Map<string, readonly string[]>;
  /** Values of the first positional argument, when fixed (`completion bash|zsh`). */
  argumentChoices: readonly string[];
}

function optionNames(option: Option): string[] {
  return [option.long, option.short].filter((name): name is string => name !== undefined);
}

function nodesOf(command: Command, path = ''): CommandNode[] {
  const visibleOptions = command.options.filter((option) => !option.hidden);
  const valued = new Map<string, readonly string[]>();
  for (const option of command.options) {
    if (option.required || option.optional)
      for (const name of optionNames(option)) valued.set(name, option.argChoices ?? []);
  }
  const options = visibleOptions.flatMap((option) =>
    optionNames(option).map((name) => ({ name, description: option.description })),
  );
  options.push({ name: '--help', description: 'show help' });
  const commands = command.commands.map((sub) => ({ name: sub.name(), description: sub.description() }));
  const node: CommandNode = {
    path,
    commands,
    options,
    valued,
    argumentChoices: command.registeredArguments[0]?.argChoices ?? [],
  };
  return [node, ...command.commands.flatMap((sub) => nodesOf(sub, path === '' ? sub.name() : `${path} ${sub.name()}`))];
}

/** Quotes a word for a POSIX shell. */
function quote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** `case` branches of a function that prints, for a command path and a kind, the words of that kind. */
function dataBranches(nodes: CommandNode[], line: (candidate: Candidate) => string): string {
  const branches: string[] = [];
  for (const node of nodes) {
    const words = (kind: string, candidates: Candidate[]) => {
      if (candidates.length > 0)
        branches.push(
          `    ${quote(`${node.path}|${kind}`)}) printf '%s\\n' ${candidates.map((candidate) => quote(line(candidate))).join(' ')} ;;`,
        );
    };
    words('commands', node.commands);
    words('options', node.options);
    words(
      'arguments',
      node.argumentChoices.map((name) => ({ name, description: name })),
    );
    words(
      'valued',
      [...node.valued.keys()].map((name) => ({ name, description: '' })),
    );
    for (const [name, values] of node.valued) {
      words(
        `values ${name}`,
        values.map((value) => ({ name: value, description: value })),
      );
    }
  }
  return branches.join('\n');
}

/** Shell code (valid in bash and zsh) that walks the words typed so far to the command being completed. */
function walker(wordsArray: string, first: number, current: string): string {
  return `  local cmdpath='' word i skip=0 valued commands
  for ((i = ${first}; i < ${current}; i++)); do
    word="\${${wordsArray}[i]}"
    if ((skip)); then skip=0; continue; fi
    if [[ $word == -* ]]; then
      valued=" $(_spool_words "$cmdpath" valued | tr '\\n' ' ') "
      [[ $word != *=* && $valued == *" $word "* ]] && skip=1
      continue
    fi
    commands=" $(_spool_words "$cmdpath" commands | tr '\\n' ' ') "
    [[ $commands == *" $word "* ]] && cmdpath="\${cmdpath:+$cmdpath }$word"
  done`;
}

export function bashScript(program: Command): string {
  const nodes = nodesOf(program);
  return `# bash completion for spool. Load it with:  source <(spool completion bash)
_spool_words() {
  case "$1|$2" in
${dataBranches(nodes, (candidate) => candidate.name)}
  esac
}

_spool() {
${walker('COMP_WORDS', 1, 'COMP_CWORD')}
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  if ((skip)); then
    local values
    values="$(_spool_words "$cmdpath" "values \${COMP_WORDS[COMP_CWORD-1]}")"
    if [[ -n $values ]]; then COMPREPLY=($(compgen -W "$values" -- "$cur")); else COMPREPLY=($(compgen -f -- "$cur")); fi
  elif [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_spool_words "$cmdpath" options)" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_spool_words "$cmdpath" commands) $(_spool_words "$cmdpath" arguments)" -- "$cur"))
  fi
}
complete -F _spool spool
`;
}

export function zshScript(program: Command): string {
  const nodes = nodesOf(program);
  const described = (candidate: Candidate) => `${candidate.name.replaceAll(':', '\\:')}:${candidate.description}`;
  return `#compdef spool
# zsh completion for spool. Load it with:  source <(spool completion zsh)
# or save it as _spool in a directory of your $fpath.
_spool_words() {
  case "$1|$2" in
${dataBranches(nodes, (candidate) => candidate.name)}
  esac
}

_spool_described() {
  case "$1|$2" in
${dataBranches(nodes, described)}
  esac
}

_spool() {
${walker('words', 2, 'CURRENT')}
  local -a candidates
  if ((skip)); then
    candidates=(\${(f)"$(_spool_words "$cmdpath" "values \${words[CURRENT-1]}")"})
    if ((\${#candidates})); then compadd -- "\${candidates[@]}"; else _files; fi
  elif [[ \${words[CURRENT]} == -* ]]; then
    candidates=(\${(f)"$(_spool_described "$cmdpath" options)"})
    _describe -t options 'option' candidates
  else
    candidates=(\${(f)"$(_spool_described "$cmdpath" commands)"} \${(f)"$(_spool_described "$cmdpath" arguments)"})
    _describe -t commands 'command' candidates
  fi
}

if [[ \${funcstack[1]} == _spool ]]; then
  _spool "$@"
else
  compdef _spool spool
fi
`;
}

export function completionCommand(): Command {
  return new Command('completion')
    .description('Print a shell completion script for bash or zsh.')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
    .addHelpText(
      'after',
      `
Examples:
  source <(spool completion bash)        # in ~/.bashrc
  source <(spool completion zsh)         # in ~/.zshrc, after compinit`,
    )
    .action(function (this: Command, shell: 'bash' | 'zsh') {
      let root: Command = this;
      while (root.parent) root = root.parent;
      process.stdout.write(shell === 'bash' ? bashScript(root) : zshScript(root));
    });
}
