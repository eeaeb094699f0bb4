# SPDX-License-Identifier: MIT
"""Bad input never reaches the forge (SPEC.md 2 and 3): a bad labels file, flag or
value exits 64 or 65 with a message naming where and what, and the fake GitHub
sees ZERO requests."""

import glob
import os
import re

import harness
import ghcase
from ghcase import TOKEN

SOURCE_ROOT = os.environ.get("EPITHET_SOURCE_ROOT") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BAD_DIR = os.path.join(SOURCE_ROOT, "tests", "data", "labels-bad")


class BadInputCase(ghcase.GitHubCase):
    def setUp(self):
        super().setUp()
        self.gh = self.fake()
        self.gh.add_repo("acme", "r1", labels=["bug"])

    def refused(self, rc, *args, pre=(), org="acme", err=None):
        """Run; assert the exit status, the message and that nothing was sent."""
        res = self.epi(self.gh, *args, pre=pre, org=org)
        self.assert_rc(res, rc)
        self.assert_no_requests(self.gh, res)
        self.assertEqual(res.out, "", "nothing on stdout\n%r" % res)
        if err is not None:
            self.assertRegex(res.err, err, "message\n%r" % res)
        return res


class TestBadLabelsFiles(BadInputCase):
    def test_corpus(self):
        """SPEC 3: every file of tests/data/labels-bad is refused before any request:
        exit 65, and every message names FILE:LINE:COL and what is wrong."""
        files = sorted(glob.glob(os.path.join(BAD_DIR, "*")))
        self.assertGreater(len(files), 20, "the corpus is missing: %s" % BAD_DIR)
        for path in files:
            for cmd in (["plan"], ["sync", "--yes", "--prune"]):
                with self.subTest(file=os.path.basename(path), cmd=cmd[0]):
                    res = self.epi(self.gh, *cmd, "-c", path)
                    self.assert_rc(res, 65)
                    self.assert_no_requests(self.gh, res)
                    lines = [ln for ln in res.err.splitlines() if ln.strip()]
                    self.assertTrue(lines, res)
                    pat = re.compile(r"^epithet: error: %s:(\d+):(\d+): \S.*$" % re.escape(path))
                    for ln in lines:
                        if ln.startswith("epithet: error: ") and "more problem" in ln:
                            continue  # "... and N more problems"
                        m = pat.match(ln)
                        self.assertTrue(m, "not FILE:LINE:COL: %r\n%r" % (ln, res))
                        self.assertGreaterEqual(int(m.group(1)), 1)
                        self.assertGreaterEqual(int(m.group(2)), 1)
                    self.assertEqual(self.journals(res.home), [])

    def test_corpus_with_commands_that_take_a_file_for_targets(self):
        """SPEC 3: a bad file is refused even when the command takes only its targets
        (ensure -c FILE): exit 65, zero requests."""
        path = os.path.join(BAD_DIR, "unknown-keys.yml")
        self.refused(65, "ensure", "bug", "-c", path, err=re.escape(path) + r":4:5: unknown key "
                     r"'colour' in a label \(did you mean 'color'\?\)")

    def test_description_over_100_code_points_in_a_file(self):
        """SPEC 3: a description longer than GitHub allows (100 code points) is refused
        with its position, before any request; 100 emoji are fine."""
        ok = self.write_file("- name: bug\n  description: %s\n" % ("\U0001F41B" * 100))
        res = self.epi(self.gh, "plan", "-c", ok)
        self.assert_rc(res, 2)
        self.gh.clear_requests()
        bad = self.write_file("- name: bug\n  color: d73a4a\n  description: %s\n" % ("x" * 101))
        self.refused(65, "sync", "-c", bad, "--yes",
                     err=re.escape(bad) + r":3:16: .*(long|100)")

    def test_name_over_50_in_a_file(self):
        """SPEC 3: a name longer than GitHub's 50 code points is refused with its
        position, before any request."""
        bad = self.write_file('[{"name": "%s"}]' % ("n" * 51), "labels.json")
        self.refused(65, "plan", "-c", bad, err=re.escape(bad) + r":1:\d+: .*(long|50)")

    def test_missing_file(self):
        """SPEC 3: a labels file that cannot be read is refused (65), naming it."""
        path = os.path.join(self.tmpdir(), "nope.yml")
        self.refused(65, "plan", "-c", path, err=re.escape(path))

    def test_no_labels_file_at_all(self):
        """SPEC 2: sync without -c and without ./labels.yml is a usage error (64)."""
        self.refused(64, "sync", err="no labels file")


