# SPDX-License-Identifier: MIT
"""Interrupts (SPEC.md 7, README exit status): the first SIGINT or SIGTERM
finishes the request in flight, flushes the journal, reports and exits 130
or 143; a second SIGINT exits at once. The journal of an interrupted run is
complete up to the interruption and `epithet undo` reverts it.
"""

import glob
import json
import os
import shlex
import signal
import subprocess
import time

import harness
from fake_github import FakeGitHub

TOKEN = "ghp_SignalsSecretToken0123456789abcdefXYZ"
OWNER = "acme"

LABELS_FILE = """\
labels:
  - name: bug
    color: "d73a4a"
  - name: feature
    color: "a2eeef"
  - name: docs
    color: "0075ca"
"""


class SignalCase(harness.EpithetTestCase):
    def setUp(self):
        super().setUp()
        self.gh = self.start_fake(FakeGitHub(token=TOKEN))
        self.repos = ["r%d" % i for i in range(1, 5)]
        for name in self.repos:
            self.gh.add_repo(OWNER, name, labels=[{"name": "bug", "color": "000000"},
                                                  {"name": "stale", "color": "cccccc"}])
        self.home = self.make_home()
        self.labels = self.write_file(LABELS_FILE)

    def argv(self, *extra):
        return ["--api-url", self.gh.api_url, "-o", OWNER, "--write-interval", "0", "-y"] + \
            list(extra)

    def start(self, *extra, latency=0.25):
        """Start a sync (4 repos x 4 writes) against a slow fake."""
        self.gh.latency = latency
        argv = shlex.split(os.environ.get("EPITHET_WRAPPER", "")) + [harness.epithet_bin()]
        argv += self.argv("sync", "-c", self.labels, "--prune", *extra)
        env = harness.clean_env(self.home, {"EPITHET_TOKEN": TOKEN})
        p = subprocess.Popen(argv, env=env, cwd=self.home, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             encoding="utf-8", errors="replace")
        self.addCleanup(self._reap, p)
        return p

    @staticmethod
    def _reap(p):
        if p.poll() is None:
            p.kill()
        p.communicate()

    def wait_for_writes(self, n, timeout=60):
        """Until the fake has *answered* n writes."""
        end = time.time() + timeout
        while time.time() < end:
            if len([w for w in self.label_writes() if w.status]) >= n:
                return
            time.sleep(0.01)
        self.fail("no %d writes after %s s: %r" % (n, timeout, self.gh.requests))

    def finish(self, p, timeout=60):
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
            self.fail("epithet did not stop after the signal\n%s\n%s" % (out, err))
        self.assertNotIn(TOKEN, out + err)
        return p.returncode, out, err

    def journals(self):
        return sorted(glob.glob(os.path.join(self.home, ".state", "epithet", "journal",
                                             "*.jsonl")))

    def journal_lines(self, path):
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def label_writes(self):
        """Label writes (a GraphQL query sent by POST is a read)."""
        return [w for w in self.gh.writes() if "/labels" in w.path]

    def applied(self):
        return [w for w in self.label_writes() if w.status and 200 <= w.status < 300]

    def state(self):
        return {r: sorted((lb["name"], lb["color"]) for lb in self.gh.labels(OWNER, r))
                for r in self.repos}


class TestSignals(SignalCase):
    def interrupted_run(self, sig, rc):
        before = self.state()
        p = self.start()
        self.wait_for_writes(1)
        p.send_signal(sig)
        code, out, err = self.finish(p)
        self.assertEqual(code, rc, "exit status\n--- stdout ---\n%s--- stderr ---\n%s" % (out, err))
        self.gh.latency = 0
        applied = self.applied()
        # it stopped at the next request boundary: the write in flight was
        # finished, no more than that was sent, and most of the plan was left
        self.assertGreaterEqual(len(applied), 1)
        self.assertLess(len(applied), 16, out)
        self.assertEqual(len(self.label_writes()), len(applied), "a write was cut off")
        self.assertIn("not attempted", out)

        # the journal exists and records exactly the completed writes
        js = self.journals()
        self.assertEqual(len(js), 1, out + err)
        lines = self.journal_lines(js[0])
        intents = {e["seq"] for e in lines if "op" in e}
        done = [e for e in lines if "done" in e and e.get("status") == 0]
        self.assertTrue({e["done"] for e in done} <= intents)
        self.assertEqual(len(done), len(applied), self.journal_lines(js[0]))

        # undo puts every repo back as it was
        res = self.run_epithet(self.argv("undo"), env={"EPITHET_TOKEN": TOKEN}, home=self.home)
        self.assert_rc(res, 0)
        self.assertEqual(self.state(), before, res)
        # and a sync after the interruption resumes: only what is left is sent
        self.gh.clear_requests()
        res = self.run_epithet(self.argv("sync", "-c", self.labels, "--prune"),
                               env={"EPITHET_TOKEN": TOKEN}, home=self.home)
        self.assert_rc(res, 0)
        self.assertEqual(len(self.label_writes()), 16)
        return out, err

    def test_sigint_stops_at_a_request_boundary_exit_130(self):
        self.interrupted_run(signal.SIGINT, 130)

    def test_sigterm_stops_at_a_request_boundary_exit_143(self):
        self.interrupted_run(signal.SIGTERM, 143)

    def test_second_sigint_exits_at_once(self):
        p = self.start(latency=1.5)
        self.wait_for_writes(1, timeout=60)
        # the next write is now in flight (1.5 s of latency): interrupt twice
        time.sleep(0.2)
        p.send_signal(signal.SIGINT)
        time.sleep(0.1)
        t0 = time.time()
        p.send_signal(signal.SIGINT)
        code, out, err = self.finish(p, timeout=30)
        self.assertLess(time.time() - t0, 1.0, "the second SIGINT did not exit at once")
        self.assertEqual(code, 130, err)
        self.assertIn("interrupted again", err)
        # what was journalled is still usable: undo reverts the writes that landed
        self.gh.latency = 0
        time.sleep(1.5)  # let the write in flight land on the fake
        js = self.journals()
        self.assertEqual(len(js), 1)
        res = self.run_epithet(self.argv("undo"), env={"EPITHET_TOKEN": TOKEN}, home=self.home)
        self.assertIn(res.rc, (0, 1), res)

    def test_sigint_while_reading_exits_130_without_writing(self):
        p = self.start(latency=0.5)
        end = time.time() + 30
        while not self.gh.requests and time.time() < end:
            time.sleep(0.01)
        p.send_signal(signal.SIGINT)
        code, out, err = self.finish(p)
        self.assertEqual(code, 130, out + err)
        self.assertEqual(self.label_writes(), [])
        self.assertEqual(self.journals(), [])

    def test_sigint_during_a_rate_limit_wait_exits_130(self):
        self.gh.set_rate_limit(remaining=10, reset_in=30)
        p = self.start("--max-wait", "60", latency=0)
        end = time.time() + 30
        while not [r for r in self.gh.requests if r.status == 403] and time.time() < end:
            time.sleep(0.02)
        time.sleep(0.2)
        t0 = time.time()
        p.send_signal(signal.SIGINT)
        code, out, err = self.finish(p)
        self.assertLess(time.time() - t0, 5)
        self.assertEqual(code, 130, out + err)
        self.assertIn("rate limit exhausted; waiting", err)


if __name__ == "__main__":
    harness.main()
