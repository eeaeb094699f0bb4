# SPDX-License-Identifier: MIT
"""Retirement (issue 11; SPEC.md 9): `delete_after` on a label. Until then the label
is synced and the plan says when it retires and how many issues carry it; from then
on it is `delete: true`: destructive (counted, asked, journaled) and undoable."""

import os

import ghcase
import harness
from ghcase import OWNER

FUTURE = "2099-03-01"
PAST = "2020-03-01"


class RetireCase(ghcase.GitHubCase):
    def setUp(self):
        super().setUp()
        self.gh = self.fake()
        self.gh.add_repo(OWNER, "r1", labels=[
            {"name": "old-area", "color": "cccccc", "description": "to go"},
            {"name": "bug", "color": "d73a4a"},
        ], issues=[{"number": 1, "labels": ["old-area"]}, {"number": 2, "labels": ["old-area", "bug"]},
                   {"number": 3, "labels": ["old-area"], "pull": True}])
        self.gh.add_repo(OWNER, "r2")

    def policy(self, when, extra=""):
        return self.write_file("""\
labels:
  - name: bug
    color: d73a4a
  - name: old-area
    color: cccccc
    description: to go
    delete_after: %s
%s""" % (when, extra))


class TestBeforeTheDate(RetireCase):
    def test_synced_and_announced(self):
        gh = self.gh
        path = self.policy(FUTURE)
        res = self.epi(gh, "plan", "-c", path)
        self.assert_rc(res, 2)  # r2 lacks both labels
        self.assert_in_out(res, "acme/r1\n  ! old-area retires on %s (2 issues, 1 PR)\n" % FUTURE)
        # r2 gets it in this run: nothing carries it yet
        self.assert_in_out(res, "acme/r2\n  + bug  #d73a4a\n  + old-area  #cccccc  \"to go\"\n"
                           "  ! old-area retires on %s (0 issues, 0 PRs)\n" % FUTURE)
        self.assert_in_out(res, "Plan: 2 to create in 1 of 2 repos; 2 notices.\n")
        res = self.epi(gh, "plan", "-c", path, "--output", "json")
        repos = {r["repo"]: r for r in res.json()["targets"][0]["repos"]}
        self.assertEqual(repos["acme/r1"]["changes"], [{
            "op": "notice", "label": "old-area", "message": "old-area retires on %s" % FUTURE,
            "retires": FUTURE, "issues": 2, "pulls": 1}])
        self.assertEqual(repos["acme/r2"]["changes"][2], {
            "op": "notice", "label": "old-area", "message": "old-area retires on %s" % FUTURE,
            "retires": FUTURE, "issues": 0, "pulls": 0})
        self.assertEqual(res.json()["summary"]["delete"], 0)
        gh.clear_requests()
        res = self.epi(gh, "sync", "-c", path)   # not destructive: no --yes needed
        self.assert_rc(res, 0)
        self.assertEqual(self.write_log(gh), [
            ("POST", "/repos/acme/r2/labels", {"name": "bug", "color": "d73a4a"}),
            ("POST", "/repos/acme/r2/labels", {"name": "old-area", "color": "cccccc",
                                               "description": "to go"})])

    def test_under_an_alias_being_renamed(self):
        """The repo has the label under an alias (renamed in this run): its issues
        are the ones counted."""
        gh = self.gh
        gh.add_repo(OWNER, "r3", labels=[{"name": "area-old", "color": "cccccc",
                                          "description": "to go"}],
                    issues=[{"number": 7, "labels": ["area-old"]}])
        path = self.write_file("labels:\n  - name: old-area\n    color: cccccc\n"
                               "    description: to go\n    aliases: [area-old]\n"
                               "    delete_after: %s\n" % FUTURE)
        res = self.epi(gh, "plan", "-c", path, pre=["-r", "acme/r3"], org=None)
        self.assert_rc(res, 2)
        self.assert_in_out(res, "acme/r3\n  > area-old -> old-area\n"
                           "  ! old-area retires on %s (1 issue, 0 PRs)\n" % FUTURE)

    def test_rfc3339_time_in_utc(self):
        gh = self.gh
        res = self.epi(gh, "plan", "-c", self.policy("2099-03-01T12:30:00+02:00"), pre=["-r", "acme/r1"],
                       org=None)
        self.assert_in_out(res, "old-area retires on 2099-03-01T10:30:00Z (2 issues, 1 PR)")


