#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Self-tests of fake_gitlab: it must answer like GitLab 18.x's REST API v4.

Real HTTP on 127.0.0.1 only.  Expectations come from shared/specs/GITLAB.md
(trap numbers: its section 7) and the bodies of shared/specs/gitlab-recorded/.
Run: python3 tests/fakes/test_fake_gitlab.py
"""

import http.client
import json
import os
import re
import sys
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from fake_gitlab import FakeGitLab  # noqa: E402

TOKEN = "glpat-0123456789abcdef"
RO = "glpat-readonly"
LINK_RE = re.compile(r'<([^>]+)>; rel="(\w+)"')


class Resp:
    def __init__(self, r):
        self.status = r.status
        self.headers = {k.lower(): v for k, v in r.getheaders()}
        self.raw = r.read()
        self.body = None
        if self.raw and "json" in self.headers.get("content-type", ""):
            self.body = json.loads(self.raw)

    def links(self):
        return [rel for _, rel in LINK_RE.findall(self.headers.get("link", ""))]

    def __repr__(self):
        return "<%d %r>" % (self.status, self.raw[:300])


class Case(unittest.TestCase):
    def setUp(self):
        self.gl = FakeGitLab(token=TOKEN, read_only_tokens=[RO])
        self.gl.start()
        self.addCleanup(self.gl.stop)
        gl = self.gl
        gl.add_group("acme/platform")
        gl.add_group("other")
        gl.add_group_label("acme", "kind::bug", "red")
        gl.add_group_label("acme/platform", "team", "#00F")
        self.api = gl.add_project("acme/platform", "api",
                                  labels=[{"name": "bug", "color": "#D9534F"},
                                          {"name": "Bug", "color": "#d9534f"}],
                                  issues=[{"iid": 1, "labels": ["bug", "kind::bug"]},
                                          {"iid": 2, "labels": ["bug"], "state": "closed"}],
                                  merge_requests=[{"iid": 1, "labels": ["bug"], "state": "merged"},
                                                  {"iid": 2, "labels": ["bug"]}],
                                  moved_from=["acme/old-api"], files={"labels.yml": "labels: []\n"})
        gl.add_project("acme", "web")
        gl.add_project("other", "shared", shared_with=["acme"])

    def req(self, method, path, body=None, token=TOKEN, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.gl.port, timeout=5)
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        conn.request(method, "/api/v4" + path, body=data, headers=h)
        r = Resp(conn.getresponse())
        conn.close()
        return r


class TestAuth(Case):
    def test_unknown_token_is_401_everywhere(self):
        """trap 14: an unknown token is a 401 on every endpoint, public ones too."""
        for path in ("/projects/%d" % self.api.id, "/version", "/nope"):
            r = self.req("GET", path, token="wrong")
            self.assertEqual((r.status, r.body), (401, {"message": "401 Unauthorized"}))

    def test_private_token_header_and_anonymous(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.gl.port, timeout=5)
        conn.request("GET", "/api/v4/projects/%d" % self.api.id, headers={"PRIVATE-TOKEN": TOKEN})
        self.assertEqual(conn.getresponse().status, 200)
        conn.close()
        # a private project is a 404 to anonymous readers, never a 403
        r = self.req("GET", "/projects/%d" % self.api.id, token=None)
        self.assertEqual((r.status, r.body), (404, {"message": "404 Project Not Found"}))
        r = self.req("POST", "/projects/%d/labels" % self.api.id, {"name": "x", "color": "#000"},
                     token=None)
        self.assertEqual(r.status, 401)

    def test_read_api_token_cannot_write(self):
        r = self.req("GET", "/projects/%d/labels" % self.api.id, token=RO)
        self.assertEqual(r.status, 200)
        r = self.req("POST", "/projects/%d/labels" % self.api.id, {"name": "x", "color": "#000"}, token=RO)
        self.assertEqual(r.status, 403)
        self.assertEqual(r.body["error"], "insufficient_scope")
        self.assertEqual(r.body["scope"], "api")


class TestProjects(Case):
    def test_group_projects_subgroups_and_shared(self):
        """trap 2: with_shared defaults to true; include_subgroups to false."""
        r = self.req("GET", "/groups/acme/projects")
        self.assertEqual(sorted(p["path_with_namespace"] for p in r.body), ["acme/web", "other/shared"])
        r = self.req("GET", "/groups/acme/projects?include_subgroups=true&with_shared=false")
        self.assertEqual(sorted(p["path_with_namespace"] for p in r.body),
                         ["acme/platform/api", "acme/web"])
        p = [x for x in r.body if x["path"] == "api"][0]
        self.assertEqual(p["namespace"]["full_path"], "acme/platform")
        self.assertEqual(p["namespace"]["kind"], "group")
        self.assertNotIn("forked_from_project", p)

    def test_paths_and_moves(self):
        """trap 3: the full path is one encoded segment; trap 17: moved paths."""
        r = self.req("GET", "/projects/acme%2Fplatform%2Fapi")
        self.assertEqual(r.body["id"], self.api.id)
        r = self.req("GET", "/projects/acme/platform/api")
        self.assertEqual((r.status, r.body), (404, {"error": "404 Not Found"}))
        r = self.req("GET", "/projects/acme%2Fold-api")
        self.assertEqual(r.status, 301)
        self.assertTrue(r.headers["location"].endswith("/api/v4/projects/%d" % self.api.id))
        r = self.req("PUT", "/projects/acme%2Fold-api/labels/1", {"color": "#000000"})
        self.assertEqual((r.status, r.body),
                         (405, {"message": "Non GET methods are not allowed for moved projects"}))
        r = self.req("GET", "/groups/nope/projects")
        self.assertEqual((r.status, r.body), (404, {"message": "404 Group Not Found"}))

    def test_raw_file(self):
        r = self.req("GET", "/projects/%d/repository/files/labels.yml/raw?ref=main" % self.api.id)
        self.assertEqual((r.status, r.raw), (200, b"labels: []\n"))
        r = self.req("GET", "/projects/%d/repository/files/nope.yml/raw" % self.api.id)
        self.assertEqual((r.status, r.body), (404, {"message": "404 File Not Found"}))


class TestLabels(Case):
    def test_project_list_includes_ancestors(self):
        """trap 1: a project's list includes every ancestor group's labels."""
        r = self.req("GET", "/projects/%d/labels?with_counts=true" % self.api.id)
        got = {(x["name"], x["is_project_label"]) for x in r.body}
        self.assertEqual(got, {("bug", True), ("Bug", True), ("kind::bug", False), ("team", False)})
        bug = [x for x in r.body if x["name"] == "bug"][0]
        # trap 12: merged and closed MRs are not counted
        self.assertEqual((bug["open_issues_count"], bug["closed_issues_count"],
                          bug["open_merge_requests_count"]), (1, 1, 1))
        self.assertEqual(bug["color"], "#D9534F")  # as stored
        kb = [x for x in r.body if x["name"] == "kind::bug"][0]
        self.assertEqual(kb["color"], "red")        # an old label's keyword

    def test_group_lists(self):
        """trap 16: a subgroup's list includes ancestors', without an owner field."""
        r = self.req("GET", "/groups/acme%2Fplatform/labels")
        self.assertEqual(sorted(x["name"] for x in r.body), ["kind::bug", "team"])
        self.assertNotIn("is_project_label", r.body[0])
        r = self.req("GET", "/groups/acme%2Fplatform/labels?include_ancestor_groups=false")
        self.assertEqual([x["name"] for x in r.body], ["team"])

    def test_create_rules(self):
        p = "/projects/%d/labels" % self.api.id
        r = self.req("POST", p, {"name": "feature", "color": "#5843AD"})
        self.assertEqual((r.status, r.body["color"], r.body["is_project_label"]), (201, "#5843AD", True))
        r = self.req("POST", p, {"name": "kind::bug", "color": "#000000"})
        self.assertEqual((r.status, r.body), (409, {"message": "Label already exists"}))
        r = self.req("POST", p, {"name": "x", "color": "d73a4a"})
        self.assertEqual((r.status, r.body), (400, {"message": {"color": ["must be a valid color code"]}}))
        r = self.req("POST", p, {"name": "x", "color": "cyan"})
        self.assertEqual(r.status, 400)
        r = self.req("POST", p, {"name": "y", "color": "Orange"})
        self.assertEqual(r.body["color"], "#FFA500")
        r = self.req("POST", p, {})
        self.assertEqual((r.status, r.body), (400, {"error": "name is missing, color is missing"}))
        r = self.req("POST", p, {"name": "a,b", "color": "#000"})
        self.assertEqual(r.status, 400)
        r = self.req("POST", "/groups/acme%2Fplatform/labels", {"name": "kind::bug", "color": "#000"})
        self.assertEqual(r.status, 409)
        # a group label created after a same-titled project label is allowed
        r = self.req("POST", "/groups/acme/labels", {"name": "feature", "color": "#000"})
        self.assertEqual(r.status, 201)

    def test_update_delete_rules(self):
        p = "/projects/%d/labels" % self.api.id
        bug = self.gl.label("acme/platform/api", "bug")["id"]
        r = self.req("PUT", "%s/%d" % (p, bug), {"new_name": "Bug"})
        self.assertEqual((r.status, r.body), (400, {"message": {"title": ["has already been taken"]}}))
        r = self.req("PUT", "%s/%d" % (p, bug), {})
        self.assertEqual(r.status, 400)
        self.assertIn("at least one parameter", r.body["error"])
        r = self.req("PUT", "%s/%d" % (p, bug), {"new_name": "defect"})
        self.assertEqual((r.status, r.body["id"], r.body["name"]), (200, bug, "defect"))
        self.assertEqual(self.gl.issue_labels("acme/platform/api", 1), ["defect", "kind::bug"])
        # a grand-parent's label is out of a project write's reach (trap 4)
        kb = self.gl.group_labels("acme")[0]["id"]
        r = self.req("DELETE", "%s/%d" % (p, kb))
        self.assertEqual((r.status, r.body), (404, {"message": "404 Label Not Found"}))
        r = self.req("DELETE", "%s/%d" % (p, bug))
        self.assertEqual(r.status, 204)
        self.assertEqual(self.gl.issue_labels("acme/platform/api", 1), ["kind::bug"])


class TestItems(Case):
    def test_filters_and_add_labels(self):
        r = self.req("GET", "/projects/%d/merge_requests?labels=bug&state=all" % self.api.id)
        self.assertEqual(sorted((x["iid"], x["state"]) for x in r.body), [(1, "merged"), (2, "opened")])
        r = self.req("PUT", "/projects/%d/issues/2" % self.api.id, {"add_labels": "team"})
        self.assertEqual(r.body["labels"], ["bug", "team"])
        # trap 6: a title that does not match exactly is created
        r = self.req("PUT", "/projects/%d/issues/2" % self.api.id, {"add_labels": "TEAM"})
        self.assertEqual(r.body["labels"], ["TEAM", "bug", "team"])
        self.assertEqual(self.gl.label("acme/platform/api", "TEAM")["color"], "#6699cc")
        r = self.req("PUT", "/projects/%d/issues/9" % self.api.id, {"add_labels": "bug"})
        self.assertEqual((r.status, r.body), (404, {"message": "404 Issue Not Found"}))

    def test_scoped_labels_on_premium(self):
        self.gl.premium = True
        self.gl.add_group_label("acme", "kind::feature", "#000")
        r = self.req("PUT", "/projects/%d/issues/1" % self.api.id, {"add_labels": "kind::feature"})
        self.assertEqual(r.body["labels"], ["bug", "kind::feature"])


class TestPagination(Case):
    def test_headers_and_the_10k_rule(self):
        for i in range(5):
            self.gl.add_label("acme/platform/api", "l%d" % i)
        r = self.req("GET", "/projects/%d/labels?per_page=3&page=2" % self.api.id)
        h = r.headers
        self.assertEqual((h["x-page"], h["x-per-page"], h["x-next-page"], h["x-prev-page"],
                          h["x-total"], h["x-total-pages"]), ("2", "3", "3", "1", "9", "3"))
        self.assertEqual(r.links(), ["prev", "next", "first", "last"])
        r = self.req("GET", "/projects/%d/labels?per_page=3&page=3" % self.api.id)
        self.assertEqual(r.headers["x-next-page"], "")
        self.assertNotIn("next", r.links())
        self.gl.totals_limit = 5
        r = self.req("GET", "/projects/%d/labels?per_page=3&page=1" % self.api.id)
        self.assertNotIn("x-total", r.headers)
        self.assertNotIn("x-total-pages", r.headers)
        self.assertEqual(r.links(), ["next", "first"])
        r = self.req("GET", "/projects/%d/labels?per_page=0" % self.api.id)
        self.assertEqual(r.status, 400)
        r = self.req("GET", "/projects/%d/labels?per_page=500&page=9" % self.api.id)
        self.assertEqual((r.status, r.body, r.headers["x-per-page"]), (200, [], "100"))

    def test_rate_limit_headers_and_faults(self):
        r = self.req("GET", "/projects/%d" % self.api.id)
        for k in ("ratelimit-name", "ratelimit-limit", "ratelimit-observed",
                  "ratelimit-remaining", "ratelimit-reset"):
            self.assertIn(k, r.headers)
        self.gl.add_fault(method="GET", path=r"/labels$", status=429, body="Retry later\n",
                          headers={"Retry-After": "1", "Content-Type": "text/plain"})
        r = self.req("GET", "/projects/%d/labels" % self.api.id)
        self.assertEqual((r.status, r.raw, r.headers["retry-after"]), (429, b"Retry later\n", "1"))
        r = self.req("GET", "/projects/%d/labels" % self.api.id)
        self.assertEqual(r.status, 200)
        self.gl.add_fault(method="POST", status=502, body="<html>502 Bad Gateway</html>", when="after")
        r = self.req("POST", "/projects/%d/labels" % self.api.id, {"name": "lost", "color": "#000"})
        self.assertEqual(r.status, 502)
        self.assertIsNotNone(self.gl.label("acme/platform/api", "lost"))  # applied, answer lost


class TestState(Case):
    def test_round_trip(self):
        st = self.gl.export_state()
        other = FakeGitLab(token=TOKEN)
        other.load_state(st)
        def strip(labels):
            return [{k: v for k, v in x.items() if k != "id"} for x in labels]
        self.assertEqual(strip(other.export_state()["projects"][0]["labels"]),
                         strip(st["projects"][0]["labels"]))
        self.assertEqual(urllib.parse.quote("acme/platform/api", safe=""), "acme%2Fplatform%2Fapi")


if __name__ == "__main__":
    unittest.main(verbosity=1)
