# SPDX-License-Identifier: MIT
"""Write pacing shared by processes, and the paced run's estimate (SPEC.md 11;
issue 14; core/host/pacing-shared.c).

Two epithet processes with one token on one API origin keep one pacing: from
the fake's request log (arrival and answer times of each write), writes never
overlap and never start closer than --write-interval after the previous
write's answer, across both processes. These are order and spacing
assertions on the server's own clock, not wall-clock durations. A lock left
by a killed process never blocks the next run, and a garbled state file is
started afresh.
"""

import glob
import os
import signal
import subprocess
import threading
import time

import harness
from fake_github import FakeGitHub

TOKEN = "ghp_PacingSecretToken0123456789abcdefXYZ"
INTERVAL = 0.2

LABELS_FILE = """\
labels:
  - name: bug
    color: "d73a4a"
  - name: feature
    color: "a2eeef"
"""


def label_writes(gh):
    return [w for w in gh.writes() if "/labels" in w.path]


class PacingCase(harness.EpithetTestCase):
    def fake(self):
        gh = self.start_fake(FakeGitHub(token=TOKEN))
        for owner in ("acme", "umbrella"):
            for i in range(1, 4):
                gh.add_repo(owner, "r%d" % i, labels=[{"name": "bug", "color": "000000"}])
        return gh

    def argv(self, gh, owner, labels):
        return ["--api-url", gh.api_url, "-o", owner, "--write-interval", str(INTERVAL), "-y",
                "--output", "json"] + harness.jobs_args() + ["sync", "-c", labels]

    def env(self, runtime):
        e = {"EPITHET_TOKEN": TOKEN}
        if runtime:
            e["XDG_RUNTIME_DIR"] = runtime
        return e

    def assert_paced(self, gh, n, owner=None):
        writes = sorted((w for w in label_writes(gh) if not owner or "/%s/" % owner in w.path),
                        key=lambda w: w.time)
        self.assertEqual(len(writes), n, writes)
        self.assertEqual(FakeGitHub.max_in_flight(writes), 1, "writes overlapped")
        for a, b in zip(writes, writes[1:]):
            # the next write starts at least the interval after the answer
            # to the previous one (5 ms of slack for the clocks' rounding)
            self.assertGreaterEqual(b.time - a.end_time, INTERVAL - 0.005, (a, b))
        return writes

    def two_at_once(self, gh, runtime=None, home=None):
        labels = self.write_file(LABELS_FILE)
        results = {}

        def one(owner):
            results[owner] = self.run_epithet(self.argv(gh, owner, labels), env=self.env(runtime),
                                              home=home or self.make_home())

        threads = [threading.Thread(target=one, args=(o,)) for o in ("acme", "umbrella")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for owner, res in results.items():
            self.assert_rc(res, 0)
            self.assert_no_token(res, TOKEN)
            self.assertEqual(res.json()["summary"]["failed"], 0, res)
        return results


class TestSharedPacing(PacingCase):
    def test_two_processes_share_one_pacing(self):
        gh = self.fake()
        runtime = self.tmpdir()
        self.two_at_once(gh, runtime=runtime)
        writes = self.assert_paced(gh, 12)
        # both processes wrote, and their writes were interleaved by the lock
        owners = [w.path.split("/")[2] for w in writes]
        self.assertEqual(sorted(set(owners)), ["acme", "umbrella"])
        files = glob.glob(os.path.join(runtime, "epithet", "pace-*"))
        self.assertEqual(len(files), 1, files)
        self.assertNotIn(TOKEN, os.path.basename(files[0]))
        self.assert_no_token_in_files(runtime, TOKEN)
        self.assertEqual(os.stat(files[0]).st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(os.path.dirname(files[0])).st_mode & 0o777, 0o700)

    def test_without_a_runtime_dir_the_cache_dir_is_used(self):
        gh = self.fake()
        home = self.make_home()
        self.two_at_once(gh, home=home)
        self.assert_paced(gh, 12)
        files = glob.glob(os.path.join(home, ".cache", "epithet", "pace-*"))
        self.assertEqual(len(files), 1, files)

    def test_a_garbled_state_file_is_started_afresh(self):
        gh = self.fake()
        runtime = self.tmpdir()
        labels = self.write_file(LABELS_FILE)
        res = self.run_epithet(self.argv(gh, "acme", labels), env=self.env(runtime))
        self.assert_rc(res, 0)
        (path,) = glob.glob(os.path.join(runtime, "epithet", "pace-*"))
        with open(path, "wb") as f:
            f.write(b"\xff" * 100)
        res = self.run_epithet(self.argv(gh, "umbrella", labels), env=self.env(runtime))
        self.assert_rc(res, 0)
        # what the garbled file said is forgotten; the new run is paced
        self.assert_paced(gh, 6, owner="umbrella")
        with open(path, "rb") as f:
            self.assertEqual(f.read(8), b"EPIPACE1")


class TestKilledHolder(PacingCase):
    def test_a_lock_left_by_a_killed_process_does_not_block(self):
        gh = self.fake()
        runtime = self.tmpdir()
        labels = self.write_file(LABELS_FILE)
        arrived = threading.Event()

        def hook(req):
            # the first write of acme hangs: its process holds the lock then
            if req.method == "POST" and "/repos/acme/" in req.path and not arrived.is_set():
                arrived.set()
                time.sleep(30)
            return None

        gh.hook = hook
        home = self.make_home()
        argv = [harness.epithet_bin()] + self.argv(gh, "acme", labels)
        p = subprocess.Popen(argv, env=harness.clean_env(home, self.env(runtime)),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             stdin=subprocess.DEVNULL, cwd=home)
        try:
            self.assertTrue(arrived.wait(30), "the first write never arrived")
            p.send_signal(signal.SIGKILL)
            p.wait(10)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        # the next run is not held up by the dead one's lock or its state
        res = self.run_epithet(self.argv(gh, "umbrella", labels), env=self.env(runtime),
                               timeout=20)
        self.assert_rc(res, 0)
        self.assertEqual(res.json()["summary"]["failed"], 0, res)
        done = [w for w in label_writes(gh) if "/repos/umbrella/" in w.path]
        self.assertEqual(len(done), 6, done)
        self.assertTrue(all(w.status == 201 or w.status == 200 for w in done), done)


class TestEstimate(PacingCase):
    """SPEC 11: a paced run says how long its writes will take before it starts."""

    def plan(self, gh, interval, *extra):
        labels = self.write_file(LABELS_FILE)
        argv = ["--api-url", gh.api_url, "-o", "acme", "--write-interval", interval] + \
            list(extra) + ["plan", "-c", labels]
        res = self.run_epithet(argv, env=self.env(None))
        self.assert_rc(res, 2)
        self.assertEqual(gh.writes(), [], res)
        return res

    def test_interval(self):
        # 6 writes, 2 s apart: about 10 s
        gh = self.fake()
        res = self.plan(gh, "2")
        # (plus 6 times a request's duration: more under valgrind)
        self.assertRegex(res.out, r"Plan: 3 to create, 3 to update in 3 of 3 repos.\n"
                                  r"6 writes: about 1[0-3] s at github's pace.\n")
        est = self.plan(gh, "2", "--output", "json").json()["targets"][0]["estimate"]
        self.assertEqual((est["writes"], est["paced"]), (6, True))
        self.assertGreaterEqual(est["seconds"], 10.0)
        self.assertLess(est["seconds"], 13.5)

    def test_minute_cap(self):
        # 90 writes with no interval: 80 a minute, so the last 10 wait a minute
        gh = FakeGitHub(token=TOKEN)
        self.start_fake(gh)
        for i in range(45):
            gh.add_repo("acme", "r%02d" % i, labels=[{"name": "bug", "color": "000000"}])
        res = self.plan(gh, "0")
        self.assert_in_out(res, "90 writes: about 1 min at github's pace.\n")

    def test_no_line_when_the_pace_adds_nothing(self):
        gh = self.fake()
        res = self.plan(gh, "0")
        self.assertNotIn("pace", res.out, res)
        est = self.plan(gh, "0", "--output", "json").json()["targets"][0]["estimate"]
        self.assertEqual((est["writes"], est["paced"]), (6, False))


class TestEstimateSharedPace(PacingCase):
    """Two owners on one token and origin share one pace: the second target's
    estimate counts its writes after the first's, in the same minute."""

    def seed(self, gh, owner, repos):
        for i in range(repos):
            gh.add_repo(owner, "r%02d" % i, labels=[{"name": "bug", "color": "000000"}])

    def plan(self, *fakes):
        gh2 = fakes[-1]
        text = ("targets:\n"
                "  - forge: github\n    api_url: %s\n    org: acme\n"
                "  - forge: github\n    api_url: %s\n    org: umbrella\n"
                % (fakes[0].api_url, gh2.api_url)) + LABELS_FILE
        res = self.run_epithet(["--write-interval", "0", "--output", "json", "plan", "-c",
                                self.write_file(text)], env=self.env(None))
        self.assert_rc(res, 2)
        for gh in fakes:
            self.assertEqual(gh.writes(), [], res)
        return [t["estimate"] for t in res.json()["targets"]]

    def test_second_target_counts_after_the_first(self):
        # 40 + 60 writes on one token: alone each fits in a minute's 80,
        # together the last 20 wait for the next minute
        gh = self.start_fake(FakeGitHub(token=TOKEN))
        self.seed(gh, "acme", 20)
        self.seed(gh, "umbrella", 30)
        first, second = self.plan(gh)
        self.assertEqual((first["writes"], first["paced"]), (40, False))
        self.assertEqual((second["writes"], second["paced"]), (60, True))
        self.assertGreaterEqual(second["seconds"], 40.0)
        self.assertLess(second["seconds"], 61.0)

    def test_other_origin_has_its_own_pace(self):
        gh, other = self.start_fake(FakeGitHub(token=TOKEN)), self.start_fake(FakeGitHub(token=TOKEN))
        self.seed(gh, "acme", 20)
        self.seed(other, "umbrella", 30)
        first, second = self.plan(gh, other)
        self.assertEqual((first["writes"], first["paced"]), (40, False))
        self.assertEqual((second["writes"], second["paced"]), (60, False))


if __name__ == "__main__":
    harness.main()
