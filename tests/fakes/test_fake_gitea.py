#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Self-tests of fake_gitea: it must answer like Gitea 1.26.3 / Forgejo 11.

Real HTTP on 127.0.0.1 only.  Expectations come from shared/specs/CONTRACTS.md
section 2 (trap numbers: its section 4) and shared/specs/gitea-labels.swagger.json.
Run: python3 tests/fakes/test_fake_gitea.py
"""

import base64
import gzip
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

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from fake_gitea import FakeGitea, FORGEJO_VERSION  # noqa: E402

TOKEN = "gt-0123456789"
LABEL_KEYS = ["id", "name", "exclusive", "is_archived", "color", "description", "url"]
LINK_RE = re.compile(r'<([^>]+)>; rel="(\w+)"')


class Resp:
    def __init__(self, r):
        self.status = r.status
        self.headers = {k.lower(): v for k, v in r.getheaders()}
        self.raw = r.read()
        if self.headers.get("content-encoding") == "gzip":
            self.raw = gzip.decompress(self.raw)
        self.body = None
        if self.raw and "json" in self.headers.get("content-type", ""):
            self.body = json.loads(self.raw)

    def links(self):
        return {rel: url for url, rel in LINK_RE.findall(self.headers.get("link", ""))}

    def __repr__(self):
        return "<%d %r>" % (self.status, self.raw[:300])


class Client:
    """A keep-alive HTTP/1.1 client that sends paths exactly as given."""

    def __init__(self, gt, token=TOKEN, scheme="token"):
        self.gt, self.token, self.scheme = gt, token, scheme
        self.conn = http.client.HTTPConnection("127.0.0.1", gt.port, timeout=5)

    def close(self):
        self.conn.close()

    def req(self, method, path, body=None, headers=None, raw=None, prefix="/api/v1"):
        h = {"Accept": "application/json"}
        if self.token:
            h["Authorization"] = "%s %s" % (self.scheme, self.token)
        h.update(headers or {})
        h = {k: v for k, v in h.items() if v is not None}
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        self.conn.request(method, prefix + path, body=data, headers=h)
        return Resp(self.conn.getresponse())

    def get(self, path, **kw):
        return self.req("GET", path, **kw)


class FakeCase(unittest.TestCase):
    forgejo = False
    maxDiff = None

    def make(self, **kw):
        gt = FakeGitea(token=TOKEN, **kw)
        gt.start()
        self.addCleanup(gt.stop)
        return gt

    def setUp(self):
        self.gt = self.make(forgejo=self.forgejo)
        self.gt.add_repo("acme", "r1", labels=[
            {"name": "bug", "color": "EE0701", "description": "Something is not working"},
            {"name": "priority/high", "color": "#b60205", "exclusive": True},
            {"name": "old", "color": "c0ffee", "archived": True}],
            issues=[{"number": 1, "labels": ["bug"]},
                    {"number": 2, "labels": ["bug", "priority/high"], "pull": True},
                    {"number": 3, "labels": ["old"], "state": "closed"}])
        self.ids = {lb["name"]: lb["id"] for lb in self.gt.labels("acme", "r1")}
        self.c = Client(self.gt)
        self.addCleanup(self.c.close)

    def assertError(self, r, status, message=None):
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.headers["content-type"], "application/json;charset=utf-8")
        self.assertRegex(r.body["url"], r"^http://127\.0\.0\.1:\d+/api/swagger$")
        if message is not None:
            self.assertEqual(r.body["message"], message)


# ---------------------------------------------------------------------------------
class TestContents(FakeCase):
    """contents, raw and git/blobs (read_file): by ref, directories, 404s."""

    def test_contents_raw_blobs(self):
        import base64
        self.gt.add_file("acme", "r1", "labels/common.yml", "labels: []\n")
        self.gt.add_file("acme", "r1", "labels/common.yml", "labels: [x]\n", ref="v2")
        r = self.c.get("/repos/acme/r1/contents/labels/common.yml")
        self.assertEqual((r.status, r.body["type"], r.body["encoding"]), (200, "file", "base64"))
        self.assertEqual(base64.b64decode(r.body["content"]), b"labels: []\n")
        r = self.c.get("/repos/acme/r1/contents/labels/common.yml?ref=v2")
        self.assertEqual(base64.b64decode(r.body["content"]), b"labels: [x]\n")
        self.assertEqual(self.c.get("/repos/acme/r1/raw/labels/common.yml").raw, b"labels: []\n")
        b = self.c.get("/repos/acme/r1/git/blobs/" + r.body["sha"])
        self.assertEqual(base64.b64decode(b.body["content"]), b"labels: [x]\n")
        d = self.c.get("/repos/acme/r1/contents/labels")
        self.assertEqual([(e["type"], e["path"], e["content"]) for e in d.body],
                         [("file", "labels/common.yml", None)])
        self.assertError(self.c.get("/repos/acme/r1/contents/nope.yml"), 404, "not found")
        self.assertError(self.c.get("/repos/acme/r1/contents/labels/common.yml?ref=x"), 404)
        self.assertError(self.c.get("/repos/acme/r1/raw/labels"), 404)
        self.assertError(self.c.get("/repos/acme/r1/git/blobs/0000"), 404)


# ---------------------------------------------------------------------------------
class TestVersionAndAuth(FakeCase):

    def test_version_and_settings(self):
        r = self.c.get("/version")
        self.assertEqual((r.status, r.body), (200, {"version": "1.26.3"}))
        r = self.c.get("/settings/api")
        self.assertEqual(r.body["max_response_items"], 50)
        self.assertEqual(r.body["default_paging_num"], 30)
        self.assertIn("default_max_response_size", r.body)

    def test_forgejo(self):
        fj = self.make(forgejo=True)
        c = Client(fj)
        self.addCleanup(c.close)
        self.assertEqual(c.get("/version").body, {"version": FORGEJO_VERSION})
        self.assertNotIn("default_max_response_size", c.get("/settings/api").body)
        # speaks Gitea 1.22: both label features
        fj.add_repo("o", "r", labels=["x"])
        self.assertEqual(list(c.get("/repos/o/r/labels").body[0]), LABEL_KEYS)
        # "token" is case-sensitive on Forgejo: "Token T" is no auth at all (trap 28)
        cap = Client(fj, scheme="Token")
        self.addCleanup(cap.close)
        self.assertEqual(cap.get("/repos/o/r/labels").status, 200)   # public read, anonymous
        r = cap.req("POST", "/repos/o/r/labels", {"name": "n", "color": "000000"})
        self.assertEqual((r.status, r.body["message"]), (401, "token is required"))
        self.assertEqual(c.req("POST", "/repos/o/r/labels", {"name": "n", "color": "000"}).status, 201)

    def test_gitea_token_schemes(self):
        for scheme in ("token", "Token", "Bearer", "bearer"):
            c = Client(self.gt, scheme=scheme)
            self.addCleanup(c.close)
            r = c.req("POST", "/repos/acme/r1/labels", {"name": scheme, "color": "000000"})
            self.assertEqual(r.status, 201, scheme)
        basic = base64.b64encode(b"someone:" + TOKEN.encode()).decode()
        c = Client(self.gt, token=None)
        self.addCleanup(c.close)
        r = c.req("POST", "/repos/acme/r1/labels", {"name": "b", "color": "000000"},
                  headers={"Authorization": "Basic " + basic})
        self.assertEqual(r.status, 201)

    def test_bad_token_is_401_everywhere(self):
        c = Client(self.gt, token="wrong")
        self.addCleanup(c.close)
        for path in ("/version", "/repos/acme/r1/labels", "/orgs/acme/repos"):
            self.assertError(c.get(path), 401, "user does not exist [uid: 0, name: ]")

    def test_anonymous(self):
        self.gt.add_repo("acme", "secret", private=True)
        c = Client(self.gt, token=None)
        self.addCleanup(c.close)
        r = c.get("/repos/acme/r1")
        self.assertEqual(r.body["permissions"], {"admin": False, "push": False, "pull": True})
        self.assertEqual(c.get("/repos/acme/secret").status, 404)
        self.assertEqual(c.get("/orgs/acme/repos").headers["x-total-count"], "1")
        self.assertError(c.req("DELETE", "/repos/acme/r1/labels/1"), 401, "token is required")
        self.assertError(c.get("/orgs/acme/labels/1"), 401, "token is required")

    def test_outside_the_api(self):
        r = self.c.req("GET", "/acme/r1", prefix="")
        self.assertEqual(r.status, 404)
        self.assertIn("text/plain", r.headers["content-type"])
        self.assertError(self.c.get("/nothing/here"), 404, "not found")


# ---------------------------------------------------------------------------------
class TestLabels(FakeCase):

    def test_list_shape_and_headers(self):
        r = self.c.get("/repos/acme/r1/labels")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers["content-type"], "application/json;charset=utf-8")
        self.assertEqual(r.headers["x-total-count"], "3")
        self.assertNotIn("link", r.headers)   # label lists: no Link (trap 23)
        self.assertEqual([list(x) for x in r.body], [LABEL_KEYS] * 3)
        # name ascending, colour lowercase without '#'
        self.assertEqual([x["name"] for x in r.body], ["bug", "old", "priority/high"])
        bug, old, prio = r.body
        self.assertEqual((bug["color"], bug["exclusive"], bug["is_archived"]), ("ee0701", False, False))
        self.assertEqual(prio["color"], "b60205")
        self.assertTrue(prio["exclusive"])
        self.assertTrue(old["is_archived"])
        self.assertEqual(bug["url"], "%s/api/v1/repos/acme/r1/labels/%d" % (self.gt.url, bug["id"]))
        self.assertIsInstance(bug["id"], int)

    def test_colour_forms(self):
        forms = {"#ABCDEF": "abcdef", "abcdef": "abcdef", "#AbC": "aabbcc", "abc": "aabbcc",
                 "  12aB3c ": "12ab3c"}
        for given, stored in forms.items():
            r = self.c.req("POST", "/repos/acme/r1/labels", {"name": "c", "color": given})
            self.assertEqual((r.status, r.body["color"]), (201, stored), given)
        # NormalizeColor adds '#' to any 3 or 6 characters before checking:
        # "#12345" is reported as "##12345", as Gitea does
        for bad, shown in (("#12345", "##12345"), ("GGGGGG", "#gggggg"), ("red", "#red")):
            r = self.c.req("POST", "/repos/acme/r1/labels", {"name": "c", "color": bad})
            self.assertError(r, 422, "invalid color: " + shown)

    def test_create_validation(self):
        self.assertError(self.c.req("POST", "/repos/acme/r1/labels", {"color": "000000"}),
                         422, "[Name]: Required")
        self.assertError(self.c.req("POST", "/repos/acme/r1/labels", {"name": "x"}),
                         422, "[Color]: Required")
        self.assertEqual(self.c.req("POST", "/repos/acme/r1/labels", raw=b"{nope").status, 422)
        self.assertEqual(self.c.req("POST", "/repos/acme/r1/labels",
                                    {"name": "x", "color": "000", "exclusive": "yes"}).status, 422)

    def test_duplicates_allowed(self):
        a = self.c.req("POST", "/repos/acme/r1/labels", {"name": "bug", "color": "000000"})
        self.assertEqual(a.status, 201)
        self.assertNotEqual(a.body["id"], self.ids["bug"])
        self.assertEqual([x["name"] for x in self.gt.labels("acme", "r1")].count("bug"), 2)

    def test_get_by_id_and_by_name(self):
        r = self.c.get("/repos/acme/r1/labels/%d" % self.ids["bug"])
        self.assertEqual(r.body["name"], "bug")
        r = self.c.get("/repos/acme/r1/labels/priority%2Fhigh")
        self.assertEqual(r.body["id"], self.ids["priority/high"])
        self.assertError(self.c.get("/repos/acme/r1/labels/Bug"), 404, "not found")
        self.assertIn("errors", self.c.get("/repos/acme/r1/labels/999").body)

    def test_patch_by_id_only(self):
        r = self.c.req("PATCH", "/repos/acme/r1/labels/bug", {"color": "000000"})
        self.assertError(r, 404, "not found")
        r = self.c.req("PATCH", "/repos/acme/r1/labels/%d" % self.ids["bug"],
                       {"name": "Bug", "color": "#FFF", "description": "d", "exclusive": True})
        self.assertEqual(r.status, 200)
        self.assertEqual((r.body["name"], r.body["color"], r.body["description"], r.body["exclusive"]),
                         ("Bug", "ffffff", "d", True))
        self.assertEqual(self.gt.issue_labels("acme", "r1", 1), ["Bug"])   # renamed in place

    def test_patch_without_is_archived_unarchives(self):
        lid = self.ids["old"]
        r = self.c.req("PATCH", "/repos/acme/r1/labels/%d" % lid, {"color": "111111", "is_archived": True})
        self.assertTrue(r.body["is_archived"])
        r = self.c.req("PATCH", "/repos/acme/r1/labels/%d" % lid, {"description": "x"})
        self.assertFalse(r.body["is_archived"])   # trap 21
        self.assertFalse(self.gt.label("acme", "r1", "old")["is_archived"])

    def test_delete_quirks(self):
        before = self.gt.labels("acme", "r1")
        for key in ("999999", "bug", "0", "-1"):
            r = self.c.req("DELETE", "/repos/acme/r1/labels/" + key)
            self.assertEqual((r.status, r.raw), (204, b""), key)
        self.assertEqual(self.gt.labels("acme", "r1"), before)   # traps 18, 19
        r = self.c.req("DELETE", "/repos/acme/r1/labels/%d" % self.ids["bug"])
        self.assertEqual(r.status, 204)
        self.assertIsNone(self.gt.label("acme", "r1", "bug"))
        self.assertEqual(self.gt.issue_labels("acme", "r1", 2), ["priority/high"])
        # another repo's label id: 204, nothing deleted
        self.gt.add_repo("acme", "r2", labels=["keep"])
        other = self.gt.label("acme", "r2", "keep")["id"]
        self.assertEqual(self.c.req("DELETE", "/repos/acme/r1/labels/%d" % other).status, 204)
        self.assertIsNotNone(self.gt.label("acme", "r2", "keep"))

    def test_limit_clamp_and_pages(self):
        self.gt.add_repo("acme", "many", labels=["l%03d" % i for i in range(120)])
        r = self.c.get("/repos/acme/many/labels")
        self.assertEqual((len(r.body), r.headers["x-total-count"]), (30, "120"))   # default 30
        r = self.c.get("/repos/acme/many/labels?limit=100")
        self.assertEqual(len(r.body), 50)   # clamped silently (trap 22)
        r = self.c.get("/repos/acme/many/labels?limit=50&page=3")
        self.assertEqual([x["name"] for x in r.body], ["l%03d" % i for i in range(100, 120)])
        self.assertEqual(self.c.get("/repos/acme/many/labels?limit=50&page=4").body, [])
        self.assertEqual(len(self.c.get("/repos/acme/many/labels?limit=0&page=0").body), 30)
        seen, page = [], 1
        while True:   # the client's way: page by page against X-Total-Count
            r = self.c.get("/repos/acme/many/labels?limit=50&page=%d" % page)
            seen += r.body
            if not r.body or len(seen) >= int(r.headers["x-total-count"]):
                break
            page += 1
        self.assertEqual(len({x["id"] for x in seen}), 120)

    def test_max_response_items_setting(self):
        gt = self.make(max_response_items=7, default_paging_num=5)
        gt.add_repo("o", "r", labels=["l%d" % i for i in range(10)])
        c = Client(gt)
        self.addCleanup(c.close)
        self.assertEqual(c.get("/settings/api").body["max_response_items"], 7)
        self.assertEqual(len(c.get("/repos/o/r/labels").body), 5)
        self.assertEqual(len(c.get("/repos/o/r/labels?limit=50").body), 7)

    def test_no_push_is_403(self):
        self.gt.add_repo("acme", "ro", permissions={"push": False})
        r = self.c.req("POST", "/repos/acme/ro/labels", {"name": "x", "color": "000000"})
        self.assertError(r, 403, "user should have a permission to write to a repo")

    def test_archived_repo(self):
        # Gitea 1.26.3 has no archived check on label routes: writes succeed
        self.gt.set_archived("acme", "r1")
        r = self.c.req("POST", "/repos/acme/r1/labels", {"name": "x", "color": "000000"})
        self.assertEqual(r.status, 201)
        strict = self.make(archived_label_writes=False)
        strict.add_repo("o", "r", archived=True, labels=["a"], issues=[{"number": 1}])
        c = Client(strict)
        self.addCleanup(c.close)
        self.assertError(c.req("POST", "/repos/o/r/labels", {"name": "x", "color": "000000"}),
                         423, "repo is archived")
        self.assertError(c.req("POST", "/repos/o/r/issues/1/labels", {"labels": [1]}),
                         423, "repo is archived")
        self.assertEqual(c.get("/repos/o/r").body["archived"], True)


class TestOldVersions(unittest.TestCase):

    def start(self, version):
        gt = FakeGitea(token=TOKEN, version=version)
        gt.start()
        self.addCleanup(gt.stop)
        gt.add_repo("o", "r", labels=[{"name": "bug", "color": "ee0701"}])
        c = Client(gt)
        self.addCleanup(c.close)
        return gt, c

    def test_1_18_has_no_flags_and_stores_patched_colours(self):
        gt, c = self.start("1.18.5")
        lb = c.get("/repos/o/r/labels").body[0]
        self.assertEqual(list(lb), ["id", "name", "color", "description", "url"])
        r = c.req("PATCH", "/repos/o/r/labels/%d" % lb["id"], {"color": "red"})
        self.assertEqual((r.status, r.body["color"]), (200, "red"))   # unvalidated (GT-old)
        r = c.req("POST", "/repos/o/r/labels", {"name": "x", "color": "red"})
        self.assertEqual(r.status, 422)

    def test_1_20_has_exclusive_only(self):
        gt, c = self.start("1.20.6")
        lb = c.get("/repos/o/r/labels").body[0]
        self.assertIn("exclusive", lb)
        self.assertNotIn("is_archived", lb)
        r = c.req("POST", "/repos/o/r/labels", {"name": "x", "color": "000", "is_archived": True})
        self.assertEqual(r.status, 201)
        self.assertFalse(gt.label("o", "r", "x")["is_archived"])   # ignored field


# ---------------------------------------------------------------------------------
class TestOrgLabels(FakeCase):

    def test_crud(self):
        self.gt.add_org_label("acme", "kind/bug", color="D73A4A", exclusive=True)
        r = self.c.get("/orgs/acme/labels")
        self.assertEqual((r.status, r.headers["x-total-count"]), (200, "1"))
        self.assertNotIn("link", r.headers)
        lb = r.body[0]
        self.assertEqual(list(lb), LABEL_KEYS)
        self.assertEqual(lb["url"], "%s/api/v1/orgs/acme/labels/%d" % (self.gt.url, lb["id"]))
        r = self.c.req("POST", "/orgs/acme/labels", {"name": "kind/bug", "color": "#000"})
        self.assertEqual(r.status, 201)   # duplicates allowed here too
        r = self.c.req("PATCH", "/orgs/acme/labels/%d" % lb["id"], {"color": "abcdef"})
        self.assertEqual(r.body["color"], "abcdef")
        self.assertEqual(self.c.req("DELETE", "/orgs/acme/labels/%d" % lb["id"]).status, 204)
        self.assertEqual([x["color"] for x in self.gt.org_labels("acme")], ["000000"])
        # the repo list holds repo labels only
        self.assertNotIn("kind/bug", [x["name"] for x in self.c.get("/repos/acme/r1/labels").body])

    def test_owner_and_kind_checks(self):
        self.gt.add_org("other", owner=False)
        self.assertError(self.c.req("POST", "/orgs/other/labels", {"name": "x", "color": "000"}),
                         403, "must be an organization owner")
        self.gt.add_user("solo")
        r = self.c.get("/orgs/solo/labels")
        self.assertError(r, 404, "not found")
        self.assertEqual(r.body["errors"], ["user redirect does not exist [name: solo]"])

    def test_org_label_on_issue(self):
        lid = self.gt.add_org_label("acme", "team/x")
        r = self.c.req("POST", "/repos/acme/r1/issues/1/labels", {"labels": [lid]})
        self.assertEqual(r.status, 200)
        self.assertEqual(self.gt.issue_labels("acme", "r1", 1), ["bug", "team/x"])


# ---------------------------------------------------------------------------------
class TestRepos(FakeCase):

    def test_org_repos_link_and_total(self):
        for i in range(4):
            self.gt.add_repo("acme", "x%d" % i, fork=i == 1, mirror=i == 2, topics=["t%d" % i])
        r = self.c.get("/orgs/acme/repos?limit=2")
        self.assertEqual(r.headers["x-total-count"], "5")
        self.assertEqual([x["name"] for x in r.body], ["r1", "x0"])   # id order
        # joined by "," without a space, from ROOT_URL, query keys sorted
        self.assertEqual(r.headers["link"],
                         '<{0}/api/v1/orgs/acme/repos?limit=2&page=2>; rel="next",'
                         '<{0}/api/v1/orgs/acme/repos?limit=2&page=3>; rel="last"'.format(self.gt.url))
        r = self.c.get("/orgs/acme/repos?limit=2&page=3")
        self.assertEqual(set(r.links()), {"first", "prev"})
        x1 = self.c.get("/repos/acme/x1").body
        self.assertEqual((x1["fork"], x1["mirror"], x1["topics"]), (True, False, ["t1"]))
        self.assertTrue(self.c.get("/repos/acme/x2").body["mirror"])

    def test_wrong_root_url_in_links(self):
        gt = self.make(root_url="http://localhost:3000/")
        for i in range(3):
            gt.add_repo("o", "r%d" % i)
        c = Client(gt)
        self.addCleanup(c.close)
        r = c.get("/orgs/o/repos?limit=1")
        self.assertTrue(r.links()["next"].startswith("http://localhost:3000/api/v1/orgs/o/repos?"))

    def test_short_page_is_not_the_last(self):
        self.gt.add_repo("acme", "hidden", visible=False)
        self.gt.add_repo("acme", "z")
        r = self.c.get("/orgs/acme/repos?limit=2")
        self.assertEqual(([x["name"] for x in r.body], r.headers["x-total-count"]), (["r1"], "3"))
        r = self.c.get("/orgs/acme/repos?limit=2&page=2")
        self.assertEqual([x["name"] for x in r.body], ["z"])
        self.assertEqual(self.c.get("/repos/acme/hidden").status, 404)

    def test_repo_fields(self):
        self.gt.add_repo("acme", "ro", archived=True, private=True,
                         permissions={"push": False, "admin": False})
        r = self.c.get("/repos/acme/ro").body
        for k in ("archived", "archived_at", "fork", "mirror", "template", "empty", "private",
                  "internal", "has_issues", "has_pull_requests", "topics", "permissions",
                  "owner", "full_name", "name"):
            self.assertIn(k, r)
        self.assertNotIn("disabled", r)
        self.assertEqual((r["archived"], r["private"]), (True, True))
        self.assertEqual(r["permissions"], {"admin": False, "push": False, "pull": True})
        self.assertEqual((r["owner"]["login"], r["owner"]["username"]), ("acme", "acme"))

    def test_user_repos(self):
        self.gt.add_user("solo")
        self.gt.add_repo("solo", "mine")
        self.gt.add_repo(self.gt.login, "own")
        self.assertError(self.c.get("/orgs/solo/repos"), 404, "not found")
        self.assertEqual([x["name"] for x in self.c.get("/users/solo/repos").body], ["mine"])
        self.assertEqual(self.c.get("/users/nobody/repos").status, 404)
        # /user/repos: the token user's own repos only (trap 24)
        self.assertEqual([x["name"] for x in self.c.get("/user/repos").body], ["own"])


# ---------------------------------------------------------------------------------
class TestIssues(FakeCase):

    def numbers(self, path):
        return [i["number"] for i in self.c.get(path).body]

    def test_list_and_pull_requests(self):
        r = self.c.get("/repos/acme/r1/issues?state=all")
        self.assertEqual(r.headers["x-total-count"], "3")
        self.assertEqual([i["number"] for i in r.body], [3, 2, 1])   # newest first
        by = {i["number"]: i for i in r.body}
        self.assertIsNone(by[1]["pull_request"])   # the key is there, null
        self.assertIn("pull_request", by[1])
        self.assertIsInstance(by[2]["pull_request"], dict)
        self.assertEqual(self.numbers("/repos/acme/r1/issues"), [2, 1])   # open by default
        self.assertEqual(self.numbers("/repos/acme/r1/issues?state=all&type=pulls"), [2])
        self.assertEqual(self.numbers("/repos/acme/r1/issues?state=all&type=issues"), [3, 1])
        self.assertEqual([x["id"] for x in by[2]["labels"]],
                         [self.ids["bug"], self.ids["priority/high"]])

    def test_labels_filter(self):
        self.assertEqual(self.numbers("/repos/acme/r1/issues?state=all&labels=bug"), [2, 1])
        self.assertEqual(self.numbers("/repos/acme/r1/issues?state=all&labels=bug,priority%2Fhigh"), [2])
        # a name resolving to nothing drops the filter
        self.assertEqual(self.numbers("/repos/acme/r1/issues?state=all&labels=nope"), [3, 2, 1])
        self.assertEqual(self.numbers("/repos/acme/r1/issues?state=all&labels=Bug"), [3, 2, 1])
        # a duplicate name resolves to both ids, and both are required
        dup = self.gt.add_label("acme", "r1", "bug", "000000")
        self.gt.add_issue("acme", "r1", number=4, labels=[dup])
        self.assertEqual(self.numbers("/repos/acme/r1/issues?state=all&labels=bug"), [])
        self.gt.add_issue("acme", "r1", number=5, labels=[dup, self.ids["bug"]])
        self.assertEqual(self.numbers("/repos/acme/r1/issues?state=all&labels=bug"), [5])

    def test_nocase_collation(self):
        gt = self.make(name_collation="nocase")
        gt.add_repo("o", "r", labels=["Bug", "bug"], issues=[{"number": 1, "labels": ["bug"]}])
        c = Client(gt)
        self.addCleanup(c.close)
        # MySQL-like: "bug" finds both labels, and both are required
        self.assertEqual(c.get("/repos/o/r/issues?state=all&labels=bug").body, [])
        self.assertEqual(c.get("/repos/o/r/labels/BUG").body["name"], "Bug")

    def test_issue_pagination(self):
        self.gt.add_repo("acme", "big", issues=[{"number": n} for n in range(1, 8)])
        r = self.c.get("/repos/acme/big/issues?state=all&limit=3&page=2")
        self.assertEqual(([i["number"] for i in r.body], r.headers["x-total-count"]), ([4, 3, 2], "7"))
        self.assertEqual(set(r.links()), {"next", "last", "first", "prev"})

    def test_add_labels(self):
        r = self.c.req("POST", "/repos/acme/r1/issues/1/labels", {"labels": [self.ids["old"]]})
        self.assertEqual(r.status, 200)
        self.assertEqual([x["name"] for x in r.body], ["bug", "old"])
        r = self.c.req("POST", "/repos/acme/r1/issues/3/labels", {"labels": ["bug"]})
        self.assertEqual(self.gt.issue_labels("acme", "r1", 3), ["old", "bug"])
        self.assertError(self.c.req("POST", "/repos/acme/r1/issues/3/labels", {"labels": [1, "bug"]}),
                         400, "labels should be an array of strings or integers")
        self.assertEqual(self.c.req("POST", "/repos/acme/r1/issues/3/labels",
                                    {"labels": [True]}).status, 400)
        self.assertEqual(self.c.req("POST", "/repos/acme/r1/issues/99/labels", {"labels": [1]}).status, 404)

    def test_foreign_ids_skipped(self):
        self.gt.add_repo("acme", "r2", labels=["elsewhere"])
        other = self.gt.label("acme", "r2", "elsewhere")["id"]
        r = self.c.req("POST", "/repos/acme/r1/issues/1/labels", {"labels": [other, 424242]})
        self.assertEqual((r.status, [x["name"] for x in r.body]), (200, ["bug"]))

    def test_exclusive_scope_replaces(self):
        low = self.gt.add_label("acme", "r1", "priority/low", "00ff00", exclusive=True)
        self.c.req("POST", "/repos/acme/r1/issues/2/labels", {"labels": [low]})
        self.assertEqual(self.gt.issue_labels("acme", "r1", 2), ["bug", "priority/low"])

    def test_write_permission(self):
        self.gt.add_repo("acme", "ro", permissions={"push": False}, issues=[{"number": 1}])
        r = self.c.req("POST", "/repos/acme/ro/issues/1/labels", {"labels": [1]})
        self.assertError(r, 403, "write permission is required")

    def test_replace_and_remove(self):
        r = self.c.req("PUT", "/repos/acme/r1/issues/2/labels", {"labels": [self.ids["old"]]})
        self.assertEqual([x["name"] for x in r.body], ["old"])
        self.assertEqual(self.c.req("DELETE", "/repos/acme/r1/issues/2/labels/%d" % self.ids["old"]).status, 204)
        self.assertEqual(self.gt.issue_labels("acme", "r1", 2), [])
        self.assertEqual(self.c.req("DELETE", "/repos/acme/r1/issues/2/labels/777777").status, 422)


# ---------------------------------------------------------------------------------
class TestPlumbing(FakeCase):

    def test_request_log_and_writes(self):
        self.gt.clear_requests()
        self.c.get("/repos/acme/r1/labels?limit=5")
        self.c.req("DELETE", "/repos/acme/r1/labels/1")
        reqs = self.gt.requests
        self.assertEqual([(q.method, q.path, q.query) for q in reqs],
                         [("GET", "/api/v1/repos/acme/r1/labels", "limit=5"),
                          ("DELETE", "/api/v1/repos/acme/r1/labels/1", "")])
        self.assertEqual(reqs[0].headers["authorization"], "token " + TOKEN)
        self.assertEqual([q.method for q in self.gt.writes()], ["DELETE"])
        self.assertEqual(reqs[1].status, 204)

    def test_faults_before_and_after(self):
        self.gt.add_fault(method="POST", path=r"/labels$", status=500,
                          body={"message": "boom", "url": "u"})
        r = self.c.req("POST", "/repos/acme/r1/labels", {"name": "f1", "color": "000"})
        self.assertEqual(r.status, 500)
        self.assertIsNone(self.gt.label("acme", "r1", "f1"))
        # a lost answer: the label is created, the client sees 502
        self.gt.add_fault(method="POST", path=r"/labels$", status=502, body="<html>bad gateway</html>",
                          when="after")
        r = self.c.req("POST", "/repos/acme/r1/labels", {"name": "f2", "color": "000"})
        self.assertEqual(r.status, 502)
        self.assertIsNotNone(self.gt.label("acme", "r1", "f2"))

    def test_gzip(self):
        r = self.c.get("/repos/acme/r1/labels", headers={"Accept-Encoding": "gzip"})
        self.assertEqual(r.headers.get("content-encoding"), "gzip")
        self.assertEqual(len(r.body), 3)

    def test_state_round_trip(self):
        self.gt.add_org_label("acme", "o1", exclusive=True)
        st = self.gt.export_state()
        gt2 = self.make()
        gt2.load_state(json.loads(json.dumps(st)))
        self.assertEqual([(x["name"], x["color"], x["is_archived"]) for x in gt2.labels("acme", "r1")],
                         [(x["name"], x["color"], x["is_archived"]) for x in self.gt.labels("acme", "r1")])
        self.assertEqual(gt2.org_labels("acme")[0]["exclusive"], True)
        self.assertEqual(gt2.issue_labels("acme", "r1", 2), ["bug", "priority/high"])


class TestCommandLine(unittest.TestCase):

    def test_cli_serves_state_and_dumps_on_sigterm(self):
        d = tempfile.mkdtemp(prefix="fakegt-")
        state = {"users": ["solo"], "org_labels": {"acme": [{"name": "kind/x", "exclusive": True}]},
                 "repos": [{"owner": "acme", "name": "r1", "labels": [{"name": "bug", "color": "ee0701"}],
                            "issues": [{"number": 1, "labels": ["bug"]}]},
                           {"owner": "solo", "name": "mine", "archived": True}]}
        paths = {k: os.path.join(d, k + ".json") for k in ("state", "dump", "log")}
        with open(paths["state"], "w") as f:
            json.dump(state, f)
        port_file = os.path.join(d, "port")
        p = subprocess.Popen([sys.executable, os.path.join(HERE, "fake_gitea.py"), "--forgejo",
                              "--state", paths["state"], "--token", "T", "--port-file", port_file,
                              "--dump", paths["dump"], "--log", paths["log"]],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            for _ in range(200):
                if os.path.exists(port_file):
                    break
                time.sleep(0.05)
            with open(port_file) as f:
                port = int(f.read())
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            hdr = {"Authorization": "token T", "Content-Type": "application/json"}
            conn.request("POST", "/api/v1/repos/acme/r1/labels", body=b'{"name":"new","color":"#ABC"}',
                         headers=hdr)
            self.assertEqual(conn.getresponse().read() and 201, 201)
            conn.request("GET", "/api/v1/version", headers=hdr)
            self.assertEqual(json.loads(conn.getresponse().read()), {"version": FORGEJO_VERSION})
            conn.close()
        finally:
            p.send_signal(signal.SIGTERM)
            out, err = p.communicate(timeout=10)
        self.assertEqual(p.returncode, 0, err)
        self.assertEqual(out.decode().strip(), "http://127.0.0.1:%d" % port)
        with open(paths["dump"]) as f:
            dump = json.load(f)
        r1 = next(r for r in dump["repos"] if r["name"] == "r1")
        self.assertEqual([(x["name"], x["color"]) for x in r1["labels"]],
                         [("bug", "ee0701"), ("new", "aabbcc")])
        self.assertEqual(dump["org_labels"]["acme"][0]["name"], "kind/x")
        with open(paths["log"]) as f:
            log = json.load(f)
        self.assertEqual([(q["method"], q["status"]) for q in log], [("POST", 201), ("GET", 200)])
        import shutil
        shutil.rmtree(d)


if __name__ == "__main__":
    unittest.main(verbosity=1)
