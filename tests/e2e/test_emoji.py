# SPDX-License-Identifier: MIT
"""Emoji shortcodes in label names (issue 11; SPEC.md 9 "Emoji", 4).

On GitHub (whose plugin sets EPITHET_CAP_EMOJI_SHORTCODES) ':bug: crash' and
'\U0001F41B crash' are one label, like 'Bug' and 'bug'; the file's spelling is
what gets written. The local forge shows names as written: there the two stay
two labels."""

import json
import os

import harness
import ghcase
from ghcase import label_path

BUG = "\U0001F41B"
LABELS_YML = """\
labels:
  - name: "%s crash"
    color: d73a4a
    description: It crashes
""" % BUG


class TestEmojiGitHub(ghcase.GitHubCase):
    def test_shortcode_on_the_forge_is_the_files_label(self):
        """A repo's ':bug: crash' is the file's emoji label: no create; the name is
        written as the file spells it (one PATCH with new_name, like a case fix),
        and colour/description are updated in the same request only where they
        differ. A repo already spelled as the file gets nothing."""
        gh = self.fake()
        same = {"color": "d73a4a", "description": "It crashes"}
        gh.add_repo("acme", "r1", labels=[dict(name=":bug: crash", **same)],
                    issues=[{"number": 3, "labels": [":bug: crash"]}])
        gh.add_repo("acme", "r2", labels=[dict(name=BUG + " crash", **same)])
        gh.add_repo("acme", "r3", labels=[{"name": ":BUG: Crash", "color": "000000",
                                           "description": "It crashes"}])
        gh.add_repo("acme", "r4")
        cfg = self.write_file(LABELS_YML)
        res = self.epi(gh, "sync", "-c", cfg, "--prune", "--yes")
        self.assert_rc(res, 0)
        self.assertEqual(sorted(self.write_log(gh)), sorted([
            ("PATCH", label_path("r1", ":bug: crash"), {"new_name": BUG + " crash"}),
            ("PATCH", label_path("r3", ":BUG: Crash"), {"new_name": BUG + " crash",
                                                        "color": "d73a4a"}),
            ("POST", "/repos/acme/r4/labels", {"name": BUG + " crash", "color": "d73a4a",
                                               "description": "It crashes"}),
        ]))
        for r in ("r1", "r2", "r3", "r4"):
            self.assertEqual(self.names(gh, r), [BUG + " crash"])
        # the issue kept its label through the rename
        self.assertEqual(gh.issue_labels("acme", "r1", 3), [BUG + " crash"])
        gh.clear_requests()
        res = self.epi(gh, "plan", "-c", cfg, "--prune")
        self.assert_rc(res, 0)
        self.assert_no_writes(gh, res)

    def test_file_shortcode_matches_forge_emoji_and_is_not_pruned(self):
        """The other way round: the file says ':bug: crash', the repo has the emoji.
        --prune does not take the repo's label for an unknown one."""
        gh = self.fake()
        gh.add_repo("acme", "r1", labels=[{"name": BUG + " crash", "color": "d73a4a"}])
        cfg = self.write_file("labels:\n  - name: ':bug: crash'\n    color: d73a4a\n")
        res = self.epi(gh, "plan", "-c", cfg, "--prune", "--output", "json")
        self.assert_rc(res, 2)
        ops = [op for r in res.json()["targets"][0]["repos"] for op in r["changes"]]
        self.assertEqual([(o["op"], o["label"], o.get("new_name")) for o in ops],
                         [("update", BUG + " crash", ":bug: crash")])
        self.assertEqual(len(gh.writes()), 0)

    def test_ensure_delete_and_list_match_either_spelling(self):
        """The commands that name a label take either spelling: `delete ':bug: crash'`
        deletes the emoji label, `list` counts both spellings as one label."""
        gh = self.fake()
        gh.add_repo("acme", "r1", labels=[{"name": BUG + " crash", "color": "d73a4a"}])
        gh.add_repo("acme", "r2", labels=[{"name": ":bug: crash", "color": "d73a4a"}])
        res = self.epi(gh, "list", ":bug: crash")
        self.assert_rc(res, 0)
        self.assert_in_out(res, ":bug: crash: in 2 of 2 repos")
        res = self.epi(gh, "list")
        self.assert_rc(res, 0)
        self.assert_in_out(res, "1 label across 2 repos.")
        self.assert_in_out(res, "drift: 2 spellings")
        res = self.epi(gh, "delete", ":bug: crash", "--yes")
        self.assert_rc(res, 0)
        self.assertEqual(sorted(self.write_log(gh)), sorted([
            ("DELETE", label_path("r1", BUG + " crash"), None),
            ("DELETE", label_path("r2", ":bug: crash"), None),
        ]))

    def test_alias_spelled_as_shortcode_is_renamed(self):
        """An alias matches with shortcodes too: the repo's ':memo: docs' is renamed
        into the file's label (one PATCH, issues keep it)."""
        gh = self.fake()
        gh.add_repo("acme", "r1", labels=[{"name": "\U0001F4DD docs", "color": "0075ca"}])
        cfg = self.write_file("labels:\n  - name: documentation\n    color: 0075ca\n"
                              "    aliases: [':memo: docs']\n")
        res = self.epi(gh, "sync", "-c", cfg)
        self.assert_rc(res, 0)
        self.assertEqual(self.write_log(gh), [
            ("PATCH", label_path("r1", "\U0001F4DD docs"), {"new_name": "documentation"})])


class TestEmojiLocal(harness.EpithetTestCase):
    def test_forge_without_the_capability_matches_exactly(self):
        """The local forge sets no emoji capability: ':bug: crash' and the emoji are two
        labels there, so the file's label is created beside the other."""
        org = os.path.join(self.tmpdir(), "org")
        os.mkdir(org)
        with open(os.path.join(org, "r1.json"), "w", encoding="utf-8") as f:
            json.dump({"labels": [{"name": ":bug: crash", "color": "d73a4a"}]}, f)
        cfg = self.write_file(LABELS_YML)
        res = self.run_epithet(["--forge", "local", "--url", org, "sync", "-c", cfg])
        self.assert_rc(res, 0)
        with open(os.path.join(org, "r1.json"), encoding="utf-8") as f:
            names = [lb["name"] for lb in json.load(f)["labels"]]
        self.assertEqual(names, [":bug: crash", BUG + " crash"])


if __name__ == "__main__":
    harness.main()
