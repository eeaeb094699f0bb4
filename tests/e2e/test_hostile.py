# SPDX-License-Identifier: MIT
"""Hostile input from a forge: answers that are not JSON, JSON of the wrong
shape, huge bodies and decompression bombs, label and repo names with control
characters, absurd Link headers. The binary must never crash or hang, must
fail only the repo concerned with a message that says why, and must never
let forge text put raw control characters on the terminal.
"""

import gzip
import os
import shlex
import subprocess

import harness
from fake_github import FakeGitHub, Response

TOKEN = "ghp_HostileSecretToken0123456789abcdefXYZ"
OWNER = "acme"

LABELS_FILE = """\
labels:
  - name: bug
    color: "d73a4a"
"""

JSON = "application/json; charset=utf-8"

# Every control character the terminal could act on, and the bidi override
# that reorders what is shown.
EVIL_NAMES = [
    "red\x1b[31mX\x1b[0m",        # CSI colour
    "\x1b]0;pwned\x07title",      # OSC: set the window title
    "clear\x1b[2J\x1b[H",         # clear the screen
    "cr\rover",
    "bell\x07",
    "bs\x08\x08",
    "del\x7fx",
    "c1\u009b31m",                # C1 CSI
    "bidi\u202eevil",
    "nl\nx",
    "tab\tx",
]


def raw_controls(data):
    """The terminal-active bytes in data (bytes): C0 but \\n, DEL, C1 (as UTF-8)."""
    text = data.decode("utf-8", "replace")
    return sorted({c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) <= 0x9f
                   or c == "\u202e"})


class HostileCase(harness.EpithetTestCase):
    def fake(self, **kw):
        kw.setdefault("token", TOKEN)
        return self.start_fake(FakeGitHub(**kw))

    def org(self, gh, n=3):
        names = ["r%d" % i for i in range(1, n + 1)]
        for name in names:
            gh.add_repo(OWNER, name, labels=[{"name": "bug", "color": "000000"}])
        return names

    def argv(self, gh, *args):
        return ["--api-url", gh.api_url, "-o", OWNER, "--write-interval", "0", "-y"] + list(args)

    def epi(self, gh, *args, env=None):
        e = {"EPITHET_TOKEN": TOKEN, "EPITHET_TEST_FAST_RETRY": "1"}
        e.update(env or {})
        res = self.run_epithet(self.argv(gh, *args), env=e)
        self.assert_no_token(res, TOKEN)
        self.assertNotIn(res.rc, (-6, -11, 134, 139), "crashed\n%r" % res)
        return res

    def sync(self, gh, *extra):
        return self.epi(gh, "sync", "-c", self.write_file(LABELS_FILE), *extra)

    def raw_run(self, gh, *args, env=None):
        """Run and capture stdout/stderr as bytes (nothing translated)."""
        home = self.make_home()
        argv = shlex.split(os.environ.get("EPITHET_WRAPPER", "")) + [harness.epithet_bin()]
        argv += self.argv(gh, *args)
        e = {"EPITHET_TOKEN": TOKEN}
        e.update(env or {})
        p = subprocess.run(argv, env=harness.clean_env(home, e), cwd=home, input=b"",
                           capture_output=True, timeout=120)
        return p

    def fixed(self, gh, repo):
        self.assertEqual([(lb["name"], lb["color"]) for lb in gh.labels(OWNER, repo)],
                         [("bug", "d73a4a")])

    def untouched(self, gh, repo):
        self.assertEqual([(lb["name"], lb["color"]) for lb in gh.labels(OWNER, repo)],
                         [("bug", "000000")])

    def only_repo_fails(self, gh, body, repo="r2", content_type=JSON, status=200, headers=None,
                        pattern=None):
        """The label list of one repo answers `body`: that repo fails with a
        message, the others are synced, exit 1."""
        self.org(gh)
        path = "/repos/%s/%s/labels" % (OWNER, repo)

        def hook(req):
            if req.method == "GET" and req.path == path:
                return Response(status, body, headers, content_type=content_type)
            return None

        gh.hook = hook
        res = self.sync(gh)
        self.assert_rc(res, 1)
        self.assert_in_err(res, "%s/%s" % (OWNER, repo))
        if pattern:
            self.assertRegex(res.err, pattern, res)
        for r in ("r1", "r2", "r3"):
            (self.untouched if r == repo else self.fixed)(gh, r)
        self.assertFalse([w for w in gh.writes() if "/%s/" % repo in w.path], res)
        return res


