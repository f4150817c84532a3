#!/usr/bin/env python3
"""Mutation check: plants known bugs one at a time and reports which the test suite catches.

Each mutant replaces exact text in a source file (an error if the text is not there, so a
mutant can never silently stop applying), rebuilds incrementally, and runs the tests that
guard that code; the original file is always restored. A mutant is caught when those tests
fail; they are first run without any mutant and must pass. Usage (after scripts/build.sh; the working tree's files are changed and restored):

    scripts/mutate.py                 # every mutant
    scripts/mutate.py objective-lambdas-swapped resume-no-trim-log   # some
    scripts/mutate.py --list

Writes build/mutants.json and prints one line per mutant; exits 1 if any survives.
"""
import json
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


# A test selection: (command, what it runs, as the report names it).
def ctest(regex):
    return (['ctest', '--test-dir', str(ROOT / 'build'), '--output-on-failure', '-R', regex], f'ctest -R "{regex}"')


def browser(pattern):
    return (['node', '--test', '--test-name-pattern', pattern, str(ROOT / 'web/browser.test.mjs')],
            f'browser test "{pattern}"')


# name: (file, [(original text, planted text)], what it breaks, tests to run, builds)
MUTANTS = {
    'objective-lambdas-swapped': (
        'native/model/terms.cpp',
        [('config.lambda_inv * o.c_inv + config.lambda_res * o.c_res', 'config.lambda_res * o.c_inv + config.lambda_inv * o.c_res')],
        'lambda_inv and lambda_res swapped in objective()', ctest('objective equals its formula'), ['native']),
    'composite-ink-inverted': (
        'native/model/terms.cpp', [('+ digits * ink, digits}', '+ digits * (1 - ink), digits}')],
        'the ink level inverted in composite()', ctest('composite'), ['native']),
    'resume-no-trim-log': (
        'native/train/trainer.cpp', [('    trim_log(run, start.resume_from->epochs_done);\n', '')],
        'trim_log removed from resume', ctest('window of finishing an epoch'), ['native']),
    'resume-no-old-checkpoint': (
        'native/artifacts/run_folder.cpp',
        [('  if (has_state(run / kOld)) found = read_checkpoint(run / kOld);\n', '')],
        'the checkpoint.old fallback removed', ctest('window of finishing an epoch'), ['native']),
    'page-restored-wrong-sign': (
        'web/engine.js', [('core._tiae_shift_image(c, r, SIZE, channels, where[0], where[1]);', 'core._tiae_shift_image(c, r, SIZE, channels, theta[0], theta[1]);')],
        "engine.js builds restored from the wrong sign of the shift", browser('wasm: analyze'), []),
    'page-shift-off-by-one': (
        'web/engine.js', [('const where = [-theta[0], -theta[1]];', 'const where = [-theta[0] + 1, -theta[1]];')],
        'engine.js reports the shift 1 px off', browser('wasm: analyze'), []),
    'page-channels-ignored': (
        'web/engine.js', [('core._tiae_estimate_shift(c, p, SIZE, channels, maxShift(m.card), s)', 'core._tiae_estimate_shift(c, p, SIZE, 1, maxShift(m.card), s)')],
        'engine.js searches the shift on the first plane only', browser('grasp: 2-channel'), []),
    'document-vote-wrong-sign': (
        'shared/document.cpp', [('const int vx = x0 + p / 2 - e.dx, vy = y0 + p / 2 - e.dy;', 'const int vx = x0 + p / 2 + e.dx, vy = y0 + p / 2 + e.dy;')],
        'a window votes on the wrong side of its centre', ctest('heat map counts'), ['native']),
    'mean-shift-weakest-first': (
        'shared/document.cpp', [('return a.second != b.second ? a.second > b.second : a.first > b.first;', 'return a.second != b.second ? a.second < b.second : a.first > b.first;')],
        'mean shift merges its centres weakest first', ctest('scikit-learn'), ['native']),
    'extract-batch-accepted-twice': (
        'shared/extract.cpp', [('  if (accepted_[b]) throw', '  if (false && accepted_[b]) throw')],
        'the guard against accepting an extraction batch twice removed', ctest('each is taken exactly once'), ['native']),
    'restoration-shift-off-by-one': (
        'native/model/terms.cpp', [('r.shift = torch::stack({m - col, m - row}, 1);', 'r.shift = torch::stack({m - col + 1, m - row}, 1);')],
        'the exact restoration term returns the argmin 1 px off', ctest('restoration term'), ['native']),
    'invariance-ratio-wrong-pair': (
        'native/evaluate/metrics.cpp', [('std::sqrt(squared_distance(&a[i * dim], &b[i * dim], dim));', 'std::sqrt(squared_distance(&a[i * dim], &a[i * dim], dim));')],
        'the invariance ratio compares an image with itself', ctest('invariance ratio'), ['native']),
    'shift-consistency-strict': (
        'native/evaluate/metrics.cpp', [('ok = ok && std::abs(moved - applied) <= tolerance;', 'ok = ok && std::abs(moved - applied) < tolerance;')],
        'shift consistency without its 1 px tolerance', ctest('shift consistency'), ['native']),
    'alpha-over-black': (
        'shared/extract.cpp', [('gray[i] = alpha * luma + (1 - alpha);', 'gray[i] = alpha * luma;')],
        'transparent pixels composited over black instead of white paper', ctest('equivalent gray image'), ['native']),
    'exif-ignored': (
        'native/io/image_file.cpp', [('jpeg ? cv::IMREAD_COLOR : cv::IMREAD_UNCHANGED', 'jpeg ? cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION : cv::IMREAD_UNCHANGED')],
        "JPEGs' EXIF orientation ignored", ctest('equivalent gray image'), ['native']),
    'weights-dims-32-bit': (
        'native/model/weights_file.cpp',
        [('for (auto d : t.dims) put<int64_t>(out, d);', 'for (auto d : t.dims) put<int32_t>(out, int32_t(d));'),
         ('t.dims.push_back(in.get<int64_t>());', 't.dims.push_back(in.get<int32_t>());')],
        "weights.bin's dimensions written as 32-bit by both our writer and reader (the format changed)",
        ctest('weights_file_read_independently'), ['native']),
}


