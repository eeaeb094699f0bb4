# SPDX-License-Identifier: MIT
"""`epithet docs` (issue 11; SPEC.md 9 "Documentation").

The labels file's policy for humans: Markdown to stdout by default, one
self-contained HTML page with --format html, --out FILE. No request is sent,
even with targets that name a live forge."""

import os
import re

import harness
import ghcase

LABELS = """\
targets:
  - forge: github
    url: %s
    org: acme
labels:
  - name: bug
    color: d73a4a
    description: "Something isn't working | <b>really</b>"
    aliases: [defect, "\U0001F41B bug"]
  - name: good first issue
    color: "7057FF"
    description: ""
  - name: help
  - name: wontfix
    delete: true
  - name: yellow
    color: fbca04
keep: ["release/*"]
"""


class DocsCase(ghcase.GitHubCase):
    def policy(self, gh):
        return self.write_file(LABELS % gh.url)

    def docs(self, gh, *args, cwd=None):
        """Run docs with the fake's URL in the environment too: nothing may reach it."""
        res = self.run_epithet(["docs"] + list(args), cwd=cwd,
                               env={"EPITHET_TOKEN": ghcase.TOKEN, "GITHUB_API_URL": gh.api_url})
        self.assert_no_requests(gh, res)
        self.assert_no_token(res, ghcase.TOKEN)
        return res


class TestDocsMarkdown(DocsCase):
    def test_markdown_to_stdout(self):
        """The default: a Markdown table to stdout, one row per label in file order,
        with colour, description (escaped so it shows as written), aliases, where it
        applies and its status; the keep globs after it."""
        gh = self.fake()
        cfg = self.policy(gh)
        res = self.docs(gh, "-c", cfg)
        self.assert_rc(res, 0)
        lines = res.out.splitlines()
        self.assertEqual(lines[0], "# Labels")
        self.assertIn("4 labels, 1 removed.", res.out)
        header = lines.index("| Label | Colour | Description | Aliases | Applies to | Status |")
        self.assertEqual(lines[header + 1], "|---|---|---|---|---|---|")
        self.assertEqual(lines[header + 2:header + 7], [
            "| `bug` | `#d73a4a` | Something isn't working \\| \\<b\\>really\\</b\\> | "
            "`defect`, `\U0001F41B bug` | every repo | synced |",
            "| `good first issue` | `#7057ff` | *none* |  | every repo | synced |",
            "| `help` | *as on the forge* |  |  | every repo | synced |",
            "| `wontfix` |  |  |  | every repo | deleted everywhere (delete: true) |",
            "| `yellow` | `#fbca04` |  |  | every repo | synced |",
        ])
        self.assertIn("Never pruned (`keep`): `release/*`.", lines)

    def test_default_file_and_out(self):
        """Without -c the default labels file is read (as sync does); --out writes the
        page there and nothing to stdout."""
        gh = self.fake()
        d = self.tmpdir()
        self.write_file(LABELS % gh.url, name="labels.yml", directory=d)
        res = self.docs(gh, "--out", "LABELS.md", cwd=d)
        self.assert_rc(res, 0)
        self.assertEqual(res.out, "")
        with open(os.path.join(d, "LABELS.md"), encoding="utf-8") as f:
            text = f.read()
        self.assertTrue(text.startswith("# Labels\n"))
        self.assertIn("The label policy of `labels.yml`", text)