class TestNotJson(HostileCase):
    def test_html_error_page_with_200(self):
        self.only_repo_fails(self.fake(), "<!DOCTYPE html><html><body>Oops</body></html>",
                             content_type="text/html", pattern=r"(?i)json|parse|understand")

    def test_empty_body(self):
        self.only_repo_fails(self.fake(), b"", pattern=r"(?i)json|empty|parse|understand")

    def test_binary_garbage(self):
        self.only_repo_fails(self.fake(), bytes(range(256)) * 4)

    def test_two_json_documents(self):
        self.only_repo_fails(self.fake(), b'[] []')

    def test_invalid_utf8_in_a_string(self):
        self.only_repo_fails(self.fake(), b'[{"id": 1, "name": "bu\xff\xfeg", "color": "000000"}]')

    def test_nesting_bomb(self):
        self.only_repo_fails(self.fake(), b"[" * 200000 + b"]" * 200000)

    def test_repo_list_not_json_fails_the_target(self):
        gh = self.fake()
        self.org(gh)
        gh.hook = lambda req: (Response(200, "not json at all", content_type="text/plain")
                               if req.path.endswith("/repos") else None)
        res = self.sync(gh)
        self.assert_rc(res, 1)
        self.assert_in_err(res, "acme")
        self.assertEqual([w for w in gh.writes() if "/labels" in w.path], [])


class TestWrongShape(HostileCase):
    def test_object_instead_of_array(self):
        self.only_repo_fails(self.fake(), {"labels": [{"name": "bug", "color": "000000"}]})

    def test_numbers_instead_of_strings(self):
        self.only_repo_fails(self.fake(), [{"id": 1, "name": 42, "color": 0xd73a4a}])

    def test_array_of_numbers(self):
        self.only_repo_fails(self.fake(), [1, 2, 3])

    def test_null(self):
        self.only_repo_fails(self.fake(), b"null")

    def test_label_without_a_name(self):
        self.only_repo_fails(self.fake(), [{"id": 1, "color": "000000"}])

    def test_colour_that_is_not_a_colour(self):
        gh = self.fake()
        res = self.only_repo_fails(gh, [{"id": 1, "name": "bug", "color": "\x1b[31m",
                                         "description": None}])
        self.assertNotIn("\x1b", res.err)

    def test_repos_of_the_wrong_shape(self):
        gh = self.fake()
        self.org(gh)
        gh.hook = lambda req: (Response.json(200, [{"name": 5, "owner": [], "full_name": None}])
                               if req.path.endswith("/repos") else None)
        res = self.sync(gh)
        self.assert_rc(res, 1)
        self.assertEqual([w for w in gh.writes() if "/labels" in w.path], [])


class TestHugeBodies(HostileCase):
    def test_body_over_the_cap_is_refused(self):
        body = b"[" + b" " * (33 << 20) + b"]"
        self.only_repo_fails(self.fake(), body, pattern=r"larger than 32 MiB")

    def test_decompression_bomb_is_refused(self):
        gh = self.fake()
        gh.gzip = False  # the body below is already compressed
        bomb = gzip.compress(b"[" + b" " * (64 << 20) + b"]", 9)
        self.assertLess(len(bomb), 1 << 20)
        self.only_repo_fails(gh, bomb, headers={"Content-Encoding": "gzip"},
                             pattern=r"larger than 32 MiB")

    def test_many_labels_is_fine(self):
        gh = self.fake()
        gh.add_repo(OWNER, "big", labels=[{"name": "l%04d" % i, "color": "ededed",
                                           "description": "x" * 100} for i in range(1000)])
        res = self.epi(gh, "--output", "json", "list")
        self.assert_rc(res, 0)
        self.assertEqual(len(res.json()["labels"]), 1000)


class TestControlCharacters(HostileCase):
    def evil_org(self, gh):
        gh.add_repo(OWNER, "r1", labels=[{"name": n, "color": "000000",
                                          "description": "about " + n} for n in EVIL_NAMES])

    def assert_clean(self, p):
        for name, data in (("stdout", p.stdout), ("stderr", p.stderr)):
            self.assertEqual(raw_controls(data), [],
                             "raw control characters on %s:\n%r" % (name, data))

    def test_list_shows_names_escaped(self):
        gh = self.fake()
        self.evil_org(gh)
        p = self.raw_run(gh, "list")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assert_clean(p)
        out = p.stdout.decode()
        self.assertIn("red\\e[31mX\\e[0m", out)
        self.assertIn("\\e]0;pwned\\x07title", out)
        self.assertIn("c1\\u009b31m", out)
        self.assertIn("bidi\\u202eevil", out)
        # one line per label plus the summary: no name broke a line
        self.assertEqual(len(out.splitlines()), len(EVIL_NAMES) + 1, out)

    def test_list_one_label(self):
        gh = self.fake()
        self.evil_org(gh)
        p = self.raw_run(gh, "list", EVIL_NAMES[1])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assert_clean(p)

    def test_plan_and_colour_output(self):
        gh = self.fake()
        self.evil_org(gh)
        path = self.write_file(LABELS_FILE)
        p = self.raw_run(gh, "--color", "always", "plan", "-c", path, "--prune")
        self.assertEqual(p.returncode, 2, p.stderr)
        # epithet's own colours are there, and nothing else
        out = p.stdout.replace(b"\x1b[0m", b"").replace(b"\x1b[1m", b"")
        for seq in (b"\x1b[31m", b"\x1b[32m", b"\x1b[33m", b"\x1b[36m"):
            out = out.replace(seq, b"")
        import re
        out = re.sub(rb"\x1b\[48;2;\d+;\d+;\d+m", b"", out)
        self.assertEqual(raw_controls(out), [], out)
        self.assertEqual(raw_controls(p.stderr), [], p.stderr)

    def test_sync_deletes_them_exactly_and_reports_safely(self):
        gh = self.fake()
        self.evil_org(gh)
        path = self.write_file(LABELS_FILE)
        p = self.raw_run(gh, "-v", "sync", "-c", path, "--prune")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assert_clean(p)
        # the names went to the forge byte for byte: every one was deleted
        self.assertEqual([lb["name"] for lb in gh.labels(OWNER, "r1")], ["bug"])

    def test_forge_error_message_with_controls(self):
        gh = self.fake()
        self.org(gh, 1)
        gh.add_fault(method="PATCH", status=422, times=None, body={
            "message": "Validation Failed\x1b[2J\x1b]0;owned\x07",
            "errors": [{"resource": "Label", "code": "custom", "field": "color",
                        "message": "bad\x1b[31m colour\r\x08"}]})
        path = self.write_file(LABELS_FILE)
        p = self.raw_run(gh, "sync", "-c", path, env={"EPITHET_TEST_FAST_RETRY": "1"})
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assert_clean(p)
        self.assertIn(b"Validation Failed", p.stderr)

    def test_repo_name_with_controls(self):
        gh = self.fake()
        gh.add_repo(OWNER, "evil\x1b[2Jrepo", labels=[{"name": "bug", "color": "000000"}])
        path = self.write_file(LABELS_FILE)
        p = self.raw_run(gh, "sync", "-c", path)
        self.assert_clean(p)
        self.assertIn(b"evil\\e[2Jrepo", p.stdout + p.stderr)


