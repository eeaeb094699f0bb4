# SPDX-License-Identifier: MIT
"""--output markdown (issue 11; SPEC.md 9 "Markdown output", README "Output").

The plan and the outcome as GitHub-flavoured Markdown: the machine-readable
first line the GitHub Action reads, one summary line, each changed repo with
its changes (destructive ones marked, with their counts), unchanged repos
counted, not listed. Exit statuses are those of the other formats."""

import re

import harness
import ghcase
from ghcase import label_path

LABELS_YML = """\
labels:
  - name: bug
    color: d73a4a
    description: Something isn't working
  - name: wontfix
    delete: true
"""
BUG = {"name": "bug", "color": "d73a4a", "description": "Something isn't working"}
HEAD = re.compile(r"^<!-- epithet: changes=(\d+) destructive=(\d+) failed=(\d+) -->$")


class MarkdownCase(ghcase.GitHubCase):
    def estate(self, gh):
        """r1 lacks bug and carries wontfix on 2 issues and a PR; r2 has a drifted
        bug; r3 and r4 are up to date."""
        gh.add_repo("acme", "r1", labels=["wontfix"],
                    issues=[{"number": 1, "labels": ["wontfix"]},
                            {"number": 2, "labels": ["wontfix"]},
                            {"number": 3, "labels": ["wontfix"], "pull": True}])
        gh.add_repo("acme", "r2", labels=[{"name": "bug", "color": "000000",
                                           "description": BUG["description"]}])
        gh.add_repo("acme", "r3", labels=[dict(BUG)])
        gh.add_repo("acme", "r4", labels=[dict(BUG)])
        return self.write_file(LABELS_YML)

    def head(self, res):
        lines = res.out.splitlines()
        m = HEAD.match(lines[0])
        self.assertIsNotNone(m, res)
        return tuple(int(x) for x in m.groups()), lines


class TestMarkdownPlan(MarkdownCase):
    def test_plan_as_markdown(self):
        """plan: exit 2, the comment line with the plan's counts, the summary line, the
        two changed repos with their changes (the delete marked and counted), the
        two up-to-date repos counted, not listed; nothing written."""
        gh = self.fake()
        cfg = self.estate(gh)
        res = self.epi(gh, "plan", "-c", cfg, "--output", "markdown")
        self.assert_rc(res, 2)
        self.assert_no_writes(gh, res)
        (changes, destructive, failed), lines = self.head(res)
        self.assertEqual((changes, destructive, failed), (3, 1, 0))
        self.assertEqual(lines[1], "")
        self.assertEqual(lines[2], "**epithet plan**: 1 to create, 1 to update, 1 to delete "
                                   "in 2 of 4 repos (1 destructive); dry run, nothing was "
                                   "changed.")
        self.assertEqual(res.out.count("#### "), 2)
        self.assertIn("#### `acme/r1`", lines)
        self.assertIn("#### `acme/r2`", lines)
        self.assertNotIn("acme/r3", res.out)
        self.assertNotIn("acme/r4", res.out)
        self.assertIn("- `+` create `bug` `#d73a4a` `Something isn't working`", lines)
        self.assertIn("- `-` ⚠️ **delete** `wontfix` (2 issues, 1 PR) — `delete: true`", lines)
        self.assertIn("- `~` update `bug`: color `#000000` → `#d73a4a`", lines)
        self.assertIn("2 repos up to date.", lines)
        self.assertNotIn("done", res.out)

    def test_nothing_to_change(self):
        """An up-to-date estate: exit 0, changes=0, one summary line."""
        gh = self.fake()
        gh.add_repo("acme", "r1", labels=[dict(BUG)])
        cfg = self.write_file("labels:\n  - name: bug\n    color: d73a4a\n")
        res = self.epi(gh, "plan", "-c", cfg, "--output", "markdown")
        self.assert_rc(res, 0)
        (counts, lines) = self.head(res)
        self.assertEqual(counts, (0, 0, 0))
        self.assertEqual(lines[2:], ["**epithet plan**: no changes; 1 repo up to date."])

    def test_refused_without_yes(self):
        """Off a terminal without --yes a destructive plan is refused (exit 1, nothing
        written), and the summary says so."""
        gh = self.fake()
        cfg = self.estate(gh)
        res = self.epi(gh, "sync", "-c", cfg, "--output", "markdown")
        self.assert_rc(res, 1)
        self.assert_no_writes(gh, res)
        (counts, lines) = self.head(res)
        self.assertEqual(counts, (3, 1, 0))
        self.assertIn("refused: destructive changes need `--yes`, nothing was changed", lines[2])