class TestDocsHtml(DocsCase):
    def html(self, gh):
        cfg = self.policy(gh)
        out = os.path.join(self.tmpdir(), "labels.html")
        res = self.docs(gh, "-c", cfg, "--format", "html", "--out", out)
        self.assert_rc(res, 0)
        with open(out, encoding="utf-8") as f:
            return f.read()

    def test_self_contained_page_with_swatches(self):
        """One page, no external resource (no URL, src, link, script, import), real
        swatches in each label's colour with readable text on it."""
        gh = self.fake()
        page = self.html(gh)
        self.assertTrue(page.startswith("<!DOCTYPE html>\n"))
        self.assertTrue(page.rstrip().endswith("</html>"))
        for bad in ("http", "src=", "<link", "<script", "@import", "url(", "<img", "<iframe"):
            self.assertNotIn(bad, page.lower())
        self.assertIn('<span class="swatch" style="background:#d73a4a"></span>'
                      '<code>#d73a4a</code>', page)
        # white text on the dark violet, black on red and on yellow (WCAG contrast)
        self.assertIn('style="background:#7057ff;color:#ffffff">good first issue</span>', page)
        self.assertIn('style="background:#d73a4a;color:#000000">bug</span>', page)
        self.assertIn('style="background:#fbca04;color:#000000">yellow</span>', page)
        # the description's markup is text, not HTML
        self.assertIn("Something isn&#39;t working | &lt;b&gt;really&lt;/b&gt;", page)
        self.assertNotIn("<b>really", page)
        self.assertIn('<tr class="removed">', page)
        self.assertEqual(len(re.findall(r"<tr[ >]", page)), 6)  # header + 5 labels
        self.assertIn("<code>release/*</code>", page)

    def test_hostile_names_stay_text(self):
        """A name or alias with markup is escaped in both formats."""
        gh = self.fake()
        cfg = self.write_file('labels:\n  - name: "<script>x</script>"\n    color: "000"\n'
                              '    aliases: ["a`b|c"]\n')
        res = self.docs(gh, "-c", cfg, "--format", "html")
        self.assert_rc(res, 0)
        self.assertNotIn("<script", res.out)
        self.assertIn("&lt;script&gt;x&lt;/script&gt;", res.out)
        self.assertIn('background:#000000;color:#ffffff', res.out)
        res = self.docs(gh, "-c", cfg)
        self.assert_rc(res, 0)
        self.assertIn("| `<script>x</script>` | `#000000` |  | ``a`b\\|c`` |", res.out)


class TestDocsErrors(DocsCase):
    def test_bad_flags_and_values(self):
        """An unknown option is a usage error (64), a bad --format value a bad value
        (65), --output markdown belongs to the planning commands (64); nothing is
        written."""
        gh = self.fake()
        cfg = self.policy(gh)
        res = self.docs(gh, "-c", cfg, "--frobnicate")
        self.assert_rc(res, 64)
        self.assert_in_err(res, "unknown option '--frobnicate'")
        res = self.docs(gh, "-c", cfg, "--format", "pdf")
        self.assert_rc(res, 65)
        self.assert_in_err(res, "expected markdown or html")
        res = self.docs(gh, "-c", cfg, "--output", "markdown")
        self.assert_rc(res, 64)
        self.assert_in_err(res, "docs takes --format markdown|html")
        res = self.docs(gh, "extra-arg", "-c", cfg)
        self.assert_rc(res, 64)
        self.assertEqual(res.out, "")

    def test_bad_or_missing_file(self):
        """An invalid labels file is exit 65 with file, line and column; no file at
        all is 64; an unwritable --out is 1."""
        gh = self.fake()
        cfg = self.write_file("labels:\n  - name: bug\n    colour: d73a4a\n")
        res = self.docs(gh, "-c", cfg)
        self.assert_rc(res, 65)
        self.assert_in_err(res, "%s:3:5: unknown key 'colour'" % cfg)
        self.assertEqual(res.out, "")
        res = self.docs(gh, cwd=self.tmpdir())
        self.assert_rc(res, 64)
        self.assert_in_err(res, "no labels file")
        res = self.docs(gh, "-c", self.policy(gh), "--out", "/nonexistent/dir/x.md")
        self.assert_rc(res, 1)
        self.assert_in_err(res, "cannot write /nonexistent/dir/x.md")

    def test_help(self):
        """`epithet help docs` and --help show the command."""
        res = self.run_epithet(["help", "docs"])
        self.assert_rc(res, 0)
        self.assert_in_out(res, "usage: epithet [GLOBAL OPTIONS] docs [-c FILE] [--out FILE] "
                                "[--format markdown|html]")
        res = self.run_epithet(["--help"])
        self.assert_in_out(res, "  docs [-c FILE]")


