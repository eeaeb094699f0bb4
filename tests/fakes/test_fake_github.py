#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Self-tests of fake_github: it must answer like api.github.com / GHES.

Real HTTP on 127.0.0.1 only.  Expectations come from shared/specs/CONTRACTS.md
and the recorded responses in shared/specs/github-recorded/ (quoted inline;
the Recorded* tests also replay the files themselves when they are present,
see RECORDED_DIR).  Run: python3 tests/fakes/test_fake_github.py
"""

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from fake_github import FakeGitHub, SECONDARY_RATE_LIMIT_BODY  # noqa: E402

RECORDED_DIR = os.environ.get(
    "EPITHET_GITHUB_RECORDED",
    os.path.join(HERE, "..", "..", "..", "shared", "specs", "github-recorded"))

TOKEN = "tkn-0123456789"
LABEL_KEYS = ["id", "node_id", "url", "name", "color", "default", "description"]
ALREADY_EXISTS = {"message": "Validation Failed",
                  "errors": [{"resource": "Label", "code": "already_exists", "field": "name"}],
                  "documentation_url": "https://docs.github.com/rest/issues/labels#create-a-label"}
LINK_RE = re.compile(r'<([^>]+)>; rel="(\w+)"')


class Resp:
    def __init__(self, r):
        self.status = r.status
        self.headers = {k.lower(): v for k, v in r.getheaders()}
        self.raw = r.read()
        if self.headers.get("content-encoding") == "gzip":
            import gzip
            self.raw = gzip.decompress(self.raw)
        self.body = None
        if self.raw and "json" in self.headers.get("content-type", ""):
            self.body = json.loads(self.raw)

    def links(self):
        """{'next': url, ...} from the Link header."""
        return {rel: url for url, rel in LINK_RE.findall(self.headers.get("link", ""))}

    def __repr__(self):
        return "<%d %r>" % (self.status, self.raw[:300])


class Client:
    """A keep-alive HTTP/1.1 client that sends paths exactly as given."""

    def __init__(self, gh, token=TOKEN, scheme="Bearer", prefix=None, ua="epithet-selftest/1"):
        self.gh = gh
        self.token, self.scheme, self.ua = token, scheme, ua
        self.prefix = ("/api/v3" if gh.ghes else "") if prefix is None else prefix
        self.conn = http.client.HTTPConnection("127.0.0.1", gh.port, timeout=5)

    def close(self):
        self.conn.close()

    def req(self, method, path, body=None, headers=None, raw=None, prefix=None):
        h = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        if self.ua:
            h["User-Agent"] = self.ua
        if self.token:
            h["Authorization"] = "%s %s" % (self.scheme, self.token)
        h.update(headers or {})
        h = {k: v for k, v in h.items() if v is not None}
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json; charset=utf-8"
        full = (self.prefix if prefix is None else prefix) + path
        self.conn.request(method, full, body=data, headers=h)
        return Resp(self.conn.getresponse())

    def get(self, path, **kw):
        return self.req("GET", path, **kw)

    def url(self, absolute):
        """GET an absolute URL (from a Link header) on this connection."""
        u = urllib.parse.urlsplit(absolute)
        return self.req("GET", u.path + ("?" + u.query if u.query else ""), prefix="")


def enc(name):
    """RFC 3986 path-segment encoding, as a correct client does it."""
    return urllib.parse.quote(name, safe="")


class FakeCase(unittest.TestCase):
    ghes = False
    maxDiff = None

    def setUp(self):
        self.gh = FakeGitHub(token=TOKEN, ghes=self.ghes)
        self.gh.start()
        self.addCleanup(self.gh.stop)
        self.gh.add_repo("acme", "r1", labels=[
            {"name": "bug", "color": "d73a4a", "description": "Something isn't working"},
            {"name": "help wanted", "color": "008672", "description": None}],
            issues=[{"number": 1, "labels": ["bug"]},
                    {"number": 2, "labels": ["bug", "help wanted"], "pull": True},
                    {"number": 3, "labels": ["help wanted"], "state": "closed"}])
        self.c = Client(self.gh)
        self.addCleanup(self.c.close)

    def assertBasicError(self, r, status, message):
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.body["message"], message)
        self.assertEqual(r.body["status"], str(status))
        self.assertTrue(r.body["documentation_url"].startswith("https://docs.github.com/"))


# ---------------------------------------------------------------------------------
class TestLabels(FakeCase):

    def test_list_shape_and_headers(self):
        r = self.c.get("/repos/acme/r1/labels")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers["content-type"], "application/json; charset=utf-8")
        for h in ("etag", "x-github-media-type", "x-github-request-id", "cache-control",
                  "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-used",
                  "x-ratelimit-reset", "x-ratelimit-resource", "access-control-expose-headers"):
            self.assertIn(h, r.headers)
        self.assertNotIn("link", r.headers)  # fits one page
        self.assertEqual([list(x) for x in r.body], [LABEL_KEYS] * 2)
        bug = r.body[0]
        self.assertIsInstance(bug["id"], int)
        self.assertEqual(bug["url"], self.gh.api_url + "/repos/acme/r1/labels/bug")
        self.assertEqual((bug["name"], bug["color"], bug["default"]), ("bug", "d73a4a", False))
        self.assertIsNone(r.body[1]["description"])
        self.assertTrue(r.body[1]["url"].endswith("/labels/help%20wanted"))

    def test_create_get_update_delete(self):
        # the labels.json scenario
        r = self.c.req("POST", "/repos/acme/r1/labels", {"name": "test-label", "color": "663399"})
        self.assertEqual(r.status, 201)
        self.assertEqual(list(r.body), LABEL_KEYS)
        self.assertEqual(r.headers["location"], self.gh.api_url + "/repos/acme/r1/labels/test-label")
        self.assertEqual((r.body["default"], r.body["description"]), (False, None))
        r = self.c.get("/repos/acme/r1/labels/test-label")
        self.assertEqual((r.status, r.body["color"]), (200, "663399"))
        r = self.c.req("PATCH", "/repos/acme/r1/labels/test-label",
                       {"new_name": "test-label-updated", "color": "BADA55"})
        self.assertEqual(r.status, 200)
        self.assertEqual((r.body["name"], r.body["color"]), ("test-label-updated", "BADA55"))
        self.assertTrue(r.body["url"].endswith("/labels/test-label-updated"))
        r = self.c.req("DELETE", "/repos/acme/r1/labels/test-label-updated")
        self.assertEqual((r.status, r.raw), (204, b""))
        self.assertNotIn("content-type", r.headers)
        self.assertBasicError(self.c.get("/repos/acme/r1/labels/test-label-updated"), 404, "Not Found")

    def test_create_defaults(self):
        r = self.c.req("POST", "/repos/acme/r1/labels", {"name": "grey"})
        self.assertEqual((r.status, r.body["color"], r.body["description"]), (201, "ededed", None))
        r = self.c.req("POST", "/repos/acme/r1/labels",
                       {"name": "d", "color": "aabbcc", "description": "words"})
        self.assertEqual(r.body["description"], "words")

    def test_update_partial_fields(self):
        r = self.c.req("PATCH", "/repos/acme/r1/labels/bug", {"description": "new"})
        self.assertEqual((r.body["name"], r.body["color"], r.body["description"]),
                         ("bug", "d73a4a", "new"))
        r = self.c.req("PATCH", "/repos/acme/r1/labels/bug", {"description": None})
        self.assertIsNone(r.body["description"])

    def test_case_insensitive_uniqueness_and_lookup(self):
        r = self.c.req("POST", "/repos/acme/r1/labels", {"name": "Bug", "color": "ffffff"})
        self.assertEqual((r.status, r.body), (422, ALREADY_EXISTS))
        self.assertNotIn("status", r.body)
        r = self.c.req("PATCH", "/repos/acme/r1/labels/help%20wanted", {"new_name": "BUG"})
        self.assertEqual(r.status, 422)
        self.assertEqual(r.body["errors"], ALREADY_EXISTS["errors"])
        self.assertTrue(r.body["documentation_url"].endswith("#update-a-label"))
        # lookup by path is case-insensitive; a case-only rename works
        self.assertEqual(self.c.get("/repos/acme/r1/labels/BUG").body["name"], "bug")
        r = self.c.req("PATCH", "/repos/acme/r1/labels/bug", {"new_name": "Bug"})
        self.assertEqual((r.status, r.body["name"]), (200, "Bug"))
        self.assertEqual(self.gh.issue_labels("acme", "r1", 1), ["Bug"])

    def test_unknown_label_404(self):
        for method, body in (("GET", None), ("PATCH", {"color": "000000"}), ("DELETE", None)):
            r = self.c.req(method, "/repos/acme/r1/labels/nope", body)
            self.assertBasicError(r, 404, "Not Found")
            self.assertEqual(list(r.body), ["message", "documentation_url", "status"])

    def test_validation_errors(self):
        post = lambda body: self.c.req("POST", "/repos/acme/r1/labels", body)  # noqa: E731
        color_err = [{"resource": "Label", "code": "invalid", "field": "color"}]
        for bad in ("invalid", "#ff0000", "fff", "gggggg", "ff00001"):
            r = post({"name": "x", "color": bad})
            self.assertEqual((r.status, r.body["message"], r.body["errors"]),
                             (422, "Validation Failed", color_err), bad)
        r = post({"name": "n" * 51, "color": "ffffff"})
        self.assertEqual(r.body["errors"], [{"resource": "Label", "code": "custom", "field": "name",
                                             "message": "name is too long (maximum is 50 characters)"}])
        self.assertEqual(post({"name": "🐛" * 50}).status, 201)  # 50 code points
        self.assertEqual(post({"name": "é" * 51}).status, 422)
        r = post({"name": "d", "description": "x" * 101})
        self.assertEqual((r.status, r.body["errors"][0]["field"]), (422, "description"))
        self.assertEqual(post({"name": "d100", "description": "x" * 100}).status, 201)
        r = self.c.req("PATCH", "/repos/acme/r1/labels/bug", {"color": "#d73a4a"})
        self.assertEqual((r.status, r.body["errors"]), (422, color_err))
        r = self.c.req("PATCH", "/repos/acme/r1/labels/bug", {"new_name": "y" * 51})
        self.assertEqual(r.status, 422)
        r = post({"color": "ffffff"})
        self.assertEqual((r.status, r.body["message"]),
                         (422, "Invalid request.\n\n\"name\" wasn't supplied."))
        r = self.c.req("POST", "/repos/acme/r1/labels", raw=b"{not json",
                       headers={"Content-Type": "application/json"})
        self.assertBasicError(r, 400, "Problems parsing JSON")
        r = self.c.req("POST", "/repos/acme/r1/labels", ["a"])
        self.assertBasicError(r, 400, "Body should be a JSON object")
        self.assertEqual([lb["name"] for lb in self.gh.labels("acme", "r1")],
                         ["bug", "help wanted", "🐛" * 50, "d100"])

    def test_percent_decoding_of_names(self):
        names = ["help wanted", "area/ui", "100%", "triage/backport?", "C#", "a+b",
                 "🐛 bug", ".", "..", "x%2Fy"]
        for n in names:
            r = self.c.req("POST", "/repos/acme/r1/labels", {"name": n, "color": "aaaaaa"})
            self.assertIn(r.status, (201, 422), n)
        for n in names:
            r = self.c.get("/repos/acme/r1/labels/" + enc(n).replace(".", "%2E"))
            self.assertEqual((r.status, r.body and r.body["name"]), (200, n), n)
            self.assertEqual(r.body["url"], self.gh.api_url + "/repos/acme/r1/labels/" + enc(n))
        g = self.c.get
        self.assertEqual(g("/repos/acme/r1/labels/help+wanted").status, 404)   # '+' is not a space
        self.assertEqual(g("/repos/acme/r1/labels/area%252Fui").status, 404)   # double encoding
        self.assertEqual(g("/repos/acme/r1/labels/x%252Fy").body["name"], "x%2Fy")
        self.assertEqual(g("/repos/acme/r1/labels/area/ui").status, 404)       # raw slash
        r = g("/repos/acme/r1/labels/triage%2Fbackport?")                      # raw '?' = query
        self.assertEqual(r.status, 404)
        self.assertEqual(self.gh.requests[-1].query, "")
        self.assertEqual(g("/repos/acme/r1/labels/bug/").status, 404)          # trailing slash
        self.assertEqual(g("/repos/acme/r1/labels/").status, 404)
        self.assertEqual(g("/repos/acme/r1/labels/C%23").body["name"], "C#")
        # raw dot segments are resolved like a front proxy would
        self.assertEqual(g("/repos/acme/r1/labels/./bug").body["name"], "bug")
        # PATCH and DELETE through encoded paths
        r = self.c.req("PATCH", "/repos/acme/r1/labels/" + enc("area/ui"), {"new_name": "area/UX"})
        self.assertEqual((r.status, r.body["name"]), (200, "area/UX"))
        r = self.c.req("DELETE", "/repos/acme/r1/labels/" + enc("🐛 bug"))
        self.assertEqual(r.status, 204)
        self.assertIsNone(self.gh.label("acme", "r1", "🐛 bug"))
        self.assertEqual(self.gh.requests[-1].path, "/repos/acme/r1/labels/%F0%9F%90%9B%20bug")

    def test_pagination_250_labels(self):
        self.gh.add_repo("acme", "many", labels=["l%03d" % i for i in range(250)])
        r = self.c.get("/repos/acme/many/labels")
        self.assertEqual(len(r.body), 30)  # default per_page
        links = r.links()
        self.assertEqual(sorted(links), ["last", "next"])
        rid = self.gh.repo_info("acme", "many")["id"]
        base = "%s/repositories/%d/labels" % (self.gh.api_url, rid)
        self.assertEqual(r.headers["link"],
                         '<%s?page=2>; rel="next", <%s?page=9>; rel="last"' % (base, base))
        # follow the links with per_page=100: 3 pages, every label once, in order
        seen, url, pages = [], None, 0
        r = self.c.get("/repos/acme/many/labels?per_page=100")
        while True:
            pages += 1
            seen += [x["name"] for x in r.body]
            url = r.links().get("next")
            if not url:
                break
            self.assertIn("per_page=100", url)
            r = self.c.url(url)
            self.assertEqual(r.status, 200)
        self.assertEqual((pages, seen), (3, ["l%03d" % i for i in range(250)]))
        self.assertEqual(sorted(r.links()), ["first", "prev"])  # last page
        r = self.c.get("/repos/acme/many/labels?per_page=100&page=2")
        self.assertEqual(r.headers["link"],
                         '<{0}?per_page=100&page=1>; rel="prev", <{0}?per_page=100&page=3>; rel="next", '
                         '<{0}?per_page=100&page=3>; rel="last", <{0}?per_page=100&page=1>; rel="first"'
                         .format(base))
        self.assertEqual(len(self.c.get("/repos/acme/many/labels?per_page=500").body), 100)
        self.assertEqual(self.c.get("/repos/acme/many/labels?per_page=100&page=9").body, [])

    def test_links_use_the_host_the_client_used(self):
        self.gh.add_repo("acme", "many", labels=["l%03d" % i for i in range(40)])
        r = self.c.get("/repos/acme/many/labels", headers={"Host": "localhost:%d" % self.gh.port})
        self.assertTrue(r.links()["next"].startswith("http://localhost:%d/" % self.gh.port))

    def test_links_behind_a_tls_front_end_are_https(self):
        # tls_front.py: nghttpx passes the client's Host on and says https
        self.gh.add_repo("acme", "many", labels=["l%03d" % i for i in range(40)])
        r = self.c.get("/repos/acme/many/labels", headers={"Host": "127.0.0.1:8443",
                                                           "X-Forwarded-Proto": "https"})
        self.assertTrue(r.links()["next"].startswith("https://127.0.0.1:8443/repositories/"))

    def test_archived_repo_refuses_writes(self):
        self.gh.add_repo("acme", "old", labels=["bug"], archived=True, issues=[{"labels": ["bug"]}])
        msg = "Repository was archived so is read-only."
        self.assertEqual(self.c.get("/repos/acme/old/labels").status, 200)
        self.assertBasicError(self.c.req("POST", "/repos/acme/old/labels", {"name": "x"}), 403, msg)
        self.assertBasicError(self.c.req("PATCH", "/repos/acme/old/labels/bug", {"color": "000000"}),
                              403, msg)
        self.assertBasicError(self.c.req("DELETE", "/repos/acme/old/labels/bug"), 403, msg)
        self.assertBasicError(self.c.req("POST", "/repos/acme/old/issues/1/labels", {"labels": ["x"]}),
                              403, msg)
        self.assertEqual([x["name"] for x in self.gh.labels("acme", "old")], ["bug"])

    def test_no_push_permission_hides_writes(self):
        self.gh.add_repo("acme", "ro", labels=["bug"], permissions={"push": False, "admin": False})
        self.assertEqual(self.c.get("/repos/acme/ro").body["permissions"]["push"], False)
        self.assertEqual(self.c.req("DELETE", "/repos/acme/ro/labels/bug").status, 404)


# ---------------------------------------------------------------------------------
class TestContents(FakeCase):
    """GET /repos/{o}/{r}/contents/{path}?ref= and /git/blobs/{sha} (read_file)."""

    def setUp(self):
        super().setUp()
        self.gh.add_file("acme", "r1", "labels/common.yml", "labels: []\n")
        self.gh.add_file("acme", "r1", "labels/common.yml", "labels: [{name: v2}]\n", ref="v2")

    def test_file_base64_and_raw(self):
        import base64
        r = self.c.get("/repos/acme/r1/contents/labels/common.yml")
        self.assertEqual(r.status, 200)
        self.assertEqual((r.body["type"], r.body["encoding"], r.body["path"], r.body["name"]),
                         ("file", "base64", "labels/common.yml", "common.yml"))
        self.assertEqual(base64.b64decode(r.body["content"]), b"labels: []\n")
        r = self.c.get("/repos/acme/r1/contents/labels/common.yml?ref=v2")
        self.assertEqual(base64.b64decode(r.body["content"]), b"labels: [{name: v2}]\n")
        r = self.c.get("/repos/acme/r1/contents/labels/common.yml",
                       headers={"Accept": "application/vnd.github.raw"})
        self.assertEqual(r.raw, b"labels: []\n")

    def test_directory_and_404s(self):
        r = self.c.get("/repos/acme/r1/contents/labels")
        self.assertEqual([(e["type"], e["path"]) for e in r.body], [("file", "labels/common.yml")])
        self.assertBasicError(self.c.get("/repos/acme/r1/contents/nope.yml"), 404, "Not Found")
        self.assertBasicError(self.c.get("/repos/acme/r1/contents/labels/common.yml?ref=x"), 404,
                              "No commit found for the ref x")
        self.assertBasicError(self.c.get("/repos/acme/nope/contents/a.yml"), 404, "Not Found")

    def test_large_file_via_blob(self):
        import base64
        big = b"x" * (1024 * 1024 + 1)
        self.gh.add_file("acme", "r1", "big.yml", big)
        r = self.c.get("/repos/acme/r1/contents/big.yml")
        self.assertEqual((r.body["encoding"], r.body["content"], r.body["size"]), ("none", "", len(big)))
        b = self.c.get("/repos/acme/r1/git/blobs/" + r.body["sha"])
        self.assertEqual(b.status, 200)
        self.assertEqual(base64.b64decode(b.body["content"]), big)
        self.assertBasicError(self.c.get("/repos/acme/r1/git/blobs/0000"), 404, "Not Found")


# ---------------------------------------------------------------------------------
class TestIssues(FakeCase):

    def test_list_filters_and_pull_requests(self):
        r = self.c.get("/repos/acme/r1/issues")
        self.assertEqual([i["number"] for i in r.body], [2, 1])  # open, newest first
        self.assertIn("pull_request", r.body[0])
        self.assertNotIn("pull_request", r.body[1])
        self.assertEqual([lb["name"] for lb in r.body[0]["labels"]], ["bug", "help wanted"])
        self.assertEqual(list(r.body[0]["labels"][0]), LABEL_KEYS)
        q = lambda s: [i["number"] for i in self.c.get("/repos/acme/r1/issues?" + s).body]  # noqa: E731
        self.assertEqual(q("state=all&labels=help%20wanted"), [3, 2])
        self.assertEqual(q("state=all&labels=HELP+WANTED,bug"), [2])
        self.assertEqual(q("state=closed"), [3])
        self.assertEqual(q("labels=nope"), [])
        self.assertEqual(q("state=all&direction=asc"), [1, 2, 3])

    def test_issue_pagination(self):
        self.gh.add_repo("acme", "busy", labels=["x"],
                         issues=[{"labels": ["x"]} for _ in range(7)])
        rid = self.gh.repo_info("acme", "busy")["id"]
        r = self.c.get("/repos/acme/busy/issues?labels=x&per_page=3")
        self.assertEqual(r.links()["next"], "%s/repositories/%d/issues?labels=x&per_page=3&page=2"
                         % (self.gh.api_url, rid))
        nums = [i["number"] for i in r.body]
        while "next" in r.links():
            r = self.c.url(r.links()["next"])
            nums += [i["number"] for i in r.body]
        self.assertEqual(nums, list(range(7, 0, -1)))

    def test_add_labels_to_issue(self):
        r = self.c.req("POST", "/repos/acme/r1/issues/1/labels", {"labels": ["HELP WANTED", "new one"]})
        self.assertEqual(r.status, 200)
        self.assertEqual([x["name"] for x in r.body], ["bug", "help wanted", "new one"])
        self.assertEqual(self.gh.label("acme", "r1", "new one")["color"], "ededed")  # auto-created
        self.assertEqual(self.gh.issue_labels("acme", "r1", 1), ["bug", "help wanted", "new one"])
        r = self.c.req("POST", "/repos/acme/r1/issues/2/labels", ["bug"])  # bare array accepted
        self.assertEqual([x["name"] for x in r.body], ["bug", "help wanted"])
        r = self.c.req("POST", "/repos/acme/r1/issues/99/labels", {"labels": ["bug"]})
        self.assertEqual(r.status, 404)
        r = self.c.get("/repos/acme/r1/issues/1/labels")
        self.assertEqual(len(r.body), 3)
        r = self.c.req("DELETE", "/repos/acme/r1/issues/1/labels/new%20one")
        self.assertEqual([x["name"] for x in r.body], ["bug", "help wanted"])
        self.assertBasicError(self.c.req("DELETE", "/repos/acme/r1/issues/1/labels/new%20one"),
                              404, "Label does not exist")

    def test_rename_keeps_and_delete_removes_issue_labels(self):
        self.c.req("PATCH", "/repos/acme/r1/labels/bug", {"new_name": "defect"})
        self.assertEqual(self.gh.issue_labels("acme", "r1", 2), ["defect", "help wanted"])
        r = self.c.get("/repos/acme/r1/issues?labels=defect")
        self.assertEqual([i["number"] for i in r.body], [2, 1])
        self.c.req("DELETE", "/repos/acme/r1/labels/help%20wanted")
        self.assertEqual(self.gh.issue_labels("acme", "r1", 2), ["defect"])
        self.assertEqual(self.gh.issue_labels("acme", "r1", 3), [])


# ---------------------------------------------------------------------------------
class TestRepos(FakeCase):

    def setUp(self):
        super().setUp()
        self.gh.add_repo("acme", "Zeta", topics=["python"])
        self.gh.add_repo("acme", "alpha", fork=True)
        self.gh.add_repo("acme", "secret", private=True)
        self.gh.add_user("someone")
        self.gh.add_repo("someone", "pub")
        self.gh.add_repo("someone", "priv", private=True)

    def names(self, path, **kw):
        r = self.c.get(path, **kw)
        self.assertEqual(r.status, 200, r)
        return [x["name"] for x in r.body]

    def test_org_repos(self):
        self.assertEqual(self.names("/orgs/acme/repos"), ["secret", "alpha", "Zeta", "r1"])  # created desc
        self.assertEqual(self.names("/orgs/acme/repos?sort=full_name"), ["alpha", "r1", "secret", "Zeta"])
        self.assertEqual(self.names("/orgs/acme/repos?sort=full_name&direction=desc"),
                         ["Zeta", "secret", "r1", "alpha"])
        self.assertEqual(self.names("/orgs/acme/repos?type=forks"), ["alpha"])
        self.assertEqual(self.names("/orgs/acme/repos?type=sources&sort=full_name"), ["r1", "secret", "Zeta"])
        self.assertEqual(self.names("/orgs/acme/repos?type=private"), ["secret"])
        self.assertEqual(self.names("/orgs/ACME/repos?type=public&sort=full_name"), ["alpha", "r1", "Zeta"])
        r = self.c.get("/orgs/acme/repos?sort=full_name&per_page=2")
        self.assertEqual(len(r.body), 2)
        self.assertRegex(r.links()["next"], r"/organizations/\d+/repos\?sort=full_name&per_page=2&page=2$")
        self.assertEqual([x["name"] for x in self.c.url(r.links()["next"]).body], ["secret", "Zeta"])

    def test_repo_fields(self):
        r = self.c.get("/orgs/acme/repos?sort=full_name").body
        z = r[-1]
        for k in ("id", "node_id", "name", "full_name", "owner", "private", "fork", "archived",
                  "disabled", "topics", "visibility", "permissions", "has_issues", "is_template"):
            self.assertIn(k, z)
        self.assertEqual((z["full_name"], z["topics"], z["owner"]["login"], z["owner"]["type"]),
                         ("acme/Zeta", ["python"], "acme", "Organization"))
        self.assertEqual(r[0]["fork"], True)
        self.assertEqual(z["permissions"]["push"], True)
        r = self.c.get("/repos/ACME/zeta")
        self.assertEqual((r.status, r.body["name"]), (200, "Zeta"))
        self.assertBasicError(self.c.get("/repos/acme/nope"), 404, "Not Found")

    def test_user_owner(self):
        self.assertBasicError(self.c.get("/orgs/someone/repos"), 404, "Not Found")
        self.assertBasicError(self.c.get("/orgs/nobody/repos"), 404, "Not Found")
        self.assertEqual(self.names("/users/someone/repos"), ["pub"])  # public only
        self.assertEqual(self.c.get("/users/nobody/repos").status, 404)
        self.assertEqual(self.c.get("/repos/someone/priv").status, 200)
        mine = self.names("/user/repos")
        self.assertIn("secret", mine)
        self.assertIn("priv", mine)
        self.assertEqual(self.c.get("/user/repos?type=owner&visibility=all").status, 422)

    def test_anonymous_reads(self):
        anon = Client(self.gh, token=None)
        self.addCleanup(anon.close)
        self.assertEqual(self.names("/orgs/acme/repos?sort=full_name", headers={"Authorization": None}),
                         ["alpha", "r1", "Zeta"])
        r = anon.get("/repos/acme/r1")
        self.assertEqual(r.status, 200)
        self.assertNotIn("permissions", r.body)
        self.assertBasicError(anon.get("/repos/acme/secret"), 404, "Not Found")
        self.assertBasicError(anon.get("/repos/acme/secret/labels"), 404, "Not Found")
        self.assertBasicError(anon.req("POST", "/repos/acme/r1/labels", {"name": "x"}),
                              401, "Requires authentication")
        self.assertEqual(anon.req("POST", "/repos/acme/secret/labels", {"name": "x"}).status, 404)
        self.assertEqual(anon.get("/user/repos").status, 401)
        self.assertEqual(anon.get("/repos/acme/r1").headers["x-ratelimit-limit"], "60")

    def test_renamed_repo_redirects(self):
        self.gh.rename_repo("acme", "r1", "r2")
        r = self.c.get("/repos/acme/r1/labels?per_page=5")
        rid = self.gh.repo_info("acme", "r2")["id"]
        self.assertEqual(r.status, 301)
        self.assertEqual(r.headers["location"],
                         "%s/repositories/%d/labels?per_page=5" % (self.gh.api_url, rid))
        self.assertEqual(len(self.c.url(r.headers["location"]).body), 2)
        self.assertEqual(self.c.req("POST", "/repos/acme/r1/labels", {"name": "x"}).status, 307)


# ---------------------------------------------------------------------------------
class TestAuthAndHeaders(FakeCase):

    def test_bad_credentials(self):
        for c in (Client(self.gh, token="wrong"), Client(self.gh, scheme="Basic", token="eDp3cm9uZw==")):
            r = c.get("/repos/acme/r1/labels")
            self.assertBasicError(r, 401, "Bad credentials")
            c.close()

    def test_token_schemes(self):
        import base64
        basic = base64.b64encode(("user:" + TOKEN).encode()).decode()
        for scheme, tok in (("token", TOKEN), ("Bearer", TOKEN), ("Basic", basic)):
            c = Client(self.gh, token=tok, scheme=scheme)
            self.assertEqual(c.get("/repos/acme/r1/labels").status, 200, scheme)
            c.close()

    def test_missing_user_agent(self):
        c = Client(self.gh, ua=None)
        self.addCleanup(c.close)
        c.conn.putrequest("GET", "/repos/acme/r1/labels", skip_accept_encoding=True)
        c.conn.putheader("Authorization", "Bearer " + TOKEN)
        c.conn.endheaders()
        r = Resp(c.conn.getresponse())
        self.assertEqual(r.status, 403)
        self.assertIn(b"User-Agent", r.raw)
        self.assertNotIn("x-ratelimit-remaining", r.headers)

    def test_api_headers_recorded_and_checked(self):
        self.c.get("/repos/acme/r1/labels")
        self.c.get("/repos/acme/r1/labels", headers={"X-GitHub-Api-Version": None})
        q = self.gh.requests
        self.assertEqual(q[0].headers["accept"], "application/vnd.github+json")
        self.assertEqual(q[0].headers["x-github-api-version"], "2022-11-28")
        self.assertEqual(self.gh.missing_api_headers(), [q[1]])
        r = self.c.get("/repos/acme/r1/labels", headers={"X-GitHub-Api-Version": "v3"})
        self.assertEqual(r.status, 400)
        self.assertIn('"v3", is not a supported version', r.body["message"])
        self.gh.require_api_headers = True
        self.assertEqual(self.c.get("/repos/acme/r1", headers={"Accept": None}).status, 400)

    def test_request_log(self):
        self.c.req("PATCH", "/repos/acme/r1/labels/help%20wanted?x=1", {"color": "000000"})
        self.c.get("/repos/acme/r1/labels?per_page=100")
        q = self.gh.requests
        self.assertEqual((q[0].method, q[0].path, q[0].query, q[0].body, q[0].status),
                         ("PATCH", "/repos/acme/r1/labels/help%20wanted", "x=1", {"color": "000000"}, 200))
        self.assertEqual(q[0].headers["authorization"], "Bearer " + TOKEN)
        self.assertEqual((q[1].query, q[1].body), ("per_page=100", None))
        self.assertEqual(self.gh.writes(), [q[0]])
        self.gh.clear_requests()
        self.assertEqual(self.gh.requests, [])

    def test_keep_alive_and_gzip(self):
        for _ in range(5):
            self.assertEqual(self.c.get("/repos/acme/r1/labels").status, 200)
        self.assertEqual(len(self.gh._conns), 1)  # one connection served all
        r = self.c.get("/repos/acme/r1/labels", headers={"Accept-Encoding": "gzip"})
        self.assertEqual(r.headers["content-encoding"], "gzip")
        self.assertEqual(r.body[0]["name"], "bug")  # Resp decompressed it

    def test_urllib_smoke(self):
        rq = urllib.request.Request(self.gh.api_url + "/repos/acme/r1/labels/bug",
                                    headers={"User-Agent": "x", "Authorization": "token " + TOKEN})
        with urllib.request.urlopen(rq, timeout=5) as f:
            self.assertEqual(json.load(f)["name"], "bug")
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(urllib.request.Request(
                self.gh.api_url + "/repos/acme/r1/labels/nope", headers={"User-Agent": "x"}), timeout=5)
        self.assertEqual(cm.exception.code, 404)


# ---------------------------------------------------------------------------------
class TestRateLimitAndETag(FakeCase):

    def remaining(self, r):
        return int(r.headers["x-ratelimit-remaining"])

    def test_costs_and_rate_limit_endpoint(self):
        a = self.remaining(self.c.get("/repos/acme/r1/labels"))
        b = self.remaining(self.c.get("/repos/acme/r1/labels/nope"))  # a 404 costs too
        self.assertEqual((a, b), (4999, 4998))
        r = self.c.get("/rate_limit")
        self.assertEqual(self.remaining(r), 4998)  # free
        core = r.body["resources"]["core"]
        self.assertEqual((core["limit"], core["remaining"], core["used"]), (5000, 4998, 2))
        self.assertEqual(r.body["rate"], core)
        self.assertIn("search", r.body["resources"])
        self.assertGreater(int(r.headers["x-ratelimit-reset"]), time.time())
        self.assertEqual(r.headers["x-ratelimit-used"], "2")
        r = self.c.get("/rate_limit", headers={"X-GitHub-Api-Version": "2026-03-10"})
        self.assertNotIn("rate", r.body)

    def test_exhaustion(self):
        self.gh.set_rate_limit(remaining=1)
        self.assertEqual(self.c.get("/repos/acme/r1/labels").status, 200)
        r = self.c.get("/repos/acme/r1/labels")
        self.assertEqual(r.status, 403)
        self.assertEqual(r.headers["x-ratelimit-remaining"], "0")
        self.assertTrue(r.body["message"].startswith("API rate limit exceeded for "))
        self.assertEqual(self.c.req("POST", "/repos/acme/r1/labels", {"name": "x"}).status, 403)
        self.assertEqual(self.c.get("/rate_limit").status, 200)
        self.gh.rate_limit_status = 429
        self.assertEqual(self.c.get("/repos/acme/r1").status, 429)
        self.gh.set_rate_limit(reset_in=0)  # window over: refilled
        r = self.c.get("/repos/acme/r1/labels")
        self.assertEqual((r.status, self.remaining(r)), (200, 4999))

    def test_etag_and_304(self):
        r1 = self.c.get("/repos/acme/r1/labels")
        etag = r1.headers["etag"]
        r2 = self.c.get("/repos/acme/r1/labels", headers={"If-None-Match": etag})
        self.assertEqual((r2.status, r2.raw), (304, b""))
        self.assertEqual(r2.headers["etag"], etag)
        self.assertEqual(self.remaining(r2), self.remaining(r1))  # 304 is free
        self.assertEqual(self.c.get("/repos/acme/r1/labels",
                                    headers={"If-None-Match": "W/" + etag}).status, 304)
        self.c.req("PATCH", "/repos/acme/r1/labels/bug", {"color": "000000"})
        r3 = self.c.get("/repos/acme/r1/labels", headers={"If-None-Match": etag})
        self.assertEqual(r3.status, 200)
        self.assertNotEqual(r3.headers["etag"], etag)
        # an anonymous 304 costs one
        anon = Client(self.gh, token=None)
        self.addCleanup(anon.close)
        e = anon.get("/repos/acme/r1/labels").headers["etag"]
        r = anon.get("/repos/acme/r1/labels", headers={"If-None-Match": e})
        self.assertEqual((r.status, r.headers["x-ratelimit-remaining"]), (304, "58"))


# ---------------------------------------------------------------------------------
class TestGHES(FakeCase):
    ghes = True

    def test_paths_and_urls(self):
        self.assertEqual(self.gh.api_url, self.gh.url + "/api/v3")
        r = self.c.get("/repos/acme/r1/labels")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body[0]["url"], self.gh.url + "/api/v3/repos/acme/r1/labels/bug")
        self.assertEqual(r.headers["x-github-enterprise-version"], "3.19.0")
        r = self.c.get("/repos/acme/r1/labels", prefix="")  # the web UI, not the API
        self.assertEqual(r.status, 404)
        self.assertTrue(r.headers["content-type"].startswith("text/html"))
        self.gh.add_repo("acme", "many", labels=["l%d" % i for i in range(40)])
        link = self.c.get("/repos/acme/many/labels").links()["next"]
        self.assertTrue(link.startswith(self.gh.url + "/api/v3/repositories/"))
        self.assertEqual(len(self.c.url(link).body), 10)

    def test_rate_limiting_off(self):
        r = self.c.get("/rate_limit")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.body["message"], "Rate limiting is not enabled.")
        self.assertIn("documentation_url", r.body)
        r = self.c.get("/repos/acme/r1/labels")
        self.assertFalse([h for h in r.headers if h.startswith("x-ratelimit")])

    def test_meta_and_graphql_and_versions(self):
        r = self.c.get("/meta")
        self.assertEqual(r.body["installed_version"], "3.19.0")
        r = self.c.req("POST", "/api/graphql", {"query": "{viewer{login}}"}, prefix="")
        self.assertEqual(r.status, 404)
        self.assertIn("GraphQL", r.body["message"])
        self.assertEqual(self.gh.requests[-1].path, "/api/graphql")
        anon = Client(self.gh, token=None)
        self.addCleanup(anon.close)
        self.assertEqual(anon.req("POST", "/api/graphql", {"query": "{}"}, prefix="").status, 401)
        r = self.c.get("/repos/acme/r1", headers={"X-GitHub-Api-Version": "2026-03-10"})
        self.assertEqual(r.status, 400)

    def test_dotcom_meta_has_no_installed_version(self):
        with FakeGitHub(token=TOKEN) as gh:
            c = Client(gh)
            self.assertNotIn("installed_version", c.get("/meta").body)
            self.assertEqual(c.get("/repos/x/y", headers={"X-GitHub-Api-Version": "2026-03-10"}).status, 404)
            c.close()


# ---------------------------------------------------------------------------------
class TestFaults(FakeCase):

    def test_nth_request_fails(self):
        f = self.gh.add_fault(method="GET", path=r"/labels$", nth=2, status=502,
                              body="<html>bad gateway</html>", decorate=False)
        s = [self.c.get("/repos/acme/r1/labels").status for _ in range(3)]
        self.assertEqual(s, [200, 502, 200])
        self.assertEqual((f.seen, f.fired), (3, 1))
        self.assertIs(self.gh.requests[1].fault, f)
        self.assertEqual(self.gh.requests[1].status, 502)

    def test_secondary_limit_fault_has_github_headers(self):
        self.gh.add_fault(method="POST", status=403, body=SECONDARY_RATE_LIMIT_BODY,
                          headers={"Retry-After": "1"}, times=2)
        r = self.c.req("POST", "/repos/acme/r1/labels", {"name": "x"})
        self.assertEqual((r.status, r.headers["retry-after"]), (403, "1"))
        self.assertIn("secondary rate limit", r.body["message"])
        self.assertIn("x-ratelimit-remaining", r.headers)
        self.assertEqual(self.c.req("POST", "/repos/acme/r1/labels", {"name": "x"}).status, 403)
        self.assertEqual(self.c.req("POST", "/repos/acme/r1/labels", {"name": "x"}).status, 201)

    def test_after_fault_loses_the_response_not_the_write(self):
        self.gh.add_fault(method="POST", when="after", status=500, body={"message": "Server Error"})
        r = self.c.req("POST", "/repos/acme/r1/labels", {"name": "x"})
        self.assertEqual(r.status, 500)
        self.assertIsNotNone(self.gh.label("acme", "r1", "x"))  # it was created

    def test_drop_connection(self):
        self.gh.add_fault(path="/labels/bug$", drop=True)
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            self.c.get("/repos/acme/r1/labels/bug")
        self.assertEqual(self.gh.requests[-1].status, 0)
        c = Client(self.gh)
        self.assertEqual(c.get("/repos/acme/r1/labels/bug").status, 200)
        c.close()

    def test_concurrency_is_measurable(self):
        import threading
        barrier = threading.Barrier(3)
        self.gh.hook = lambda req: (barrier.wait(5), None)[1]  # all 3 in flight at once
        clients = [Client(self.gh) for _ in range(3)]
        for c in clients:
            self.addCleanup(c.close)
        ts = [threading.Thread(target=c.get, args=("/repos/acme/r1",)) for c in clients]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.gh.hook = None
        self.assertEqual(self.gh.max_in_flight(self.gh.requests), 3)
        self.gh.clear_requests()
        for _ in range(2):
            self.c.req("POST", "/repos/acme/r1/issues/1/labels", {"labels": ["bug"]})
        self.assertEqual(self.gh.max_in_flight(self.gh.writes()), 1)

    def test_latency_and_hook(self):
        self.gh.add_fault(path="/issues", delay=0.2, times=None)
        t = time.monotonic()
        self.assertEqual(self.c.get("/repos/acme/r1/issues").status, 200)
        self.assertGreaterEqual(time.monotonic() - t, 0.2)
        self.gh.latency = 0.1
        t = time.monotonic()
        self.c.get("/repos/acme/r1")
        self.assertGreaterEqual(time.monotonic() - t, 0.1)
        self.gh.latency = 0
        from fakeforge import Response
        self.gh.hook = lambda req: Response(418, {"message": "teapot"}) if req.method == "DELETE" else None
        self.assertEqual(self.c.req("DELETE", "/repos/acme/r1/labels/bug").status, 418)
        self.assertIsNotNone(self.gh.label("acme", "r1", "bug"))


# ---------------------------------------------------------------------------------
def recorded(name):
    path = os.path.join(RECORDED_DIR, name)
    if not os.path.exists(path):
        raise unittest.SkipTest("recorded responses not found (%s)" % RECORDED_DIR)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# Recorded headers the fake deliberately doesn't send (transport/CDN details).
IGNORED_HEADERS = {"connection", "date", "strict-transport-security", "last-modified"}


class TestRecordedReplay(unittest.TestCase):
    """Replay shared/specs/github-recorded/*.json against the fake."""

    maxDiff = None

    def setUp(self):
        self.gh = FakeGitHub(token=TOKEN)
        self.gh.start()
        self.addCleanup(self.gh.stop)
        self.c = Client(self.gh)
        self.addCleanup(self.c.close)

    def norm(self, obj):
        """Recorded bodies with api.github.com replaced by the fake's URL, ids dropped."""
        if isinstance(obj, list):
            return [self.norm(x) for x in obj]
        if isinstance(obj, dict):
            return {k: self.norm(v) for k, v in obj.items() if k not in ("id", "node_id")}
        if isinstance(obj, str):
            return obj.replace("https://api.github.com", self.gh.api_url)
        return obj

    def replay(self, ex, skip_body_keys=()):
        r = self.c.req(ex["method"].upper(), ex["path"], ex["body"] if ex["body"] != "" else None)
        self.assertEqual(r.status, ex["status"], (ex["method"], ex["path"], r))
        missing = set(ex["headers"]) - set(r.headers) - IGNORED_HEADERS
        self.assertEqual(missing, set(), ex["path"])
        if ex["response"] != "":
            got, want = self.norm(r.body), self.norm(ex["response"])
            if isinstance(want, dict):
                for k in skip_body_keys:
                    got.pop(k, None)
                    want.pop(k, None)
            self.assertEqual(got, want, ex["path"])
        return r

    def test_labels_json(self):
        ex = recorded("labels.json")
        seed = ex[0]["response"]
        self.gh.add_repo("octokit-fixture-org", "labels", labels=[
            {k: x[k] for k in ("name", "color", "description", "default")} for x in seed])
        for e in ex:
            r = self.replay(e)
            if isinstance(r.body, list):
                self.assertEqual([list(x) for x in r.body], [list(x) for x in e["response"]])
            elif r.body:
                self.assertEqual(list(r.body), list(e["response"]))

    def test_errors_json(self):
        self.gh.add_repo("octokit-fixture-org", "errors")
        for e in recorded("errors.json"):
            self.replay(e, skip_body_keys=("documentation_url",))  # docs moved since 2017

    def test_add_labels_to_issue_json(self):
        ex = recorded("add-labels-to-issue.json")
        self.gh.add_repo("octokit-fixture-org", "add-labels-to-issue", issues=[{"number": 1}])
        for e in ex:
            if e["path"].endswith("/issues"):
                continue  # creating issues is not part of the fake
            self.replay(e)

    def test_paginate_issues_json(self):
        ex = recorded("paginate-issues.json")
        self.gh.add_repo("octokit-fixture-org", "paginate-issues",
                         issues=[{"number": n} for n in range(1, 14)])
        rid = self.gh.repo_info("octokit-fixture-org", "paginate-issues")["id"]
        r = self.c.get(ex[0]["path"])
        for e in ex:
            want = e["headers"]["link"].replace("https://api.github.com", self.gh.api_url) \
                                       .replace("/repositories/1000/", "/repositories/%d/" % rid)
            self.assertEqual(r.headers["link"], want)
            self.assertEqual([i["number"] for i in r.body], [i["number"] for i in e["response"]])
            self.assertEqual(set(r.body[0]) - {"draft"} >= set(e["response"][0]) - {"reactions",
                             "timeline_url", "performed_via_github_app"}, True)
            if "next" in r.links():
                r = self.c.url(r.links()["next"])


# ---------------------------------------------------------------------------------
class TestCommandLine(unittest.TestCase):

    def test_cli_serves_state_and_dumps_on_sigterm(self):
        d = tempfile.mkdtemp(prefix="fakegh-")
        state = {"users": ["solo"], "repos": [
            {"owner": "acme", "name": "r1", "labels": [{"name": "bug", "color": "d73a4a"}],
             "issues": [{"number": 1, "labels": ["bug"]}]},
            {"owner": "solo", "name": "mine", "archived": True}]}
        paths = {k: os.path.join(d, k + ".json") for k in ("state", "dump", "log")}
        with open(paths["state"], "w") as f:
            json.dump(state, f)
        port_file = os.path.join(d, "port")
        p = subprocess.Popen([sys.executable, os.path.join(HERE, "fake_github.py"),
                              "--state", paths["state"], "--token", "T", "--port-file", port_file,
                              "--dump", paths["dump"], "--log", paths["log"]],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            for _ in range(100):
                if os.path.exists(port_file):
                    break
                time.sleep(0.05)
            with open(port_file) as f:
                port = int(f.read())
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            hdr = {"User-Agent": "t", "Authorization": "token T"}
            conn.request("POST", "/repos/acme/r1/labels", body=b'{"name":"new"}', headers=hdr)
            self.assertEqual(conn.getresponse().read() and 201, 201)
            conn.request("GET", "/users/solo/repos", headers=hdr)
            self.assertEqual(json.loads(conn.getresponse().read())[0]["archived"], True)
            conn.close()
        finally:
            p.send_signal(signal.SIGTERM)
            out, err = p.communicate(timeout=10)
        self.assertEqual(p.returncode, 0, err)
        self.assertEqual(out.decode().strip(), "http://127.0.0.1:%d" % port)
        with open(paths["dump"]) as f:
            dump = json.load(f)
        r1 = [r for r in dump["repos"] if r["name"] == "r1"][0]
        self.assertEqual([x["name"] for x in r1["labels"]], ["bug", "new"])
        self.assertEqual(r1["issues"][0]["labels"], ["bug"])
        with open(paths["log"]) as f:
            log = json.load(f)
        self.assertEqual([(x["method"], x["status"]) for x in log], [("POST", 201), ("GET", 200)])
        # a dump loads back as a state
        gh = FakeGitHub(token="T")
        gh.load_state(dump)
        self.assertEqual([x["name"] for x in gh.labels("acme", "r1")], ["bug", "new"])
        import shutil
        shutil.rmtree(d)


# ---------------------------------------------------------------------------------
LABELS_Q = ("query($o0:String!,$n0:String!,$o1:String!,$n1:String!){"
            "r0:repository(owner:$o0,name:$n0){labels(first:100){nodes{name color description}"
            "pageInfo{hasNextPage endCursor}}}"
            "r1:repository(owner:$o1,name:$n1){labels(first:100){nodes{name color description}"
            "pageInfo{hasNextPage endCursor}}}}")


class TestGraphQL(unittest.TestCase):
    """FakeGitHub(graphql=True): the label-reading subset, GitHub's rules (CONTRACTS 1.6,
    trap 16): errors in HTTP 200, pagination bounds, node limit, cost on its own budget."""

    ghes = False
    rate_limiting = None
    maxDiff = None

    def setUp(self):
        self.gh = FakeGitHub(token=TOKEN, ghes=self.ghes, graphql=True,
                             rate_limiting=self.rate_limiting)
        self.gh.start()
        self.addCleanup(self.gh.stop)
        self.gh.add_repo("acme", "r1", labels=[
            {"name": "bug", "color": "d73a4a", "description": "Something isn't working"},
            {"name": "help wanted", "color": "008672", "description": None}],
            issues=[{"number": 1, "labels": ["bug"]},
                    {"number": 2, "labels": ["bug", "help wanted"], "pull": True},
                    {"number": 3, "labels": ["help wanted"], "state": "closed"}])
        self.gh.add_repo("acme", "many", labels=["l%03d" % i for i in range(130)])
        self.c = Client(self.gh)
        self.addCleanup(self.c.close)
        self.path = "/api/graphql" if self.ghes else "/graphql"

    def gql(self, query, variables=None, client=None):
        body = {"query": query}
        if variables is not None:
            body["variables"] = variables
        return (client or self.c).req("POST", self.path, body, prefix="")

    def test_labels_of_two_repos_with_aliases_and_variables(self):
        r = self.gql(LABELS_Q, {"o0": "acme", "n0": "r1", "o1": "ACME", "n1": "many"})
        self.assertEqual(r.status, 200, r)
        self.assertNotIn("errors", r.body)
        r1 = r.body["data"]["r0"]["labels"]
        self.assertEqual(r1["nodes"], [
            {"name": "bug", "color": "d73a4a", "description": "Something isn't working"},
            {"name": "help wanted", "color": "008672", "description": None}])
        self.assertEqual(r1["pageInfo"]["hasNextPage"], False)
        many = r.body["data"]["r1"]["labels"]
        self.assertEqual(len(many["nodes"]), 100)
        self.assertTrue(many["pageInfo"]["hasNextPage"])
        # the next page, after the cursor
        q = ("query($o:String!,$n:String!,$a:String!){r0:repository(owner:$o,name:$n){"
             "labels(first:100,after:$a){nodes{name} pageInfo{hasNextPage endCursor}}}}")
        r = self.gql(q, {"o": "acme", "n": "many", "a": many["pageInfo"]["endCursor"]})
        nodes = r.body["data"]["r0"]["labels"]["nodes"]
        self.assertEqual([n["name"] for n in nodes], ["l%03d" % i for i in range(100, 130)])
        self.assertFalse(r.body["data"]["r0"]["labels"]["pageInfo"]["hasNextPage"])

    def test_counts_ids_and_other_fields(self):
        q = ('{ repository(owner: "acme", name: "r1") { nameWithOwner isArchived '
             'labels(first: 10, orderBy: {field: NAME, direction: DESC}) { totalCount '
             'edges { cursor node { id name isDefault issues { totalCount } '
             'open: issues(states: [OPEN]) { totalCount } pullRequests { totalCount } } } } } '
             'rateLimit { cost remaining limit nodeCount } }')
        r = self.gql(q)
        self.assertNotIn("errors", r.body, r)
        repo = r.body["data"]["repository"]
        self.assertEqual((repo["nameWithOwner"], repo["isArchived"]), ("acme/r1", False))
        labels = repo["labels"]
        self.assertEqual(labels["totalCount"], 2)
        nodes = [e["node"] for e in labels["edges"]]
        self.assertEqual([n["name"] for n in nodes], ["help wanted", "bug"])
        hw, bug = nodes
        self.assertEqual((bug["issues"]["totalCount"], bug["open"]["totalCount"],
                          bug["pullRequests"]["totalCount"]), (1, 1, 1))
        self.assertEqual((hw["issues"]["totalCount"], hw["open"]["totalCount"],
                          hw["pullRequests"]["totalCount"]), (1, 0, 1))
        self.assertTrue(bug["id"].startswith("LA_"))
        # labels 1 + per label (10) x 3 count connections: 31 requests -> 0.31 -> min 1
        self.assertEqual(r.body["data"]["rateLimit"]["cost"], 1)
        self.assertEqual(r.body["data"]["rateLimit"]["nodeCount"], 10)

    def test_cost_and_its_own_budget(self):
        core_before = self.gh.rate_limit_state()["remaining"]
        r = self.gql(LABELS_Q, {"o0": "acme", "n0": "r1", "o1": "acme", "n1": "many"})
        self.assertEqual(r.headers["x-ratelimit-resource"], "graphql")
        self.assertEqual(r.headers["x-ratelimit-remaining"], "4999")
        self.assertEqual(self.gh.rate_limit_state(resource="graphql")["used"], 1)
        self.assertEqual(self.gh.rate_limit_state()["remaining"], core_before)  # REST untouched
        # 100 repos x (labels + 100 x (issues + pullRequests)) = 20,100 requests -> 201 points
        aliases = "".join(
            'r%d: repository(owner: "acme", name: "r1") { labels(first: 100) { nodes { name '
            'issues { totalCount } pullRequests { totalCount } } } } ' % i for i in range(100))
        r = self.gql("{ %s rateLimit { cost } }" % aliases)
        self.assertEqual(r.body["data"]["rateLimit"]["cost"], 201)
        self.assertEqual(self.gh.rate_limit_state(resource="graphql")["used"], 202)
        # without the counts the same read is 1 point
        aliases = "".join('r%d: repository(owner: "acme", name: "r1") { labels(first: 100) '
                          '{ nodes { name } } } ' % i for i in range(149))
        r = self.gql("{ %s rateLimit { cost } }" % aliases)
        self.assertEqual(r.body["data"]["rateLimit"]["cost"], 1)  # 149 / 100 rounds to 1
        r = self.c.get("/rate_limit")
        self.assertEqual(r.body["resources"]["graphql"]["used"], 203)

    def test_rate_limited_is_http_200(self):
        self.gh.set_rate_limit(remaining=0, resource="graphql")
        r = self.gql(LABELS_Q, {"o0": "acme", "n0": "r1", "o1": "acme", "n1": "many"})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body["errors"][0]["type"], "RATE_LIMITED")
        self.assertNotIn("data", r.body)
        self.assertEqual(r.headers["x-ratelimit-remaining"], "0")
        # REST still works: a separate budget
        self.assertEqual(self.c.get("/repos/acme/r1/labels").status, 200)

    def test_not_found_fails_only_its_alias(self):
        r = self.gql(LABELS_Q, {"o0": "acme", "n0": "nope", "o1": "acme", "n1": "r1"})
        self.assertEqual(r.status, 200)
        self.assertIsNone(r.body["data"]["r0"])
        self.assertEqual(len(r.body["data"]["r1"]["labels"]["nodes"]), 2)
        (e,) = r.body["errors"]
        self.assertEqual((e["type"], e["path"]), ("NOT_FOUND", ["r0"]))
        self.assertEqual(e["message"], "Could not resolve to a Repository with the name 'acme/nope'.")
        self.assertEqual(e["locations"][0]["line"], 1)

    def test_validation_and_pagination_errors(self):
        def first_error(q, v=None):
            r = self.gql(q, v)
            self.assertEqual(r.status, 200, r)
            return r.body["errors"][0]

        e = first_error('{ repository(owner: "acme", name: "r1") { labels(first: 5) { nodes { nam } } } }')
        self.assertEqual(e["message"], "Field 'nam' doesn't exist on type 'Label'")
        self.assertEqual(e["extensions"]["code"], "undefinedField")
        e = first_error('{ repository(owner: "acme", name: "r1") { labels { nodes { name } } } }')
        self.assertEqual(e["type"], "MISSING_PAGINATION_BOUNDARIES")
        e = first_error('{ repository(owner: "acme", name: "r1") { labels(first: 101) { nodes { name } } } }')
        self.assertEqual(e["type"], "EXCESSIVE_PAGINATION")
        e = first_error("query($o:String!){ repository(owner: $o, name: $n) { name } }", {"o": "acme"})
        self.assertEqual(e["extensions"]["code"], "variableNotDefined")
        e = first_error("query($o:String!){ repository(owner: $o, name: \"r1\") { name } }", {})
        self.assertEqual(e["extensions"]["code"], "variableMismatch")
        e = first_error('{ repository(owner: "acme") { name } }')
        self.assertEqual(e["extensions"]["code"], "missingRequiredArguments")
        e = first_error("{ repository(owner: \"acme\", name: \"r1\") { labels(first: 1) }")
        self.assertTrue(e["message"].startswith("Parse error"), e)
        e = first_error('{ repository(owner: "acme", name: "r1") { labels(first: 1, after: "bogus") '
                        '{ nodes { name } } } }')
        self.assertEqual(e["type"], "INVALID_CURSOR_ARGUMENTS")
        e = first_error("mutation { x }")
        self.assertIn("only queries", e["message"])
        # a query asking for more than 500,000 nodes
        deep = "".join('r%d: repository(owner: "acme", name: "r1") { labels(first: 100) { nodes { '
                       'issues(first: 100) { totalCount } } } } ' % i for i in range(51))
        e = first_error("{ %s }" % deep)
        self.assertEqual(e["type"], "MAX_NODE_LIMIT_EXCEEDED")
        r = self.c.req("POST", self.path, raw=b"{not json", prefix="",
                       headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 400)
        r = self.c.req("POST", self.path, {"variables": {}}, prefix="")
        self.assertEqual(r.body["errors"][0]["message"],
                         "A query attribute must be specified and must be a string.")

    def test_strings_escapes_and_comments(self):
        self.gh.add_repo("acme", 'we"ird', labels=[{"name": "caf\u00e9 \U0001F41B", "color": "00ff00"}])
        q = ('# a comment\nquery Named {\n  repository(owner: "acme", name: "we\\"ird") '
             '{ labels(first: 1) { nodes { name } } }\n}')
        r = self.gql(q)
        self.assertNotIn("errors", r.body, r)
        self.assertEqual(r.body["data"]["repository"]["labels"]["nodes"][0]["name"],
                         "caf\u00e9 \U0001F41B")

    def test_auth_off_and_writes(self):
        anon = Client(self.gh, token=None)
        self.addCleanup(anon.close)
        self.assertEqual(self.gql(LABELS_Q, {}, client=anon).status, 401)
        # a query is not a write; the log knows it went to GraphQL
        self.gql(LABELS_Q, {"o0": "acme", "n0": "r1", "o1": "acme", "n1": "many"})
        self.assertEqual(self.gh.writes(), [])
        self.assertTrue(self.gh.graphql_requests())
        self.assertTrue(all(self.gh.is_graphql(q) for q in self.gh.graphql_requests()))
        with FakeGitHub(token=TOKEN, ghes=self.ghes) as off:
            c = Client(off)
            r = c.req("POST", self.path, {"query": LABELS_Q}, prefix="")
            self.assertEqual(r.status, 404)
            c.close()


class TestGraphQLGHES(TestGraphQL):
    """The same at /api/graphql, with rate limiting turned on (off by default there)."""
    ghes = True
    rate_limiting = True


# ---------------------------------------------------------------------------------
class TestConnections(FakeCase):
    """fakeforge's connection knobs: counted, tagged, idle ones closed,
    recycled after so many answers (politely or not)."""

    def test_counted_and_tagged(self):
        self.c.get("/repos/acme/r1/labels")
        self.c.get("/repos/acme/r1/labels")
        other = Client(self.gh)
        self.addCleanup(other.close)
        other.get("/repos/acme/r1/labels")
        self.assertEqual(self.gh.connections, 2)
        self.assertEqual([r.conn for r in self.gh.requests], [1, 1, 2])

    def test_idle_connection_closed(self):
        self.gh.idle_timeout = 0.1
        self.c.get("/repos/acme/r1/labels")
        time.sleep(0.4)
        # the server closed it: the client's next request finds out
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            self.c.get("/repos/acme/r1/labels")

    def test_recycled_politely(self):
        self.gh.conn_max_requests = 2
        self.assertNotEqual(self.c.get("/repos/acme/r1/labels").headers.get("connection"), "close")
        self.assertEqual(self.c.get("/repos/acme/r1/labels").headers.get("connection"), "close")
        self.c.get("/repos/acme/r1/labels")  # http.client opens a new one
        self.assertEqual([r.conn for r in self.gh.requests], [1, 1, 2])

    def test_recycled_silently(self):
        self.gh.conn_max_requests = 1
        self.gh.conn_close_header = False
        r = self.c.get("/repos/acme/r1/labels")
        self.assertEqual(r.status, 200)
        self.assertIsNone(r.headers.get("connection"))
        time.sleep(0.1)
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            self.c.get("/repos/acme/r1/labels")


class TestHarness(unittest.TestCase):
    """tests/e2e/harness.py gives each run a clean environment."""

    def test_clean_environment(self):
        sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
        import harness
        d = tempfile.mkdtemp(prefix="harness-")
        fake_bin = os.path.join(d, "epithet")
        with open(fake_bin, "w") as f:
            f.write("#!%s\nimport json, os, sys\n"
                    "print(json.dumps({'env': dict(os.environ), 'args': sys.argv[1:],"
                    " 'stdin': sys.stdin.read()}))\nsys.stderr.write('err\\n')\nsys.exit(3)\n"
                    % sys.executable)
        os.chmod(fake_bin, 0o755)
        old = dict(os.environ)
        os.environ.update({"EPITHET_BIN": fake_bin, "GH_TOKEN": "leak", "GITHUB_TOKEN": "leak",
                           "NO_COLOR": "1", "HTTPS_PROXY": "http://x"})
        try:
            res = harness.run_epithet(["list", "--x"], env={"EPITHET_TOKEN": "t1", "PATH": None},
                                      input="yes\n")
        finally:
            os.environ.clear()
            os.environ.update(old)
        got = res.json()
        env = got["env"]
        self.assertEqual((res.rc, res.err, got["args"], got["stdin"]), (3, "err\n", ["list", "--x"], "yes\n"))
        for k in ("GH_TOKEN", "GITHUB_TOKEN", "NO_COLOR", "HTTPS_PROXY"):
            self.assertNotIn(k, env)
        self.assertEqual(env["EPITHET_TOKEN"], "t1")
        self.assertEqual(env["HOME"], res.home)
        for x in ("CONFIG", "STATE", "CACHE", "DATA"):
            self.assertTrue(env["XDG_%s_HOME" % x].startswith(res.home + os.sep))
            self.assertTrue(os.path.isdir(env["XDG_%s_HOME" % x]))
        import shutil
        shutil.rmtree(d)


if __name__ == "__main__":
    unittest.main(verbosity=1)