class TestBadFlags(BadInputCase):
    def test_bad_color(self):
        """SPEC 2/3: a colour that is not 3 or 6 hex digits is exit 65, no request."""
        for c in ("zzzzzz", "#12345", "1234567", "", "red"):
            with self.subTest(color=c):
                self.refused(65, "ensure", "bug", "--color", c, err=r"--color")

    def test_good_colors_are_normalised(self):
        """SPEC 3: '#' optional, any case, 3 digits doubled; written lowercase."""
        res = self.epi(self.gh, "ensure", "bug", "--color", "#F0A")
        self.assert_rc(res, 0)
        self.assertEqual(self.write_log(self.gh), [("PATCH", "/repos/acme/r1/labels/bug",
                                                    {"color": "ff00aa"})])

    def test_unknown_option(self):
        """SPEC 2: an unknown option is a usage error (64)."""
        self.refused(64, "ensure", "bug", "--colour", "d73a4a", err=r"unknown option '--colour'")
        self.refused(64, "--frobnicate", "list", err=r"unknown option")
        self.refused(64, "list", "-Z", err=r"unknown option '-Z'")

    def test_token_option_does_not_exist(self):
        """SPEC 2: there is no option that takes a token; trying one is 64 and the value
        is not echoed."""
        res = self.refused(64, "list", "--token=ghp_notechoed123", err=r"no token option")
        self.assertNotIn("ghp_notechoed123", res.err)

    def test_unknown_command(self):
        """SPEC 2: an unknown command is a usage error (64)."""
        self.refused(64, "frobnicate", err=r"unknown command 'frobnicate'")

    def test_missing_argument(self):
        """SPEC 2: a missing argument or option value is a usage error (64)."""
        self.refused(64, "ensure", err=r"usage: epithet ensure NAME")
        self.refused(64, "rename", "only-one", err=r"usage: epithet rename OLD NEW")
        self.refused(64, "delete", "a", "b", err=r"usage: epithet delete NAME")
        self.refused(64, "ensure", "bug", "--color", err=r"option --color needs a value")
        self.refused(64, "list", "-c", err=r"option -c needs a value")

    def test_no_owner(self):
        """SPEC 2/README: no owner (neither --org nor --repo) is a usage error (64)."""
        self.refused(64, "ensure", "bug", org=None, err=r"no owner")

    def test_jobs_out_of_range(self):
        """SPEC 2: --jobs must be a positive whole number: 0 is exit 65."""
        self.refused(65, "-j", "0", "list", err=r"invalid value for -j: '0'")
        self.refused(65, "--jobs", "0", "list", err=r"invalid value for --jobs: '0'")
        self.refused(65, "--jobs=abc", "list", err=r"--jobs")

    def test_other_bad_values(self):
        """SPEC 2: other invalid values are exit 65 before any request."""
        self.refused(65, "--output", "xml", "list", err=r"expected human, json or markdown")
        self.refused(65, "--write-interval", "-1", "list", err=r"seconds")
        self.refused(65, "--max-wait", "soon", "list", err=r"seconds")
        self.refused(65, "--color=sometimes", "list", err=r"auto, always or never")
        self.refused(65, "-r", "no-slash", "list", org=None, err=r"OWNER/NAME")
        self.refused(65, "sync", "--prune=maybe", "-c", self.write_file("- name: bug\n"),
                     err=r"--prune")
        self.refused(65, "copy", "no-slash", err=r"OWNER/REPO")
        self.refused(65, "export", "--from", "no-slash", err=r"OWNER/REPO")
        self.refused(65, "rename", "bug", "bug", err=r"same name")

    def test_cacert_that_is_no_ca_bundle(self):
        """SPEC 2: --cacert FILE must name a readable file of PEM certificates:
        exit 65 before any request, not a failed handshake per target (and
        not silently unused on http://)."""
        d = self.tmpdir()
        self.refused(65, "--cacert", os.path.join(d, "nowhere.pem"), "list",
                     err=r"invalid value for --cacert: '.*nowhere\.pem': No such file or directory")
        self.refused(65, "--cacert", d, "list",
                     err=r"invalid value for --cacert: '.*': Is a directory")
        self.refused(65, "--cacert", self.write_file("not a certificate\n", "ca.pem"), "list",
                     err=r"invalid value for --cacert: '.*ca\.pem': no PEM certificate in it")

    def test_description_over_100_on_the_command_line(self):
        """SPEC 3: ensure --description over GitHub's 100 code points is exit 65 before
        any request; exactly 100 is sent."""
        self.refused(65, "ensure", "bug", "--description", "d" * 101,
                     err=r"(?i)description.*(long|100)")
        res = self.epi(self.gh, "ensure", "bug", "--description", "d" * 100)
        self.assert_rc(res, 0)
        self.assertEqual(self.write_log(self.gh), [("PATCH", "/repos/acme/r1/labels/bug",
                                                    {"description": "d" * 100})])

    def test_name_over_50_on_the_command_line(self):
        """SPEC 3: ensure NAME over GitHub's 50 code points is exit 65, no request."""
        self.refused(65, "ensure", "n" * 51, err=r"(?i)(long|50)")

    def test_command_line_limits_do_not_blame_the_file(self):
        """SPEC 3: with -c (the file brings only targets), a too-long NAME on the command
        line is reported as the command line's, not as the file's."""
        good = self.write_file("- name: bug\n")
        res = self.refused(65, "ensure", "n" * 51, "-c", good,
                           err=r"^epithet: error: command line: the name is 51 characters")
        self.assertNotIn(good, res.err)

    def test_control_characters_in_names(self):
        """SPEC 3: a name with a control character is exit 65, no request."""
        self.refused(65, "ensure", "bad\tname", err=r"invalid label name")
        self.refused(65, "ensure", "bug", "--description", "line\nbreak", err=r"description")

    def test_url_and_api_url(self):
        """SPEC 2: --url with --api-url is 64 (also when the file gives one)."""
        res = self.run_epithet(["--api-url", self.gh.api_url, "--url", "https://ghe.invalid",
                                "-o", "acme", "list"], env={"EPITHET_TOKEN": TOKEN})
        self.assert_rc(res, 64)
        self.assert_no_requests(self.gh, res)


if __name__ == "__main__":
    harness.main()
