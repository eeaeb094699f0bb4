# SPDX-License-Identifier: MIT
"""The GitHub Action, action.yml at the root (SPEC.md 10, "CI"), run for real.

action.yml is parsed (python3-yaml) and its steps are run the way a runner
runs a composite action: each `run:` with `bash --noprofile --norc -eo
pipefail`, `if:` and `${{ ... }}` evaluated, GITHUB_STEP_SUMMARY,
GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH, GITHUB_ACTION_PATH and RUNNER_TEMP
set, the first failing step failing the action. The evaluator knows only the
expression forms action.yml uses (`inputs.NAME`, `inputs.NAME == ''`,
`steps.ID.outputs.NAME`); anything else fails the test, so it never runs
something other than what a runner would.

The install and build steps are skipped through the action's documented
switch, the `epithet` input (the path of a binary already built): here, a
small wrapper that runs the build's epithet (under EPITHET_WRAPPER, when CI
sets one) and records its argv, so that the tests can check no token was on
it. Their scripts are still checked with `bash -n`.

Against the fake GitHub, with the real binary: plan with drift fails the step
(exit 2) with fail-on-drift true and passes with false, changes nothing, and
puts the Markdown plan in the step summary and `changes` in the output; sync
applies the changes; a clean plan passes with changes=0. These need the
binary's --output markdown (whose first line is
`<!-- epithet: changes=N destructive=M failed=F -->`) and skip without it.

The action's own logic (quoting of `args`, bad inputs, other exit statuses, a
Markdown without the summary line) is checked against a fixture binary that
prints a given Markdown and exits with a given status.
"""

import os
import re
import shlex
import stat
import subprocess
import unittest

import harness
import ghcase
from ghcase import TOKEN

try:
    import yaml
except ImportError:  # .ci/packages installs python3-yaml
    yaml = None

SOURCE_ROOT = os.environ.get("EPITHET_SOURCE_ROOT",
                             os.path.dirname(os.path.dirname(harness.HERE)))
ACTION_YML = os.path.join(SOURCE_ROOT, "action.yml")

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class ActionRun:
    """What a run of the action left: rc (of the failing step, else 0), the
    step summary, the action's outputs, the steps run and skipped, the log."""

    def __init__(self):
        self.rc = 0
        self.summary = ""
        self.outputs = {}
        self.ran = []
        self.skipped = []
        self.log = ""

    def __repr__(self):
        return ("<action rc=%s ran=%r skipped=%r outputs=%r>\n--- log ---\n%s"
                "--- summary ---\n%s" % (self.rc, self.ran, self.skipped, self.outputs,
                                         self.log, self.summary))


def load_action():
    if yaml is None:
        raise unittest.SkipTest("python3-yaml is not installed (.ci/packages lists it)")
    with open(ACTION_YML, encoding="utf-8") as f:
        return yaml.safe_load(f)


def parse_output_file(path):
    """name=value lines and name<<DELIM heredocs, as the runner reads them."""
    out = {}
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            j = lines.index(delim, i + 1)
            out[name] = "\n".join(lines[i + 1:j])
            i = j + 1
            continue
        if line:
            name, value = line.split("=", 1)
            out[name] = value
        i += 1
    return out


