# SPDX-License-Identifier: MIT
"""harness: run the real epithet binary in end-to-end tests.

    import harness                      # also puts tests/fakes on sys.path
    from fake_github import FakeGitHub

    class TestEnsure(harness.EpithetTestCase):
        def test_creates_label(self):
            gh = self.start_fake(FakeGitHub(token="tkn"))
            gh.add_repo("acme", "r1")
            res = self.run_epithet(["--api-url", gh.api_url, "-o", "acme", "-y",
                                    "ensure", "bug", "--color", "d73a4a"],
                                   env={"EPITHET_TOKEN": "tkn"})
            self.assert_rc(res, 0)
            self.assert_no_token(res, "tkn")
            self.assertEqual(gh.label("acme", "r1", "bug")["color"], "d73a4a")

    if __name__ == "__main__":
        harness.main()

Environment of every run (nothing else leaks from the caller):
  PATH, LANG/LC_ALL=C.UTF-8, TZ=UTC, TERM=dumb; a fresh HOME (temp dir) with
  XDG_CONFIG_HOME, XDG_STATE_HOME, XDG_CACHE_HOME, XDG_DATA_HOME inside it;
  EPITHET_PLUGIN_PATH as set by meson; sanitizer/valgrind knobs
  (ASAN_OPTIONS, UBSAN_OPTIONS, LSAN_OPTIONS, MSAN_OPTIONS, MALLOC_PERTURB_,
  EPITHET_NO_DLCLOSE);
  NO_COLOR only with no_color=True; then the test's `env` (a value of None
  removes a variable).  No GH_TOKEN, GITHUB_TOKEN, EPITHET_TOKEN, proxies, ...
  unless the test passes them.

Where things come from:
  EPITHET_BIN           the binary (meson sets it); tests skip when unset
  EPITHET_PLUGIN_PATH   in-tree plugins (meson sets it)
  EPITHET_WRAPPER       optional command prefix, e.g. "valgrind -q --error-exitcode=99"
  EPITHET_E2E_JOBS      --jobs for the fault suites (jobs_args()); meson runs
                        them once without it and once with 8
"""

import atexit
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
FAKES = os.path.join(os.path.dirname(HERE), "fakes")
if FAKES not in sys.path:
    sys.path.insert(0, FAKES)

# Variables copied from the caller's environment; everything else is dropped.
PASSTHROUGH = ("PATH", "EPITHET_PLUGIN_PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS",
               "LSAN_OPTIONS", "MSAN_OPTIONS", "MALLOC_PERTURB_", "LD_LIBRARY_PATH",
               "EPITHET_NO_DLCLOSE")

_homes = []  # temp homes made by module-level run_epithet(), removed at exit


class Result:
    """What a run produced: rc, out (stdout text), err (stderr text), home, args."""

    def __init__(self, args, rc, out, err, home):
        self.args, self.rc, self.out, self.err, self.home = args, rc, out, err, home

    def json(self):
        """stdout parsed as JSON (for --output json)."""
        return json.loads(self.out)

    def __repr__(self):
        return "<epithet %s: rc=%s>\n--- stdout ---\n%s--- stderr ---\n%s" % (
            " ".join(shlex.quote(a) for a in self.args), self.rc, self.out, self.err)


def jobs_args():
    """["--jobs", N] when EPITHET_E2E_JOBS is set, else [] (the default)."""
    n = os.environ.get("EPITHET_E2E_JOBS")
    return ["--jobs", n] if n else []


def epithet_bin():
    """The binary under test, or raise unittest.SkipTest when EPITHET_BIN is unset."""
    path = os.environ.get("EPITHET_BIN")
    if not path:
        raise unittest.SkipTest("EPITHET_BIN is not set (run the e2e tests through meson test)")
    return path


def make_home():
    """A fresh temp HOME with the four XDG directories inside it."""
    home = tempfile.mkdtemp(prefix="epithet-e2e-")
    for d in ("config", "state", "cache", "data"):
        os.mkdir(os.path.join(home, "." + d))
    return home


