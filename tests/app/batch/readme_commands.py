#!/usr/bin/env python3
"""Runs every neurino-batch command of README.md's ```sh blocks, in the README's order, on small data.

    readme_commands.py --readme README.md --batch build/app/batch/neurino-batch --source-dir .

The README's commands run from the repository root (`nb=build/app/batch/neurino-batch`, then `$nb ...`,
reading `resources/models/...`). The harness builds that root in a temporary folder: `build/app/batch/
neurino-batch` and `resources` are links to the built program and the sources' resources, HOME is the
folder's own (thread timings and leaderboards stay there), and `neurino-batch` is on PATH. Every command
runs as written, except that sizes shrink (see shrink()): event counts are capped, a bare `generate NAME`
gets `--events`, epochs are cut to 1 or 2, a `gan train` without `--epochs` gets one, and lessons other than
the seconds-long first_steps run with `--quick`. Files a command reads that no earlier README command writes
are made beforehand, with the CLI wherever it can make them (see PREPARED).

Each command must exit 0, but for one case: a lesson the harness gave `--quick` may exit 1 when its output
shows that it ran to the end and only checks missed their targets (a quick run's data are too few for the
shapes CNN's 0.99; the CLI's help says "checks may fail"). A block after `<!-- readme-test: skip REASON -->`
is not run (the harness says so); one after `<!-- readme-test: expect-failure -->` must exit 1 or 2 (a README
example of an error). On a failure the harness prints README.md's line, the command, the command as run and
its output, and exits 1.
"""

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

# One command may not take longer than this (seconds); the whole test takes well under a minute.
COMMAND_TIMEOUT = 180
# The most events a generated file gets, per generator (the rest: DEFAULT_EVENTS); enough for every
# command that reads them (splits, batches of 512, t-SNE's perplexity).
MAX_EVENTS = {"higgs": 4000, "shapes": 600, "calorimeter": 500}
DEFAULT_EVENTS = 2000
# The most showers `gan sample` draws.
MAX_SAMPLES = 500
# Epochs shrink by this factor (at least 1): `--epochs 20` trains 1, and the README's resume to
# `--epochs 40` then trains a second.
EPOCH_DIVISOR = 20
# Epochs of a `gan train` that names none (its default is 20).
GAN_EPOCHS = 1
# Lessons whose full run takes seconds: they run as written; the others get --quick.
FULL_LESSONS = ("first_steps",)

MARKER = re.compile(r"<!--\s*readme-test:\s*(skip|expect-failure)\b(.*?)-->")
ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(\S+)$")
# The options whose value is a file (or folder) the command reads.
INPUT_OPTIONS = ("--data", "--checkpoint", "--spec", "--model", "--generator", "--discriminator", "--config")


class Command:
    def __init__(self, line, text, marker):
        self.line = line  # README.md's line number of the command's first line
        self.text = text  # as the README shows it, continuation lines joined
        self.marker = marker  # None, ("skip", reason) or ("expect-failure", "")