class TestLinkHeaders(HostileCase):
    def link_case(self, link, expect_rc=1, pattern=None, pages=None):
        """r2's label list carries `link`; returns the result."""
        gh = self.fake()
        self.org(gh)
        first = [{"id": 1, "name": "bug", "color": "000000", "description": None}]

        def hook(req):
            if req.method == "GET" and req.path == "/repos/acme/r2/labels":
                if pages is not None:
                    return pages(req)
                return Response.json(200, first, {"Link": link})
            return None

        gh.hook = hook
        res = self.sync(gh)
        self.assert_rc(res, expect_rc)
        if pattern:
            self.assertRegex(res.err, pattern, res)
        self.fixed(gh, "r1")
        self.fixed(gh, "r3")
        return gh, res

    def test_huge_garbage_link(self):
        # no usable rel="next": one page, r2 is synced
        gh, res = self.link_case("<" + "x" * 60000 + ">; rel=\"prev\", " + ";;;,,,<<>>" * 1000,
                                 expect_rc=0)
        self.fixed(gh, "r2")

    def test_thousands_of_link_values(self):
        link = ", ".join('<http://127.0.0.1:1/p%d>; rel="prev"' % i for i in range(2000))
        gh, res = self.link_case(link, expect_rc=0)
        self.fixed(gh, "r2")

    def test_link_over_the_header_size_limit_fails_that_repo(self):
        # libcurl refuses a header line over 100 KiB: r2 fails, the rest is done
        self.link_case('<http://127.0.0.1:1/x>; rel="prev", ' * 5000,
                       pattern=r"acme/r2: .*response header too large")

    def test_unterminated_link(self):
        gh, res = self.link_case('<http://127.0.0.1/repos/acme/r2/labels?page=2; rel="next"',
                                 expect_rc=0)
        self.fixed(gh, "r2")

    def test_next_to_another_scheme(self):
        for url in ("file:///etc/passwd", "javascript:alert(1)", "ftp://127.0.0.1/x",
                    "gopher://127.0.0.1:70/"):
            with self.subTest(url=url):
                self.link_case("<%s>; rel=\"next\"" % url, pattern=r"acme/r2")

    def test_next_to_itself(self):
        gh, res = self.link_case("</repos/acme/r2/labels>; rel=\"next\"", pattern=r"itself")

    def test_next_pages_in_a_cycle_stop(self):
        def pages(req):
            page = 2 if "page=2" in req.query else 1
            other = 1 if page == 2 else 2
            return Response.json(200, [{"id": page, "name": "l%d" % page, "color": "000000",
                                        "description": None}],
                                 {"Link": '</repos/acme/r2/labels?page=%d>; rel="next"' % other})
        gh, res = self.link_case("", pattern=r"acme/r2", pages=pages)
        gets = [r for r in gh.requests if r.path == "/repos/acme/r2/labels"]
        self.assertLess(len(gets), 10, "followed a cycle of pages %d times" % len(gets))

    def test_quoted_and_odd_rel_values(self):
        link = ('<http://127.0.0.1:1/a>; rel="prev \\"next\\""; title="a,b", '
                '<http://127.0.0.1:1/b>; REL=last; rel="next", '
                '<http://127.0.0.1:1/c>; rel=')
        gh, res = self.link_case(link, expect_rc=0)
        self.fixed(gh, "r2")


if __name__ == "__main__":
    harness.main()