def clean_env(home, env=None, no_color=False):
    """The environment of a run (see the module docstring)."""
    e = {k: os.environ[k] for k in PASSTHROUGH if k in os.environ}
    e.setdefault("PATH", "/usr/bin:/bin")
    e.update({
        "HOME": home,
        "XDG_CONFIG_HOME": os.path.join(home, ".config"),
        "XDG_STATE_HOME": os.path.join(home, ".state"),
        "XDG_CACHE_HOME": os.path.join(home, ".cache"),
        "XDG_DATA_HOME": os.path.join(home, ".data"),
        "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TZ": "UTC", "TERM": "dumb",
    })
    if no_color:
        e["NO_COLOR"] = "1"
    for k, v in (env or {}).items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = str(v)
    return e


def run_epithet(args, env=None, input=None, timeout=120, home=None, cwd=None,
                no_color=False):
    """Run epithet with `args`; returns a Result (never raises on rc != 0).

    home: reuse a HOME from make_home() (journal/cache kept between runs);
    default: a fresh one.  input: text for stdin (default: empty, not a tty).
    cwd: working directory (default: home).  A run longer than `timeout`
    seconds is killed and reported as an AssertionError."""
    if home is None:
        home = make_home()
        _homes.append(home)
    argv = shlex.split(os.environ.get("EPITHET_WRAPPER", "")) + [epithet_bin()] + list(args)
    try:
        p = subprocess.run(argv, env=clean_env(home, env, no_color), cwd=cwd or home,
                           input=input if input is not None else "",
                           capture_output=True, text=True, encoding="utf-8",
                           errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode("utf-8", "replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode("utf-8", "replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        raise AssertionError("epithet timed out after %ss: %r\n--- stdout ---\n%s--- stderr ---\n%s"
                             % (timeout, args, out, err))
    return Result(list(args), p.returncode, p.stdout, p.stderr, home)


def _cleanup():
    for h in _homes:
        shutil.rmtree(h, ignore_errors=True)


atexit.register(_cleanup)


class EpithetTestCase(unittest.TestCase):
    """Base class: temp dirs and fakes are cleaned up after each test."""

    maxDiff = None

    def setUp(self):
        epithet_bin()  # skip early when there is no binary

    def make_home(self):
        home = make_home()
        self.addCleanup(shutil.rmtree, home, True)
        return home

    def tmpdir(self):
        d = tempfile.mkdtemp(prefix="epithet-e2e-")
        self.addCleanup(shutil.rmtree, d, True)
        return d

    def write_file(self, text, name="labels.yml", directory=None):
        """Write text to a file (in a temp dir unless given); returns its path."""
        path = os.path.join(directory or self.tmpdir(), name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def start_fake(self, fake):
        """Start a fake forge (FakeGitHub(...)) and stop it after the test."""
        fake.start()
        self.addCleanup(fake.stop)
        return fake

    def run_epithet(self, args, env=None, input=None, timeout=120, home=None, cwd=None,
                    no_color=False):
        if home is None:
            home = self.make_home()
        return run_epithet(args, env=env, input=input, timeout=timeout, home=home,
                           cwd=cwd, no_color=no_color)

    # ---- assertions (each failure message shows the whole run) ----------------

    def assert_rc(self, result, rc):
        self.assertEqual(result.rc, rc, "unexpected exit status\n%r" % result)

    def assert_no_token(self, result, token):
        """The token appears neither on stdout nor on stderr."""
        self.assertNotIn(token, result.out, "token leaked on stdout\n%r" % result)
        self.assertNotIn(token, result.err, "token leaked on stderr\n%r" % result)

    def assert_no_token_in_files(self, directory, token):
        """The token is in no file under directory (journal, cache, ...)."""
        for root, _, files in os.walk(directory):
            for name in files:
                path = os.path.join(root, name)
                with open(path, "rb") as f:
                    self.assertNotIn(token.encode(), f.read(), "token leaked into %s" % path)

    def assert_in_out(self, result, text):
        self.assertIn(text, result.out, "missing on stdout: %r\n%r" % (text, result))

    def assert_in_err(self, result, text):
        self.assertIn(text, result.err, "missing on stderr: %r\n%r" % (text, result))


def main():
    unittest.main(verbosity=2)
