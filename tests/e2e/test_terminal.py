# SPDX-License-Identifier: MIT
"""On a terminal (SPEC 4, 7, 8): destructive changes are asked about, the
answer decides, and colour swatches appear only where the terminal can show them."""

import os
import pty
import select
import subprocess
import time

import harness
import ghcase
from fake_github import FakeGitHub

TOKEN = ghcase.TOKEN


def run_on_pty(args, env, answer=None, timeout=30):
    """Run epithet with stdin, stdout and stderr on a pseudo-terminal; type
    `answer` once the question shows. Returns (rc, everything the terminal got)."""
    master, slave = pty.openpty()
    p = subprocess.Popen([harness.epithet_bin()] + args, stdin=slave, stdout=slave,
                         stderr=slave, env=env, close_fds=True)
    os.close(slave)
    out, answered, deadline = b"", False, time.time() + timeout
    while time.time() < deadline:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        if answer is not None and not answered and b"[y/N]" in out:
            os.write(master, answer.encode() + b"\n")
            answered = True
        if p.poll() is not None and not r:
            break
    rc = p.wait(timeout=5)
    os.close(master)
    return rc, out.decode("utf-8", "replace")


class TestTerminal(harness.EpithetTestCase):
    def setUp(self):
        super().setUp()
        self.gh = self.start_fake(FakeGitHub(token=TOKEN))
        self.gh.add_repo("acme", "r1", labels=[{"name": "wontfix", "color": "ffffff"}],
                         issues=[{"number": 4, "labels": ["wontfix"]}])
        self.home = self.make_home()
        self.env = harness.clean_env(self.home, {"EPITHET_TOKEN": TOKEN})

    def args(self, *extra):
        return ["--api-url", self.gh.api_url, "-o", "acme", "--write-interval", "0"] + list(extra)

    def test_yes_on_the_terminal_applies(self):
        """A destructive change asks on a terminal; 'y' applies it."""
        rc, out = run_on_pty(self.args("delete", "wontfix"), self.env, answer="y")
        self.assertEqual(rc, 0, out)
        self.assertIn("wontfix (1 issue, 0 PRs)", out)
        self.assertIn("[y/N]", out)
        self.assertEqual(self.gh.labels("acme", "r1"), [])
        self.assertNotIn(TOKEN, out)

    def test_no_on_the_terminal_changes_nothing(self):
        """Anything but 'y' refuses the whole run: nothing changes, exit 1."""
        rc, out = run_on_pty(self.args("delete", "wontfix"), self.env, answer="n")
        self.assertEqual(rc, 1, out)
        self.assertIn("nothing was changed", out)
        self.assertEqual([lb["name"] for lb in self.gh.labels("acme", "r1")], ["wontfix"])
        self.assertEqual([r for r in self.gh.requests if r.method == "DELETE"], [])

    def test_safe_changes_do_not_ask(self):
        """Creating and updating are not destructive: no question."""
        rc, out = run_on_pty(self.args("ensure", "bug", "--color", "d73a4a"), self.env)
        self.assertEqual(rc, 0, out)
        self.assertNotIn("[y/N]", out)
        self.assertEqual(self.gh.label("acme", "r1", "bug")["color"], "d73a4a")

    def test_truecolor_swatch_only_on_a_capable_terminal(self):
        """SPEC 8: a true-colour swatch on terminals that say they can show it
        (COLORTERM), none with NO_COLOR."""
        env = dict(self.env, COLORTERM="truecolor", TERM="xterm-256color")
        rc, out = run_on_pty(self.args("ensure", "bug", "--color", "d73a4a", "-n"), env)
        self.assertEqual(rc, 2, out)
        self.assertIn("\x1b[48;2;215;58;74m", out)
        env["NO_COLOR"] = "1"
        rc, out = run_on_pty(self.args("ensure", "bug", "--color", "d73a4a", "-n"), env)
        self.assertEqual(rc, 2, out)
        self.assertNotRegex(out, r"\x1b\[[0-9;]*m")  # no colour (the progress line may
        self.assertIn("#d73a4a", out)                  # still redraw itself)


    def test_paced_progress_shows_the_time_left(self):
        """SPEC 11: a paced run's progress line on a terminal says how long is
        left; the plan said how long the writes would take."""
        for i in range(2, 5):
            self.gh.add_repo("acme", "r%d" % i)
        rc, out = run_on_pty(["--api-url", self.gh.api_url, "-o", "acme", "--write-interval",
                              "0.3", "ensure", "bug", "--color", "d73a4a"], self.env)
        self.assertEqual(rc, 0, out)
        # 3 intervals of 0.3 s and 4 writes (slower under valgrind)
        self.assertRegex(out, r"4 writes: about [1-3] s at github's pace\.")
        # after the first of 4 changes: 3 writes, 2 intervals are left
        self.assertRegex(out, r"applying: 1/4 changes, about [1-3] s left")
        self.assertEqual(len([w for w in self.gh.writes() if "/labels" in w.path]), 4)


if __name__ == "__main__":
    harness.main()