class TestAfterTheDate(RetireCase):
    def test_deleted_asked_journaled_undone(self):
        gh = self.gh
        home = self.make_home()
        path = self.policy(PAST)
        res = self.epi(gh, "plan", "-c", path, pre=["-r", "acme/r1"], org=None)
        self.assert_rc(res, 2)
        self.assert_in_out(res, "  - old-area (2 issues, 1 PR) [retired on %s]\n" % PAST)
        self.assert_in_out(res, "Plan: 1 to delete in 1 of 1 repo.")
        res = self.epi(gh, "plan", "-c", path, "--output", "json", pre=["-r", "acme/r1"],
                       org=None)
        (change,) = res.json()["targets"][0]["repos"][0]["changes"]
        self.assertEqual(change, {"op": "delete", "label": "old-area",
                                  "reason": "retired on %s" % PAST, "retired": PAST,
                                  "destructive": True, "issues": 2, "pulls": 1,
                                  "items": change["items"], "status": "planned"})
        self.assertEqual(sorted(change["items"]), [1, 2, 3])
        self.assertEqual(res.json()["summary"]["delete"], 1)
        # destructive: refused off a terminal without --yes
        res = self.epi(gh, "sync", "-c", path, pre=["-r", "acme/r1"], org=None, home=home)
        self.assert_rc(res, 1)
        self.assert_in_err(res, "1 destructive change")
        self.assert_no_writes(gh, res)
        res = self.epi(gh, "sync", "-c", path, "--yes", pre=["-r", "acme/r1"], org=None, home=home)
        self.assert_rc(res, 0)
        self.assertEqual(self.write_log(gh), [("DELETE", "/repos/acme/r1/labels/old-area", None)])
        self.assertEqual(self.names(gh, "r1"), ["bug"])
        (jpath,) = self.journals(home)
        (entry,) = [e for e in self.journal_lines(jpath) if e.get("op") == "delete"]
        self.assertEqual(entry["before"]["name"], "old-area")
        self.assertEqual(sorted(i["number"] for i in entry["items"]), [1, 2, 3])
        # undo brings it back, on the same issues and PRs
        gh.clear_requests()
        res = self.epi(gh, "undo", "--yes", home=home, org=None)
        self.assert_rc(res, 0)
        self.assertEqual(self.state(gh, ["r1"])["r1"], {"bug": ("d73a4a", None),
                                                      "old-area": ("cccccc", "to go")})
        for n in (1, 3):
            self.assertEqual(gh.issue_labels(OWNER, "r1", n), ["old-area"])
        self.assertEqual(sorted(gh.issue_labels(OWNER, "r1", 2)), ["bug", "old-area"])
        self.assertEqual(self.write_log(gh)[0], ("POST", "/repos/acme/r1/labels", {
            "name": "old-area", "color": "cccccc", "description": "to go"}))
        self.assertEqual(len(self.write_log(gh)), 4)

    def test_not_created_once_retired(self):
        gh = self.gh
        res = self.epi(gh, "sync", "-c", self.policy(PAST), "--yes", pre=["-r", "acme/r2"],
                       org=None)
        self.assert_rc(res, 0)
        self.assertEqual(self.write_log(gh), [
            ("POST", "/repos/acme/r2/labels", {"name": "bug", "color": "d73a4a"})])


class TestBadRetirement(RetireCase):
    def bad(self, text, where, message):
        gh = self.gh
        path = self.write_file(text)
        res = self.epi(gh, "sync", "-c", path, "--yes")
        self.assert_rc(res, 65)
        self.assert_in_err(res, "%s:%s: %s" % (path, where, message))
        self.assert_no_requests(gh, res)

    def test_bad_date(self):
        for when in ("2027-02-30", "2027-3-1", "next week", "2027-03-01T25:00:00Z",
                     "2027-03-01T10:00:00"):
            self.bad("labels:\n  - name: x\n    delete_after: %s\n" % when, "3:19",
                     "'delete_after' must be a date (2027-03-01, UTC) or an RFC 3339 time")

    def test_with_delete_true(self):
        self.bad("labels:\n  - name: x\n    delete: true\n    delete_after: 2027-03-01\n", "4:19",
                 "'delete_after' with 'delete: true' (line 3)")

    def test_in_a_set_too(self):
        self.bad("labels: []\nsets:\n  - name: s\n    repos: [r1]\n    labels:\n"
                 "      - {name: x, delete_after: soon}\n", "6:33",
                 "'delete_after' must be a date")


if __name__ == "__main__":
    harness.main()