class TestMarkdownApply(MarkdownCase):
    def test_sync_outcome(self):
        """sync --yes: every change with its outcome, the journal named; exit 0."""
        gh = self.fake()
        cfg = self.estate(gh)
        home = self.make_home()
        res = self.epi(gh, "sync", "-c", cfg, "--yes", "--output", "markdown", home=home)
        self.assert_rc(res, 0)
        self.assertEqual(len(gh.writes()), 3)
        (counts, lines) = self.head(res)
        self.assertEqual(counts, (3, 1, 0))
        self.assertTrue(lines[2].endswith("(1 destructive); applied 3 of 3."), lines[2])
        self.assertIn("- `-` ⚠️ **delete** `wontfix` (2 issues, 1 PR) — `delete: true` — ✅ done",
                      lines)
        self.assertEqual(sum(1 for ln in lines if ln.endswith("— ✅ done")), 3)
        self.assertTrue(any(ln.startswith("Journal: `") for ln in lines), res)
        # undo speaks markdown too
        gh.clear_requests()
        res = self.epi(gh, "undo", "--yes", "--output", "markdown", home=home)
        self.assert_rc(res, 0)
        (counts, lines) = self.head(res)
        self.assertEqual(counts[2], 0)
        self.assertTrue(lines[2].startswith("**epithet undo**: "), lines[2])
        self.assertEqual(sum(1 for ln in lines if ln.endswith("— ✅ done")), counts[0])

    def test_failed_write_is_counted_and_shown(self):
        """A write refused in one repo: exit 1, failed=1 on the first line, the change
        marked failed with the forge's message; the other repos are done."""
        gh = self.fake()
        cfg = self.estate(gh)
        gh.add_fault(method="PATCH", path=r"/repos/acme/r2/", status=403, times=None,
                     body={"message": "Must have admin rights to Repository."})
        res = self.epi(gh, "sync", "-c", cfg, "--yes", "--output", "markdown")
        self.assert_rc(res, 1)
        (counts, lines) = self.head(res)
        self.assertEqual(counts, (3, 1, 1))
        failed = [ln for ln in lines if "❌ failed" in ln]
        self.assertEqual(len(failed), 1, res.out)
        self.assertTrue(failed[0].startswith("- `~` update `bug`"), failed[0])
        self.assertIn("Must have admin rights", failed[0])
        self.assertIn("; applied 2 of 3; ❌ 1 failed.", lines[2])

    def test_commands_that_name_a_label(self):
        """ensure, delete and rename print markdown too."""
        gh = self.fake()
        gh.add_repo("acme", "r1", labels=[{"name": "old", "color": "aaaaaa"}])
        res = self.epi(gh, "ensure", "bug", "--color", "d73a4a", "--output", "markdown")
        self.assert_rc(res, 0)
        self.assertEqual(self.head(res)[0], (1, 0, 0))
        self.assertIn("- `+` create `bug` `#d73a4a` — ✅ done", res.out.splitlines())
        res = self.epi(gh, "rename", "old", "new", "--output", "markdown")
        self.assert_rc(res, 0)
        self.assertIn("- `>` rename `old` → `new` — ✅ done", res.out.splitlines())
        res = self.epi(gh, "delete", "bug", "--yes", "--output", "markdown")
        self.assert_rc(res, 0)
        self.assertEqual(self.head(res)[0], (1, 1, 0))
        self.assertIn("⚠️ **delete** `bug`", res.out)


class TestMarkdownSafety(MarkdownCase):
    def test_forge_text_never_becomes_markup(self):
        """Names and descriptions from the forge or the file land in code spans whose
        fence is longer than any backtick run inside: no raw HTML, link, image or
        mention can reach the comment."""
        gh = self.fake()
        evil = "<img src=x> @octo [x](h:e) `a``b`"
        gh.add_repo("acme", "r1", labels=[{"name": evil, "color": "aaaaaa",
                                           "description": "**bold** <script>"}])
        cfg = self.write_file("labels:\n  - name: '%s'\n    color: bbbbbb\n"
                              "    description: 'safe | text'\n" % evil.replace("'", "''"))
        res = self.epi(gh, "plan", "-c", cfg, "--output", "markdown")
        self.assert_rc(res, 2)
        line = [ln for ln in res.out.splitlines() if ln.startswith("- `~` update")][0]
        # the name: a fence of 3 backticks (the longest run inside is 2), padded
        self.assertIn("``` " + evil + " ```", line)
        self.assertIn("`**bold** <script>`", line)
        # outside the code spans nothing of the text is left
        outside = re.sub(r"(`+)(.+?)\1", "", line)
        for bad in ("<", ">", "@", "[", "](", "**"):
            self.assertNotIn(bad, outside, line)


class TestMarkdownUsage(MarkdownCase):
    def test_commands_that_do_not_plan_refuse_it(self):
        """list, export and plugins plan nothing: --output markdown is a usage error
        (64) there, before any request."""
        gh = self.fake()
        gh.add_repo("acme", "r1")
        for cmd in (["list"], ["export"], ["plugins"]):
            res = self.epi(gh, *cmd, "--output", "markdown")
            self.assert_rc(res, 64)
            self.assert_in_err(res, "--output markdown is for the commands that plan or apply")
        self.assert_no_requests(gh)
        res = self.epi(gh, "plan", "--output", "yaml")
        self.assert_rc(res, 65)
        self.assert_in_err(res, "expected human, json or markdown")


class TestMarkdownPolicy(MarkdownCase):
    def test_sets_and_retirement(self):
        """A repo's heading names the sets it got; a retiring label's notice carries
        the issues and PRs that carry it."""
        gh = self.fake()
        gh.add_repo("acme", "web-app", labels=[{"name": "old", "color": "cccccc"}],
                    issues=[{"number": 1, "labels": ["old"]}])
        cfg = self.write_file("labels:\n  - name: old\n    color: cccccc\n"
                              "    delete_after: 2099-03-01\n"
                              "sets:\n  - name: frontend\n    repos: ['web-*']\n"
                              "    labels:\n      - name: area/ui\n        color: 1d76db\n")
        res = self.epi(gh, "plan", "-c", cfg, "--output", "markdown")
        self.assert_rc(res, 2)
        lines = res.out.splitlines()
        self.assertIn("#### `acme/web-app` (sets: `frontend`)", lines)
        self.assertIn("- `!` ⏳ `old retires on 2099-03-01` (1 issue, 0 PRs)", lines)
        self.assertIn("- `+` create `area/ui` `#1d76db`", lines)


if __name__ == "__main__":
    harness.main()