class Runner:
    """Runs action.yml's steps with the given inputs and environment."""

    def __init__(self, case, inputs, env, workdir, runner_temp=None, skip=()):
        self.case = case
        self.runner_temp = runner_temp or case.tmpdir()
        self.skip = skip
        self.action = load_action()
        self.inputs = {k: str(v.get("default", "")) for k, v in self.action["inputs"].items()}
        for k, v in inputs.items():
            if k not in self.inputs:
                raise AssertionError("action.yml has no input %r" % k)
            self.inputs[k] = v
        self.env = env
        self.workdir = workdir
        self.steps = {}

    def value(self, expr):
        m = re.fullmatch(r"inputs\.([A-Za-z0-9_-]+)", expr)
        if m:
            return self.inputs[m.group(1)]
        m = re.fullmatch(r"steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)", expr)
        if m:
            return self.steps.get(m.group(1), {}).get(m.group(2), "")
        raise AssertionError("action.yml uses an expression this runner does not know: %r"
                             % expr)

    def substitute(self, text):
        return EXPR.sub(lambda m: self.value(m.group(1)), str(text))

    def condition(self, cond):
        if cond is None:
            return True
        cond = EXPR.sub(lambda m: m.group(1), str(cond)).strip()
        m = re.fullmatch(r"(\S+)\s*(==|!=)\s*''", cond)
        if not m:
            raise AssertionError("action.yml uses a condition this runner does not know: %r"
                                 % cond)
        empty = self.value(m.group(1)) == ""
        return empty if m.group(2) == "==" else not empty

    def run(self):
        res = ActionRun()
        runner_temp = self.runner_temp
        files = {name: os.path.join(runner_temp, name)
                 for name in ("summary.md", "env", "path")}
        for path in files.values():
            open(path, "w").close()  # one job's files
        extra_env = {}
        for n, step in enumerate(self.action["runs"]["steps"]):
            name = step.get("name", "step %d" % n)
            self.case.assertEqual(step.get("shell"), "bash", name)
            if not self.condition(step.get("if")) or name in self.skip:
                res.skipped.append(name)
                continue
            res.ran.append(name)
            output = os.path.join(runner_temp, "output-%d" % n)
            open(output, "w").close()
            env = dict(self.env)
            env.update(extra_env)
            with open(files["path"]) as f:  # GITHUB_PATH: prepended, last first
                for d in f.read().split("\n"):
                    if d:
                        env["PATH"] = d + ":" + env["PATH"]
            env.update({
                "GITHUB_ACTION_PATH": SOURCE_ROOT, "RUNNER_TEMP": runner_temp,
                "GITHUB_STEP_SUMMARY": files["summary.md"], "GITHUB_OUTPUT": output,
                "GITHUB_ENV": files["env"], "GITHUB_PATH": files["path"],
                "GITHUB_WORKSPACE": self.workdir, "GITHUB_ACTIONS": "true", "CI": "true",
            })
            for k, v in (step.get("env") or {}).items():
                env[k] = self.substitute(v)
            script = os.path.join(runner_temp, "step-%d.sh" % n)
            with open(script, "w") as f:
                f.write(step["run"])
            p = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
                               env=env, cwd=self.workdir, capture_output=True, text=True,
                               timeout=180)
            res.log += "== %s: exit %d\n%s%s" % (name, p.returncode, p.stdout, p.stderr)
            if "id" in step:
                self.steps[step["id"]] = parse_output_file(output)
            extra_env.update(parse_output_file(files["env"]))
            if p.returncode != 0:
                res.rc = p.returncode
                break
        with open(files["summary.md"], encoding="utf-8") as f:
            res.summary = f.read()
        res.outputs = {k: self.substitute(v["value"])
                       for k, v in self.action.get("outputs", {}).items()}
        return res


class ActionCase(ghcase.GitHubCase):
    """Runs the action with an `epithet` binary: the real one behind a
    wrapper recording its argv, or a fixture."""

    def setUp(self):
        super().setUp()
        load_action()
        self.argv_log = os.path.join(self.tmpdir(), "argv")

    def wrapper(self, body):
        path = os.path.join(self.tmpdir(), "epithet")
        with open(path, "w") as f:
            f.write("#!/bin/sh\nprintf '%%s\\n' \"$@\" >>%s\n%s" % (shlex.quote(self.argv_log),
                                                                  body))
        os.chmod(path, stat.S_IRWXU)
        return path

    def real_epithet(self):
        """The build's binary, under EPITHET_WRAPPER (valgrind in CI) when set."""
        res = self.run_epithet(["--help"])
        if "markdown" not in res.out:
            raise unittest.SkipTest("this epithet has no --output markdown yet")
        cmd = " ".join(shlex.quote(a) for a in shlex.split(os.environ.get("EPITHET_WRAPPER", ""))
                       + [harness.epithet_bin()])
        return self.wrapper('exec %s "$@"\n' % cmd)

    def fixture_epithet(self, markdown, rc):
        """Prints `markdown` and exits `rc`, like epithet --output markdown would."""
        md = self.write_file(markdown, name="fixture.md")
        return self.wrapper("cat %s\nexit %d\n" % (shlex.quote(md), rc))

    def argv(self):
        if not os.path.exists(self.argv_log):
            return None
        with open(self.argv_log) as f:
            return f.read().split("\n")[:-1]

    def run_action(self, epithet, env=None, workdir=None, runner_temp=None, skip=(), **inputs):
        inputs = {k.replace("_", "-"): v for k, v in inputs.items()}
        if epithet is not None:
            inputs["epithet"] = epithet
        home = self.make_home()
        e = harness.clean_env(home, env)
        res = Runner(self, inputs, e, workdir or home, runner_temp, skip).run()
        argv = self.argv() or []
        for a in argv:
            self.assertNotIn(TOKEN, a, "the token went on epithet's command line\n%r" % res)
        self.assertNotIn(TOKEN, res.summary)
        self.assertNotIn(TOKEN, res.log)
        return res


LABELS = """\
labels:
  - name: bug
    color: d73a4a
    description: Something isn't working
  - name: docs
    color: 0075ca
"""