def read_commands(readme):
    """Every command line of the ```sh blocks, with its line number and the block's marker."""
    commands = []
    marker = None
    in_block = False
    pending = None
    with open(readme, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if not in_block:
            found = MARKER.search(raw)
            if found:
                marker = (found.group(1), found.group(2).strip(" :"))
            elif stripped.startswith("```sh"):
                in_block = True
            elif stripped and not stripped.startswith("```"):
                marker = None  # a marker belongs to the block right after it
            continue
        if stripped.startswith("```"):
            in_block = False
            marker = None
            continue
        if pending:
            pending.text += " " + stripped
        elif stripped and not stripped.startswith("#"):
            pending = Command(number, stripped, marker)
        else:
            continue
        if pending.text.endswith("\\"):
            pending.text = pending.text[:-1].rstrip()
        else:
            commands.append(pending)
            pending = None
    return commands


def option_value(argv, name):
    """The value of `--name V` or `--name=V` in argv, or None."""
    for i, a in enumerate(argv):
        if a == name and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith(name + "="):
            return a[len(name) + 1 :]
    return None


def set_option(argv, name, value):
    """argv with `--name value`, replacing the option's value where it is given."""
    out = list(argv)
    for i, a in enumerate(out):
        if a == name and i + 1 < len(out):
            out[i + 1] = value
            return out
        if a.startswith(name + "="):
            out[i] = name + "=" + value
            return out
    return out + [name, value]


def cap(argv, name, most):
    value = option_value(argv, name)
    if value is not None and value.isdigit() and int(value) > most:
        return set_option(argv, name, str(most))
    return argv


def shrink(args):
    """The command's arguments (after the program) with smaller sizes; nothing else changes."""
    if not args:
        return args
    if args[0] == "generate" and len(args) > 1 and not args[1].startswith("-"):
        most = MAX_EVENTS.get(args[1], DEFAULT_EVENTS)
        if option_value(args, "--events") is None and option_value(args, "-n") is None:
            return args + ["--events", str(most)]
        return cap(args, "--events", most)
    if args[0] == "train":
        epochs = option_value(args, "--epochs")
        if epochs is not None and epochs.isdigit():
            return set_option(args, "--epochs", str(max(1, int(epochs) // EPOCH_DIVISOR)))
        return args
    if args[:2] == ["gan", "train"]:
        if option_value(args, "--epochs") is None:
            return args + ["--epochs", str(GAN_EPOCHS)]
        return cap(args, "--epochs", GAN_EPOCHS)
    if args[:2] == ["gan", "sample"]:
        return cap(args, "--events", MAX_SAMPLES)
    if (args[0] == "exercise" and len(args) > 2 and args[1] in ("run", "grade") and "--quick" not in args
            and not (args[1] == "run" and args[2] in FULL_LESSONS)):
        return args + ["--quick"]
    return args


def only_checks_failed(out):
    """Whether a lesson's output shows it ran to the end with its checks measured and nothing but checks
    failing: what a `--quick` run may give ("a smoke test: checks may fail"), as a class's grading may."""
    if "error:" in out or any(line.startswith("error") for line in out.split("\n")):
        return False
    ran = re.search(r"^\d+ of \d+ checks did not pass$", out, re.M)  # exercise run
    graded = re.search(r"^student +model +parameters +result +checks$", out, re.M)  # exercise grade, a folder
    one = re.search(r"^\S.* \(.*, \d+ parameters\):$", out, re.M)  # exercise grade, one model
    return bool(ran or graded or one)


def write_run_spec(path, root):
    """A run spec as the training panel's Save Spec writes it (no CLI command writes one): the shallow Higgs
    model on generated events, one epoch."""
    with open(os.path.join(root, "resources/models/higgs_shallow.neurino.json"), encoding="utf-8") as f:
        model = json.load(f)
    spec = {
        "format": "neurino-run-spec",
        "version": 1,
        "name": "readme-test",
        "model": model,
        "data": {"kind": "generator", "generator": "higgs", "options": {}, "events": 2000, "seed": 5},
        "training": {"epochs": 1, "batch_size": 256},
        "threads": 1,
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(spec, f, indent=2)


def write_submissions(path, root):
    """A class's folder of models, as students hand them in: two who submit the shapes CNN template (the
    grader trains each)."""
    os.makedirs(path, exist_ok=True)
    template = os.path.join(root, "resources/models/shapes_cnn.neurino.json")
    for student in ("ada", "emmy"):
        shutil.copy(template, os.path.join(path, student + ".neurino.json"))


# Files the README's commands read but no README command writes, and how the harness makes them: a list of
# neurino-batch argument lists (their own missing --data is made first), or, where no CLI command writes
# such a file, a Python function of the file's path and the repository root.
PREPARED = {
    # New events to classify with `predict`.
    "new.h5": [["generate", "higgs", "--events", "1000", "--seed", "11", "--out", "new.h5", "--quiet"]],
    # A run spec saved by the training panel's Save Spec.
    "run.spec.json": write_run_spec,
    # The shapes images and a CNN trained on them, for `tsne --layer dense_1`.
    "shapes.h5": [["generate", "shapes", "--events", "600", "--seed", "3", "--out", "shapes.h5", "--quiet"]],
    "runs/cnn/best.h5": [
        ["train", "--model", "resources/models/shapes_cnn.neurino.json", "--data", "shapes.h5",
         "--out", "runs/cnn", "--epochs", "1", "--threads", "2", "--quiet"]
    ],
    # The students' models for `exercise grade`.
    "submissions/": write_submissions,
}


class Harness:
    def __init__(self, batch, root, keep):
        self.batch = os.path.abspath(batch)
        self.root = os.path.abspath(root)
        self.folder = tempfile.mkdtemp(prefix="neurino-readme-")
        self.keep = keep
        self.variables = {}
        self.env = self.make_env()
        self.make_root()

    def make_env(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "NEURINO_"))}
        env["HOME"] = os.path.join(self.folder, "home")
        env["PATH"] = os.path.join(self.folder, "bin") + os.pathsep + env.get("PATH", "")
        os.makedirs(env["HOME"])
        return env

    def make_root(self):
        links = (("build/app/batch/neurino-batch", self.batch), ("bin/neurino-batch", self.batch),
                 ("resources", os.path.join(self.root, "resources")))
        for link, target in links:
            path = os.path.join(self.folder, link)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            os.symlink(target, path)

    def run(self, argv, timeout=COMMAND_TIMEOUT):
        start = time.monotonic()
        try:
            p = subprocess.run(argv, cwd=self.folder, env=self.env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=timeout)
            return p.returncode, p.stdout.decode("utf-8", "replace"), time.monotonic() - start
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"").decode("utf-8", "replace")
            return None, out + "\n(killed after %d s)" % timeout, time.monotonic() - start

    def prepare(self, path):
        """Makes `path` if the harness knows how; False when it does not."""
        recipe = PREPARED.get(path) or PREPARED.get(path.rstrip("/") + "/")
        if recipe is None:
            return False
        if callable(recipe):
            recipe(os.path.join(self.folder, path), self.root)
            print("  prepared %s" % path, flush=True)
            return True
        for args in recipe:
            data = option_value(args, "--data")
            if data and not os.path.exists(os.path.join(self.folder, data)):
                self.prepare(data)
            code, out, _ = self.run([self.batch] + args)
            if code != 0:
                raise RuntimeError("preparing %s: neurino-batch %s failed:\n%s"
                                   % (path, shlex.join(args), out))
            print("  prepared %s: neurino-batch %s" % (path, shlex.join(args)), flush=True)
        return True

    def program(self, word):
        """The neurino-batch the word names (as the README's shell would expand it), or None."""
        expanded = re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?",
                          lambda m: self.variables.get(m.group(1), ""), word)
        if expanded in ("neurino-batch", "build/app/batch/neurino-batch", "./build/app/batch/neurino-batch"):
            return expanded
        return None

    def check(self, command):
        """Runs one README command; returns (ok, ran) where ran says whether it ran neurino-batch."""
        try:
            argv = shlex.split(command.text, comments=True)
        except ValueError as e:
            return self.fail(command, None, None, "cannot parse: %s" % e), True
        if not argv:
            return True, False
        assigned = ASSIGNMENT.match(" ".join(argv))
        if assigned and len(argv) == 1:
            self.variables[assigned.group(1)] = assigned.group(2)
            return True, False
        program = self.program(argv[0])
        if "neurino-batch" not in argv[0] and program is None:
            return True, False  # not the batch CLI (scripts/neurino, cmake, apt-get)
        if command.marker and command.marker[0] == "skip":
            print("README.md:%d: skipped (%s): %s" % (command.line, command.marker[1], command.text),
                  flush=True)
            return True, False
        if program is None:
            return self.fail(command, None, None,
                             "runs a neurino-batch the harness does not know (%s); mark its block with "
                             "<!-- readme-test: skip REASON --> if it cannot run here" % argv[0]), True
        args = shrink(argv[1:])
        for i, a in enumerate(args):
            if a in INPUT_OPTIONS and i + 1 < len(args):
                path = args[i + 1]
                if not os.path.exists(os.path.join(self.folder, path)) and not self.prepare(path):
                    return self.fail(command, args, None,
                                     "reads '%s', which no earlier README command writes; add it to "
                                     "PREPARED in %s" % (path, os.path.basename(__file__))), True
        code, out, seconds = self.run([program] + args)
        expect_failure = command.marker and command.marker[0] == "expect-failure"
        ok = code in (1, 2) if expect_failure else code == 0
        # The shapes CNN cannot reach its 0.99 on a quick run's 960 images: where the harness added --quick, a
        # lesson may exit 1 for checks it missed, never for an error.
        quick_added = "--quick" in args and "--quick" not in argv
        shown = " ".join([argv[0], shlex.join(args)])
        print("README.md:%d: %s  (%s, %.1f s)" % (command.line, shown,
              "exit %s" % code if code is not None else "timed out", seconds), flush=True)
        if not ok and code == 1 and quick_added and only_checks_failed(out):
            print("  exit 1 accepted: only checks missed, on the --quick data the harness chose", flush=True)
            ok = True
        if not ok:
            why = "expected exit 1 or 2" if expect_failure else "expected exit 0"
            return self.fail(command, args, out, why), True
        return True, True

    def fail(self, command, args, out, why):
        print("\nFAIL README.md:%d: %s" % (command.line, why))
        print("  README:  %s" % command.text)
        if args is not None:
            print("  ran:     neurino-batch %s   (in %s)" % (shlex.join(args), self.folder))
        if out:
            tail = out.strip().split("\n")[-60:]
            print("  output:\n" + "\n".join("    " + line for line in tail))
        sys.stdout.flush()
        return False

    def close(self, ok):
        if self.keep or not ok:
            print("files kept in %s" % self.folder)
        else:
            shutil.rmtree(self.folder, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--readme", required=True)
    parser.add_argument("--batch", required=True, help="the built neurino-batch")
    parser.add_argument("--source-dir", required=True, help="the repository root (for resources/)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--min-commands", type=int, default=10,
                        help="fail when fewer batch commands are found (the README's blocks were not parsed)")
    o = parser.parse_args()

    commands = read_commands(o.readme)
    harness = Harness(o.batch, o.source_dir, o.keep)
    start = time.monotonic()
    ran = 0
    ok = True
    for index, command in enumerate(commands):
        try:
            ok, did_run = harness.check(command)
        except (RuntimeError, OSError) as e:
            ok, did_run = harness.fail(command, None, None, str(e)), True
        ran += did_run
        if not ok:
            print("stopped; %d README command(s) after it were not run" % (len(commands) - index - 1))
            break
    if ok and ran < o.min_commands:
        print("FAIL: only %d neurino-batch commands found in %s (at least %d expected)" % (ran, o.readme,
              o.min_commands))
        ok = False
    if ok:
        print("all %d README neurino-batch commands passed in %.0f s" % (ran, time.monotonic() - start))
    harness.close(ok)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
