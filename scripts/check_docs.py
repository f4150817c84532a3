#!/usr/bin/env python3
"""Checks README.md and docs/*.md against the tree, without a build or the network.

- every relative link ([text](path) and ![picture](path)) names a file that exists, and
  its #anchor a heading of that file (GitHub's anchors);
- every `tiae <command>` quoted in code (inline or fenced; `$T <command>` in a block where
  T names the program) is a subcommand of native/cli/main.cpp, and the options that follow
  it on the command line are that command's (add_option/add_flag, and train's settings in
  native/model/train_config.cpp);
- every other --option quoted in code is some tiae command's, or appears in the script or
  tool it belongs to (scripts/, web/*.mjs, or the few outside tools listed below);
- every scripts/... path quoted exists, and so does every quoted path into the source
  folders (native/, shared/, wasm/, web/, tests/, fuzz/, configs/, models/, benchmarks/);
- every option of every command is named in docs/cli.md.

  scripts/check_docs.py              check the tree's README.md and docs/
  scripts/check_docs.py --self-test  also show that it fails on a planted bad link,
                                     a planted unknown command and a planted unknown option
Exit status 1 with one line per problem."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Options of the outside tools the documents quote (ctest, cmake, node, npm, Chromium's page
# parameters are not options): anything else must be a tiae option or be found in our scripts.
OUTSIDE_OPTIONS = {
    '--test-dir', '--output-on-failure', '--build', '--test', '--help', '--version',
}
SOURCE_DIRS = ('scripts', 'native', 'shared', 'wasm', 'web', 'tests', 'fuzz', 'configs', 'models', 'benchmarks')


def strings_after(text, start):
    """The C++ string literals concatenated from text[start:] (whitespace between them)."""
    out, i = [], start
    while True:
        m = re.compile(r'\s*"((?:[^"\\]|\\.)*)"').match(text, i)
        if not m:
            return ''.join(out)
        out.append(m.group(1).replace('\\"', '"'))
        i = m.end()


def cli_commands(root):
    """{command: {option: help}} from native/cli/main.cpp and train_config.cpp."""
    main = open(os.path.join(root, 'native/cli/main.cpp'), encoding='utf-8').read()
    commands = {}
    blocks = re.split(r'\nAction add_\w+\(CLI::App& app\) \{', main)[1:]
    for block in blocks:
        m = re.search(r'add_subcommand\("([\w-]+)",', block)
        if not m:
            continue
        options = {'--help': 'this help', '-h': 'this help'}
        commands[m.group(1)] = {'help': strings_after(block, m.end()), 'options': options}
        for o in re.finditer(r'add_(?:option|flag)(?:_function<[^>]*>)?\(\s*"([^"]+)"\s*,[^,"]*,', block):
            for name in o.group(1).split(','):
                if name.startswith('-'):
                    options[name] = strings_after(block, o.end())
        if 'training_settings()' in block:
            table = open(os.path.join(root, 'native/model/train_config.cpp'), encoding='utf-8').read()
            for s in re.finditer(r'"(\w+)",\s*"(--[\w-]+)",', table):
                options[s.group(2)] = strings_after(table, s.end())
    return commands


def slug(heading):
    s = re.sub(r'[`*_]', '', heading.strip()).lower()
    s = re.sub(r'[^\w\- ]', '', s)
    return s.replace(' ', '-')


def parse_markdown(text):
    """(anchors, code pieces) of a Markdown text: the code pieces are (line number, text,
    in a fenced block), fenced blocks line by line."""
    anchors, code, seen = set(), [], {}
    fence = None
    for n, line in enumerate(text.split('\n'), 1):
        stripped = line.strip()
        if fence:
            if stripped.startswith(fence):
                fence = None
            else:
                code.append((n, line, True))
            continue
        if stripped.startswith('```') or stripped.startswith('~~~'):
            fence = stripped[:3]
            continue
        h = re.match(r'#{1,6}\s+(.*?)\s*#*\s*$', line)
        if h:
            base = slug(h.group(1))
            k = seen.get(base, 0)
            anchors.add(base if k == 0 else f'{base}-{k}')
            seen[base] = k + 1
        for span in re.finditer(r'(`+)(.+?)\1', line):
            code.append((n, span.group(2), False))
    return anchors, code


def prose(text):
    """The text outside fenced blocks and inline code (where links live)."""
    text = re.sub(r'^```.*?^```', '', text, flags=re.S | re.M)
    return re.sub(r'`[^`\n]*`', '', text)


def script_texts(root):
    texts = []
    for folder, pattern in (('scripts', None), ('web', r'\.m?js$'), ('.ci', None)):
        d = os.path.join(root, folder)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            path = os.path.join(d, name)
            if os.path.isfile(path) and (pattern is None or re.search(pattern, name)):
                texts.append(open(path, encoding='utf-8', errors='replace').read())
    return '\n'.join(texts)


def check(doc_root, source_root):
    problems = []
    commands = cli_commands(source_root)
    all_options = set().union(*(c['options'] for c in commands.values()))
    scripts = script_texts(source_root)
    files = ['README.md'] + sorted('docs/' + f for f in os.listdir(os.path.join(doc_root, 'docs')) if f.endswith('.md'))
    texts = {f: open(os.path.join(doc_root, f), encoding='utf-8').read() for f in files}
    parsed = {f: parse_markdown(t) for f, t in texts.items()}

    for f, text in texts.items():
        here = os.path.dirname(f)
        # Links.
        for m in re.finditer(r'!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)', prose(text)):
            target = m.group(1)
            if re.match(r'[a-z]+:', target):
                continue  # http:, https:, mailto:
            path, _, anchor = target.partition('#')
            resolved = os.path.normpath(os.path.join(here, path)) if path else f
            if not os.path.exists(os.path.join(doc_root, resolved)) and not os.path.exists(os.path.join(source_root, resolved)):
                problems.append(f'{f}: link to {target}: no file {resolved}')
                continue
            if anchor:
                if not resolved.endswith('.md'):
                    problems.append(f'{f}: link to {target}: an anchor into a file that is not Markdown')
                    continue
                if resolved not in parsed:
                    parsed[resolved] = parse_markdown(open(os.path.join(doc_root, resolved), encoding='utf-8').read())
                if anchor not in parsed[resolved][0]:
                    problems.append(f'{f}: link to {target}: no heading #{anchor} in {resolved}')

        # Commands, options and paths quoted in code.
        program_var = re.search(r'(?:^|`)(\w+)=[^\s`]*native/tiae\b', text, re.M)
        program = r'(?:(?<![\w./-])(?:[\w./-]*/)?tiae' + (rf'|\${program_var.group(1)}\b' if program_var else '') + ')'
        for n, piece, in_block in parsed[f][1]:
            if in_block and piece.lstrip().startswith('#'):
                command_part, comment = '', piece
            else:
                command_part, _, comment = piece.partition(' #') if in_block else (piece, '', '')
            checked = set()
            for segment in re.split(r'\s*(?:;|&&|\|\||\|)\s*', command_part):
                m = re.match(r'\s*\(?\s*(?:\w+=\S*\s+)*' + program + r'\s+([a-z][\w-]*)', segment)
                if not m:
                    continue
                name = m.group(1)
                if name not in commands:
                    problems.append(f'{f}:{n}: `tiae {name}`: no such command (native/cli/main.cpp)')
                    continue
                for o in re.findall(r'(?<![\w-])(--?[a-zA-Z][\w-]*)', segment[m.end():]):
                    checked.add(o)
                    if o not in commands[name]['options']:
                        problems.append(f'{f}:{n}: `tiae {name} {o}`: {name} has no option {o}')
            # A command quoted in a block's comment: "# the same numbers as `tiae document`".
            for m in re.finditer('`' + program + r'\s+([a-z][\w-]*)', comment if in_block else ''):
                if m.group(1) not in commands:
                    problems.append(f'{f}:{n}: `tiae {m.group(1)}`: no such command (native/cli/main.cpp)')
            for o in re.findall(r'(?<![\w-])(--[a-zA-Z][\w-]*)', piece):
                if o in checked or o in all_options or o in OUTSIDE_OPTIONS:
                    continue
                if not re.search(re.escape(o) + r'(?![\w-])', scripts):
                    problems.append(f'{f}:{n}: {o}: not an option of tiae, of our scripts or of a tool listed in scripts/check_docs.py')
        for m in re.finditer(r'(?<![\w./-])((?:' + '|'.join(SOURCE_DIRS) + r')/[\w./<>*-]*[\w/])', text):
            path = m.group(1)
            if re.search(r'[<>*]|/[A-Z]+(?:/|$)', path) or (not path.startswith('scripts/') and not any(path in c for _, c, _ in parsed[f][1])):
                continue  # a pattern, or prose outside code
            if not os.path.exists(os.path.join(source_root, path)):
                problems.append(f'{f}: {path}: no such file or folder')

    cli = texts.get('docs/cli.md', '')
    for name, c in sorted(commands.items()):
        if not re.search(rf'\b{name}\b', cli):
            problems.append(f'docs/cli.md: the command {name} is not described')
        for o in sorted(c['options']):
            if o.startswith('--') and o != '--help' and not re.search(re.escape(o) + r'(?![\w-])', cli):
                problems.append(f'docs/cli.md: {name} {o} is not described')
    return sorted(set(problems))


def self_test():
    """The check fails on a planted bad link, unknown command and unknown option, and passes
    on the tree's documents as they are."""
    plants = {
        'a link to a missing file': '\nSee [this](docs/no-such-file.md).\n',
        'a link to a missing heading': '\nSee [this](docs/cli.md#no-such-heading).\n',
        'an unknown command': '\nRun `tiae frobnicate -o out`.\n',
        'an unknown option': '\n```sh\nbuild/native/tiae extract photo.png -o ink.png --no-such-option\n```\n',
        'a missing script': '\nRun `scripts/no-such-script.sh`.\n',
    }
    failures, baseline = [], set(check(ROOT, ROOT))
    for what, plant in plants.items():
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(os.path.join(ROOT, 'README.md'), tmp)
            shutil.copytree(os.path.join(ROOT, 'docs'), os.path.join(tmp, 'docs'))
            with open(os.path.join(tmp, 'README.md'), 'a', encoding='utf-8') as f:
                f.write(plant)
            found = set(check(tmp, ROOT)) - baseline
            if not found:
                failures.append(f'self-test: {what} was not found')
    return failures


def main():
    problems = check(ROOT, ROOT)
    if '--self-test' in sys.argv[1:]:
        problems += self_test()
    for p in problems:
        print(p)
    if problems:
        sys.exit(1)
    print('docs: links, commands, options and paths check out' + (' (and the self-test fails what it plants)' if '--self-test' in sys.argv[1:] else ''))


if __name__ == '__main__':
    main()