class TestActionAgainstFakeGitHub(ActionCase):
    """The real binary: plan and sync of two drifting repos and one in line."""

    def setUp(self):
        super().setUp()
        self.epithet = self.real_epithet()
        self.gh = self.fake()
        self.gh.add_repo("acme", "r1", labels=[{"name": "bug", "color": "ff0000",
                                                "description": "Something isn't working"},
                                               {"name": "docs", "color": "0075ca"}])
        self.gh.add_repo("acme", "r2", labels=[{"name": "docs", "color": "0075ca"}])
        self.gh.add_repo("acme", "r3", labels=[{"name": "bug", "color": "d73a4a",
                                                "description": "Something isn't working"},
                                               {"name": "docs", "color": "0075ca"}])
        self.work = self.tmpdir()
        self.write_file(LABELS, name="labels.yml", directory=self.work)
        self.args = "--api-url %s --write-interval 0" % self.gh.api_url

    def action(self, **inputs):
        inputs.setdefault("org", "acme")
        inputs.setdefault("args", self.args)
        return self.run_action(self.epithet, env={"EPITHET_TOKEN": TOKEN}, workdir=self.work,
                               **inputs)

    def assert_summary(self, res, changes):
        first = res.summary.split("\n", 1)[0]
        self.assertRegex(first, r"^<!-- epithet: changes=%d destructive=0 failed=0 -->$"
                         % changes, res)
        self.assertEqual(res.outputs, {"changes": str(changes)}, res)

    def test_plan_with_drift_fails_the_step(self):
        res = self.action(command="plan")
        self.assertEqual(res.rc, 2, res)
        self.assertEqual(res.skipped, ["Install epithet's build dependencies",
                                       "Build and install epithet"])
        self.assert_summary(res, 2)
        self.assertIn("acme/r1", res.summary)
        self.assertIn("acme/r2", res.summary)
        self.assertIn("labels drift: 2 change(s) planned", res.log)
        self.assert_no_writes(self.gh)
        self.assertEqual(self.argv()[:6], ["plan", "--output", "markdown", "--org", "acme",
                                           "--api-url"])

    def test_plan_with_drift_passes_without_fail_on_drift(self):
        res = self.action(command="plan", fail_on_drift="false")
        self.assertEqual(res.rc, 0, res)
        self.assert_summary(res, 2)
        self.assert_no_writes(self.gh)

    def test_sync_applies_the_changes(self):
        res = self.action(command="sync", config="labels.yml")
        self.assertEqual(res.rc, 0, res)
        self.assert_summary(res, 2)
        for repo in ("r1", "r2", "r3"):
            self.assertEqual(self.gh.label("acme", repo, "bug")["color"], "d73a4a", repo)
        self.assertEqual(len(self.gh.writes()), 2)
        self.assertIn("--config", self.argv())
        # and the next plan finds nothing to do
        res = self.action(command="plan")
        self.assertEqual(res.rc, 0, res)
        self.assert_summary(res, 0)

    def test_a_failing_run_fails_the_step(self):
        res = self.action(command="plan", config="missing.yml")
        self.assertEqual(res.rc, 65, res)
        self.assertIn("epithet plan exited 65", res.log)
        self.assertEqual(res.outputs, {"changes": ""})



INSTALL_STEP = "Install epithet's build dependencies"


@unittest.skipUnless(os.environ.get("EPITHET_ACTION_BUILD") == "1",
                     "builds epithet: run as the meson test action-build (suite action)")
class TestActionBuild(TestActionAgainstFakeGitHub):
    """The action as a workflow uses it, without the `epithet` input: its
    build step builds and installs epithet from this tree (the README's
    meson commands) and the run step runs that build against the fake. Only
    the apt-get step is left out (it needs root and Debian's archive; the
    packages are the ones .ci/build-packages lists, which CI has)."""

    def setUp(self):
        super().setUp()
        self.runner_temp = self.tmpdir()

    def action(self, **inputs):
        inputs.setdefault("org", "acme")
        inputs.setdefault("args", self.args)
        return self.run_action(None, env={"EPITHET_TOKEN": TOKEN, "EPITHET_PLUGIN_PATH": None},
                               workdir=self.work, runner_temp=self.runner_temp,
                               skip=(INSTALL_STEP,), **inputs)

    def test_built_once_then_reused_in_the_same_job(self):
        res = self.action(command="plan")
        self.assertEqual(res.rc, 2, res)
        self.assertEqual(res.ran, ["Build and install epithet", "epithet ${{ inputs.command }}"],
                         res)
        self.assert_summary(res, 2)
        installed = os.path.join(self.runner_temp, "epithet", "bin", "epithet")
        self.assertTrue(os.access(installed, os.X_OK), res)
        # The installed binary finds its installed plugins: no plugin path.
        self.assertIn("installed", subprocess.run([installed, "plugins"], capture_output=True,
                                                  text=True, env={"HOME": self.work}).stdout)
        built = os.stat(installed).st_mtime_ns
        res = self.action(command="sync")
        self.assertEqual(res.rc, 0, res)
        self.assert_summary(res, 2)
        self.assertEqual(os.stat(installed).st_mtime_ns, built)  # not built again
        self.assertEqual(self.gh.label("acme", "r2", "bug")["color"], "d73a4a")

    # the inherited tests run on the binary built once per test: leave them
    # to TestActionAgainstFakeGitHub
    test_plan_with_drift_fails_the_step = None
    test_plan_with_drift_passes_without_fail_on_drift = None
    test_sync_applies_the_changes = None
    test_a_failing_run_fails_the_step = None