def build(targets):
    for t in targets:
        r = subprocess.run([str(ROOT / 'scripts/build.sh'), t], cwd=ROOT, capture_output=True, text=True)
        if r.returncode != 0:
            return False
    return True


def run_mutant(name):
    path, edits, what, tests, targets = MUTANTS[name]
    source = ROOT / path
    original = source.read_text()
    planted = original
    for old, new in edits:
        if planted.count(old) != 1:
            raise SystemExit(f'mutate: {name}: the text to replace is not in {path} exactly once: {old!r}')
        planted = planted.replace(old, new)
    start = time.time()
    try:
        source.write_text(planted)
        if not build(targets):
            return {'name': name, 'what': what, 'caught': True, 'by': 'the build fails', 'seconds': round(time.time() - start)}
        r = subprocess.run(tests[0], cwd=ROOT, capture_output=True, text=True)
        caught = r.returncode != 0
    finally:
        source.write_text(original)
    return {'name': name, 'what': what, 'caught': caught, 'by': tests[1] if caught else None,
            'seconds': round(time.time() - start)}


def main(args):
    if args == ['--list']:
        for name, m in MUTANTS.items():
            print(f'{name:32} {m[2]}')
        return 0
    names = args or list(MUTANTS)
    unknown = [n for n in names if n not in MUTANTS]
    if unknown:
        raise SystemExit(f'mutate: unknown mutants {unknown}; --list shows them')
    # The guarding tests must pass on the code as it is, or a "caught" would mean nothing.
    for command, label in {(tuple(MUTANTS[n][3][0]), MUTANTS[n][3][1]) for n in names}:
        r = subprocess.run(list(command), cwd=ROOT, capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"mutate: the tests fail without any mutant: {label}\n{r.stdout[-2000:]}")
    results = []
    try:
        for name in names:
            results.append(run_mutant(name))
            r = results[-1]
            print(f"{'caught  ' if r['caught'] else 'SURVIVED'} {name:32} {r['what']} ({r['seconds']} s)", flush=True)
    finally:
        build(['native'])  # the build again of the sources as they are
    (ROOT / 'build').mkdir(exist_ok=True)
    (ROOT / 'build/mutants.json').write_text(json.dumps(results, indent=2) + '\n')
    survived = [r['name'] for r in results if not r['caught']]
    print(f"{len(results) - len(survived)} of {len(results)} planted bugs caught" + (f"; survived: {', '.join(survived)}" if survived else ''))
    return 1 if survived else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