POLICY = """\
labels:
  - name: bug
    color: d73a4a
  - name: old
    color: cccccc
    delete_after: 2099-03-01
  - name: gone
    color: cccccc
    delete_after: 2001-01-01
sets:
  - name: frontend
    repos: ["web-*", "acme/design-system"]
    labels:
      - name: area/ui
        color: 1d76db
      - name: bug
        color: d73a4a
  - name: backend
    topics: [backend]
    labels:
      - name: area/ui
        color: 1d76db
      - name: area/db
        color: 0e8a16
        description: Database
"""


class TestDocsPolicy(DocsCase):
    def test_sets_and_retirement(self):
        """Each label once with where it applies: a label given alike at top level and
        in a set is "every repo", one given alike by two sets names both; the sets and
        what they select follow; delete_after shows as the retirement date."""
        gh = self.fake()
        res = self.docs(gh, "-c", self.write_file(POLICY))
        self.assert_rc(res, 0)
        lines = res.out.splitlines()
        self.assertIn("| `bug` | `#d73a4a` |  |  | every repo | synced |", lines)
        self.assertIn("| `old` | `#cccccc` |  |  | every repo | retires on 2099-03-01 (then deleted) |",
                      lines)
        self.assertIn("| `gone` | `#cccccc` |  |  | every repo | retired on 2001-01-01: deleted "
                      "everywhere |", lines)
        self.assertIn("| `area/ui` | `#1d76db` |  |  | sets `frontend`, `backend` | synced |", lines)
        self.assertIn("| `area/db` | `#0e8a16` | Database |  | set `backend` | synced |", lines)
        self.assertEqual(sum(1 for ln in lines if ln.startswith("| `bug`")), 1)
        self.assertIn("- `frontend`: repos `web-*`, `acme/design-system`; 2 labels.", lines)
        self.assertIn("- `backend`: topics `backend`; 2 labels.", lines)
        res = self.docs(gh, "-c", self.write_file(POLICY), "--format", "html")
        self.assert_rc(res, 0)
        self.assertIn("<td>sets <code>frontend</code>, <code>backend</code></td>", res.out)
        self.assertIn("<li><code>backend</code>: topics <code>backend</code>; 2 labels.</li>",
                      res.out)


class TestDocsBases(DocsCase):
    def test_bases_local_and_on_the_forge_are_read_nothing_else(self):
        """docs reads the file as sync does: a local base and a base in a repo on the
        forge (through --api-url) land on the page; the only requests are the two
        contents reads of the forge base and its own base, nothing else."""
        gh = self.fake()
        gh.add_repo("acme", ".github")
        gh.add_file("acme", ".github", "labels/common.yml",
                    "labels:\n  - name: bug\n    color: d73a4a\nextends: [teams/platform.yml]\n")
        gh.add_file("acme", ".github", "labels/teams/platform.yml",
                    "sets:\n  - name: backend\n    topics: [backend]\n    labels:\n"
                    "      - name: area/db\n        color: 5319e7\n")
        d = self.tmpdir()
        self.write_file("labels:\n  - name: help\n    color: 008672\n", name="local.yml",
                        directory=d)
        top = self.write_file("extends:\n  - local.yml\n  - repo: acme/.github\n"
                              "    path: labels/common.yml\nlabels:\n  - name: docs\n"
                              "    color: 0075ca\n", directory=d)
        res = self.run_epithet(["--api-url", gh.api_url, "docs", "-c", top],
                               env={"EPITHET_TOKEN": ghcase.TOKEN})
        self.assert_rc(res, 0)
        self.assert_no_token(res, ghcase.TOKEN)
        self.assertEqual([(r.method, r.path) for r in gh.requests], [
            ("GET", "/repos/acme/.github/contents/labels/common.yml"),
            ("GET", "/repos/acme/.github/contents/labels/teams/platform.yml")])
        names = [ln.split("`")[1] for ln in res.out.splitlines() if ln.startswith("| `")]
        self.assertEqual(names, ["help", "bug", "docs", "area/db"])
        self.assertIn("| `area/db` | `#5319e7` |  |  | set `backend` | synced |",
                      res.out.splitlines())


if __name__ == "__main__":
    harness.main()