FIXTURE_MD = """\
<!-- epithet: changes=7 destructive=1 failed=0 -->
**epithet plan**: 7 changes in 3 of 40 repositories
"""


class TestActionLogic(ActionCase):
    """The action's own logic, against the fixture binary."""

    def test_drift_and_fail_on_drift(self):
        for fail, rc in (("true", 2), ("false", 0)):
            res = self.run_action(self.fixture_epithet(FIXTURE_MD, 2), fail_on_drift=fail)
            self.assertEqual(res.rc, rc, res)
            self.assertEqual(res.summary, FIXTURE_MD)
            self.assertEqual(res.outputs, {"changes": "7"})
        self.assertIn("7 label change(s) planned (fail-on-drift is false)", res.log)

    def test_exit_statuses_pass_through(self):
        for rc in (0, 1, 77):
            res = self.run_action(self.fixture_epithet(FIXTURE_MD, rc), command="sync")
            self.assertEqual(res.rc, rc, res)
            self.assertEqual(res.summary, FIXTURE_MD)
            self.assertEqual(res.outputs, {"changes": "7"})

    def test_args_are_split_like_a_shell_and_never_evaluated(self):
        marker = os.path.join(self.tmpdir(), "evaluated")
        res = self.run_action(self.fixture_epithet(FIXTURE_MD, 0), config="my labels.yml",
                              org="acme",
                              args="--exclude 'legacy *' --topic \"a b\" --prune=archive "
                                   "$(touch %s) `touch %s` --yes" % (marker, marker))
        self.assertEqual(res.rc, 0, res)
        self.assertEqual(self.argv(), ["plan", "--output", "markdown", "--config",
                                       "my labels.yml", "--org", "acme", "--exclude", "legacy *",
                                       "--topic", "a b", "--prune=archive", "$(touch",
                                       marker + ")", "`touch", marker + "`", "--yes"])
        self.assertFalse(os.path.exists(marker))

    def test_bad_inputs_run_nothing(self):
        for inputs, message in (({"command": "delete"}, "command must be plan or sync"),
                                ({"fail_on_drift": "yes"}, "fail-on-drift must be true or false"),
                                ({"args": "--exclude 'unterminated"}, "cannot split args")):
            res = self.run_action(self.fixture_epithet(FIXTURE_MD, 0), **inputs)
            self.assertEqual(res.rc, 64, res)
            self.assertIn(message, res.log)
            self.assertIsNone(self.argv())

    def test_markdown_without_the_summary_line_gives_no_changes(self):
        res = self.run_action(self.fixture_epithet("no summary line\n", 2), fail_on_drift="false")
        self.assertEqual(res.rc, 0, res)
        self.assertEqual(res.outputs, {"changes": ""})
        self.assertIn("some label change(s) planned", res.log)

    def test_install_and_build_steps(self):
        """Skipped with the `epithet` input; valid bash; building what the README builds."""
        steps = load_action()["runs"]["steps"]
        build = [s for s in steps if s.get("if") == "inputs.epithet == ''"]
        self.assertEqual(len(build), 2)
        for s in steps:
            p = subprocess.run(["bash", "-n"], input=s["run"], text=True, capture_output=True)
            self.assertEqual((p.returncode, p.stderr), (0, ""), s.get("name"))
        script = "\n".join(s["run"] for s in build)
        self.assertIn("/.ci/build-packages", script)
        for cmd in ("meson setup", "meson compile", "meson install"):
            self.assertIn(cmd, script)
        self.assertTrue(os.path.isfile(os.path.join(SOURCE_ROOT, ".ci", "build-packages")))
        with open(os.path.join(SOURCE_ROOT, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        self.assertIn("meson setup build && meson compile -C build", readme)


if __name__ == "__main__":
    harness.main()
