#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""fake_gitlab: an in-process fake of GitLab's REST API v4 (labels subset)
for epithet's end-to-end tests.

It answers the way GitLab 18.x does, as documented in
shared/specs/GITLAB.md (trap numbers: its section 7) with the bodies of
shared/specs/gitlab-recorded/: paths under /api/v4, numeric ids or
URL-encoded full paths, status codes, error bodies of both shapes,
offset pagination headers, RateLimit-* headers, and label inheritance from
ancestor groups.  Standard library only; the server machinery (threads,
request log, faults, latency) is fakeforge.FakeForge's.

Python use
----------
    from fake_gitlab import FakeGitLab
    with FakeGitLab(token="tkn") as gl:
        gl.add_group("acme"); gl.add_group("acme/platform")
        gl.add_project("acme/platform", "api", labels=[{"name": "bug", "color": "#D9534F"}],
                       issues=[{"iid": 1, "labels": ["bug"]}],
                       merge_requests=[{"iid": 1, "labels": ["bug"], "state": "merged"}])
        gl.add_group_label("acme", "kind::bug", color="red")
        gl.url                          # give it to epithet as --url
        ...run the client...
        gl.labels("acme/platform/api")  # own labels; gl.group_labels("acme")
        gl.issue_labels("acme/platform/api", 1); gl.requests; gl.writes()

Behaviour reproduced
--------------------
- tokens: "Authorization: Bearer T" or "PRIVATE-TOKEN: T"; an unknown token
  is 401 {"message":"401 Unauthorized"} on every endpoint, public ones too
  (trap 14); no token reads public projects only; a read_api token
  (`read_only_tokens`) gets 403 insufficient_scope ({"error":...}) on writes
- GET /groups/:id/projects: include_subgroups (false), with_shared (true:
  projects shared with the group are listed, trap 2), archived, order_by
  id/path, sort; GET /users/:id/projects; GET /projects/:id by id or
  URL-encoded full path (a raw '/' matches no route: {"error":"404 Not
  Found"}, trap 3); a moved project's old path: GET 301 to /projects/ID,
  any other method 405 (trap 17)
- project label lists include every ancestor group's labels
  (is_project_label false, trap 1); group lists include ancestors' unless
  include_ancestor_groups=false, and say nothing of the owner (trap 16)
- :label_id is an id or an exact title; a project write reaches the
  project's labels and its own group's, not a grand-parent's (trap 4)
- create: 409 "Label already exists" when the title exists in the project
  or an ancestor group (or, for a group, in the group or an ancestor);
  rename onto a taken title: 400 {"message":{"title":["has already been
  taken"]}} (trap 8); titles case-sensitive (trap 5), no comma, <= 255
- colours: "#RRGGBB", "#RGB" or a CSS keyword (not cyan/magenta), '#'
  required; stored as given, keywords as upper-case hex; old labels may hold
  a keyword (trap 7); update without any parameter is 400 (Grape)
- with_counts: open issues, closed issues, open merge requests (merged and
  closed ones are not counted, trap 12)
- issues/merge_requests lists filter labels= (all of them), state, scope;
  PUT .../issues/:iid and .../merge_requests/:iid with add_labels /
  remove_labels / labels (comma-separated titles): add_labels matches titles
  exactly and creates a missing one as a project label coloured #6699cc
  (trap 6); with `premium=True` a scoped label added drops the item's other
  labels of its scope (trap 13)
- archived projects: label writes 403 (trap 9)
- pagination: page, per_page (20, max 100, 0 or less: 400); X-Page,
  X-Per-Page, X-Next-Page ("" on the last page), X-Prev-Page, X-Total,
  X-Total-Pages, Link (prev, next, first, last); past `totals_limit`
  (10,000) no X-Total, X-Total-Pages nor rel="last" (trap 11)
- RateLimit-Name/-Limit/-Observed/-Remaining/-Reset on every answer
  (`rate_headers=False` drops them); 429s are injected with add_fault
- GET /projects/:id/repository/files/:path/raw?ref= (path URL-encoded)

State JSON (--state, --dump, load_state/export_state)
-----------------------------------------------------
{
  "groups": ["acme", "acme/platform"],
  "users": ["alice"],
  "group_labels": {"acme": [{"name": "kind::bug", "color": "#FF0000", "description": null}]},
  "projects": [{"namespace": "acme/platform", "path": "api", "archived": false,
                "fork": false, "topics": [], "visibility": "private",
                "labels": [{"name": "bug", "color": "#d9534f"}],
                "issues": [{"iid": 1, "labels": ["bug"], "state": "opened"}],
                "merge_requests": [{"iid": 1, "labels": [], "state": "merged"}],
                "files": {"labels.yml": "..."}}]
}
"""

import argparse
import sys
import time
import urllib.parse

import fakeforge
from fakeforge import FakeForge, Response, split_path

DEFAULT_COLOR = "#6699cc"
API = "/api/v4"

# Gitlab::Color's keywords (the CSS named colours without cyan and magenta).
CSS = {
    "aliceblue": "F0F8FF", "antiquewhite": "FAEBD7", "aqua": "00FFFF", "aquamarine": "7FFFD4",
    "azure": "F0FFFF", "beige": "F5F5DC", "bisque": "FFE4C4", "black": "000000",
    "blanchedalmond": "FFEBCD", "blue": "0000FF", "blueviolet": "8A2BE2", "brown": "A52A2A",
    "burlywood": "DEB887", "cadetblue": "5F9EA0", "chartreuse": "7FFF00", "chocolate": "D2691E",
    "coral": "FF7F50", "cornflowerblue": "6495ED", "cornsilk": "FFF8DC", "crimson": "DC143C",
    "darkblue": "00008B", "darkcyan": "008B8B", "darkgoldenrod": "B8860B", "darkgray": "A9A9A9",
    "darkgreen": "006400", "darkgrey": "A9A9A9", "darkkhaki": "BDB76B", "darkmagenta": "8B008B",
    "darkorange": "FF8C00", "darkred": "8B0000", "deeppink": "FF1493", "forestgreen": "228B22",
    "fuchsia": "FF00FF", "gold": "FFD700", "gray": "808080", "green": "008000", "grey": "808080",
    "indigo": "4B0082", "lime": "00FF00", "maroon": "800000", "navy": "000080", "olive": "808000",
    "orange": "FFA500", "orangered": "FF4500", "pink": "FFC0CB", "purple": "800080",
    "red": "FF0000", "silver": "C0C0C0", "teal": "008080", "tomato": "FF6347",
    "violet": "EE82EE", "white": "FFFFFF", "yellow": "FFFF00",
}


def _valid_color(c):
    if not isinstance(c, str):
        return None
    if c.startswith("#") and len(c) in (4, 7) and all(x in "0123456789abcdefABCDEF" for x in c[1:]):
        return c                      # stored as given (trap 7)
    if c.lower() in CSS:
        return "#" + CSS[c.lower()]   # a keyword becomes upper-case hex
    return None


def _scope(title):
    return title.rsplit("::", 1)[0] if "::" in title else None


class Group:
    def __init__(self, gid, full_path, parent):
        self.id, self.full_path, self.parent = gid, full_path, parent
        self.path = full_path.rsplit("/", 1)[-1]
        self.labels = []


class User:
    def __init__(self, uid, username):
        self.id, self.username, self.full_path = uid, username, username
        self.labels = []


class Label:
    def __init__(self, lid, title, color, description, owner):
        self.id, self.title, self.color, self.description = lid, title, color, description
        self.owner = owner            # a Group or a Project
        self.archived = False


class Item:
    def __init__(self, iid, state, label_ids, pull):
        self.iid, self.state, self.label_ids, self.pull = iid, state, label_ids, pull


class Project:
    def __init__(self, pid, namespace, path, **kw):
        self.id, self.namespace, self.path = pid, namespace, path
        self.archived = kw.get("archived", False)
        self.fork = kw.get("fork", False)
        self.topics = list(kw.get("topics", []))
        self.visibility = kw.get("visibility", "private")
        self.shared_with = list(kw.get("shared_with", []))   # group paths
        self.moved_from = list(kw.get("moved_from", []))     # old full paths
        self.files = dict(kw.get("files", {}))               # path -> text, or ref -> {path: text}
        self.labels = []
        self.issues = {}
        self.mrs = {}

    @property
    def full_path(self):
        return self.namespace.full_path + "/" + self.path


class FakeGitLab(FakeForge):
    server_header = "nginx"

    def __init__(self, token="tkn", read_only_tokens=(), premium=False, totals_limit=10000,
                 rate_headers=True, rate_limit=2000, **kw):
        super().__init__(**kw)
        self.token = token
        self.read_only_tokens = set(read_only_tokens)
        self.premium = premium
        self.totals_limit = totals_limit
        self.rate_headers = rate_headers
        self.rate_limit = rate_limit
        self.groups = {}      # full path -> Group
        self.users = {}       # username -> User
        self.projects = {}    # id -> Project
        self._labels = {}     # id -> Label
        self._next = {"group": 1, "project": 1, "label": 1, "user": 1}
        self._observed = 0

    # ---- building state -----------------------------------------------------------

    def _new_id(self, kind, base=0):
        with self.lock:
            n = self._next[kind]
            self._next[kind] += 1
        return n + base

    def add_group(self, full_path):
        if full_path in self.groups:
            return self.groups[full_path]
        parent = None
        if "/" in full_path:
            parent = self.add_group(full_path.rsplit("/", 1)[0])
        g = Group(self._new_id("group", 100), full_path, parent)
        self.groups[full_path] = g
        return g

    def add_user(self, username):
        if username not in self.users:
            self.users[username] = User(self._new_id("user", 500), username)
        return self.users[username]

    def _namespace(self, path):
        if path in self.users:
            return self.users[path]
        return self.add_group(path)

    def _make_label(self, owner, name, color="#6699cc", description=None):
        lb = Label(self._new_id("label"), name, color, description, owner)
        owner.labels.append(lb)
        self._labels[lb.id] = lb
        return lb

    def add_group_label(self, group, name, color="#6699cc", description=None):
        return self._make_label(self.add_group(group), name, color, description)

    def add_project(self, namespace, path, labels=(), issues=(), merge_requests=(), **kw):
        p = Project(self._new_id("project", 1000), self._namespace(namespace), path, **kw)
        self.projects[p.id] = p
        for lb in labels:
            self._make_label(p, lb["name"], lb.get("color", "#6699cc"), lb.get("description"))
        for it in issues:
            self.add_item(p.full_path, it.get("iid"), it.get("labels", ()), False,
                          it.get("state", "opened"))
        for it in merge_requests:
            self.add_item(p.full_path, it.get("iid"), it.get("labels", ()), True,
                          it.get("state", "opened"))
        return p

    def add_label(self, full_path, name, color="#6699cc", description=None):
        return self._make_label(self.project(full_path), name, color, description)

    def add_item(self, full_path, iid=None, labels=(), pull=False, state="opened"):
        p = self.project(full_path)
        items = p.mrs if pull else p.issues
        iid = iid or (max(items) + 1 if items else 1)
        ids = []
        for t in labels:
            lb = self._available_by_title(p, t)
            if lb is None:
                raise KeyError("no label %r available to %s" % (t, full_path))
            ids.append(lb.id)
        items[iid] = Item(iid, state, ids, pull)
        return items[iid]

    # ---- looking at state -----------------------------------------------------------

    def project(self, full_path):
        for p in self.projects.values():
            if p.full_path == full_path:
                return p
        raise KeyError(full_path)

    @staticmethod
    def _label_dict(lb):
        return {"id": lb.id, "name": lb.title, "color": lb.color, "description": lb.description}

    def labels(self, full_path):
        """The project's own labels, by title."""
        return [self._label_dict(lb) for lb in sorted(self.project(full_path).labels,
                                                       key=lambda x: x.title)]

    def label(self, full_path, title):
        for lb in self.project(full_path).labels:
            if lb.title == title:
                return self._label_dict(lb)
        return None

    def group_labels(self, group):
        return [self._label_dict(lb) for lb in sorted(self.groups[group].labels,
                                                       key=lambda x: x.title)]

    def issue_labels(self, full_path, iid, pull=False):
        p = self.project(full_path)
        it = (p.mrs if pull else p.issues)[iid]
        return sorted(self._labels[x].title for x in it.label_ids if x in self._labels)

    @property
    def api_url(self):
        return self.url + API

    # ---- state JSON -------------------------------------------------------------------

    def load_state(self, st):
        for u in st.get("users", []):
            self.add_user(u)
        for g in st.get("groups", []):
            self.add_group(g)
        for g, lbs in st.get("group_labels", {}).items():
            for lb in lbs:
                self.add_group_label(g, lb["name"], lb.get("color", "#6699cc"), lb.get("description"))
        for p in st.get("projects", []):
            kw = {k: p[k] for k in ("archived", "fork", "topics", "visibility", "shared_with",
                                    "moved_from", "files") if k in p}
            self.add_project(p["namespace"], p["path"], p.get("labels", ()), p.get("issues", ()),
                             p.get("merge_requests", ()), **kw)

    def export_state(self):
        def items(d):
            return [{"iid": i.iid, "state": i.state,
                     "labels": sorted(self._labels[x].title for x in i.label_ids)}
                    for i in sorted(d.values(), key=lambda x: x.iid)]
        return {
            "groups": sorted(self.groups),
            "users": sorted(self.users),
            "group_labels": {g: self.group_labels(g) for g in sorted(self.groups)},
            "projects": [{"namespace": p.namespace.full_path, "path": p.path,
                          "archived": p.archived, "labels": self.labels(p.full_path),
                          "issues": items(p.issues), "merge_requests": items(p.mrs)}
                         for p in sorted(self.projects.values(), key=lambda x: x.id)],
        }

    # ---- JSON of the API ------------------------------------------------------------------

    @staticmethod
    def _json(status, obj, headers=None):
        return Response.json(status, obj, headers)

    def _msg(self, status, message):
        return self._json(status, {"message": message})

    def _err(self, status, error):
        return self._json(status, {"error": error})

    def _ns_json(self, ns):
        kind = "user" if isinstance(ns, User) else "group"
        return {"id": ns.id, "name": ns.full_path.rsplit("/", 1)[-1],
                "path": ns.full_path.rsplit("/", 1)[-1], "kind": kind,
                "full_path": ns.full_path,
                "parent_id": ns.parent.id if kind == "group" and ns.parent else None}

    def _project_json(self, p):
        out = {"id": p.id, "name": p.path.replace("-", " ").title(), "path": p.path,
               "path_with_namespace": p.full_path,
               "name_with_namespace": p.full_path.replace("/", " / "),
               "namespace": self._ns_json(p.namespace), "archived": p.archived,
               "topics": p.topics, "tag_list": p.topics, "visibility": p.visibility,
               "issues_enabled": True, "merge_requests_enabled": True,
               "default_branch": "main", "web_url": "http://gitlab.example.com/" + p.full_path}
        if p.fork:
            out["forked_from_project"] = {"id": 1, "path_with_namespace": "upstream/" + p.path}
        return out

    def _ancestors(self, g):
        """g, its parent, ... up to the top (Groups only)."""
        out = []
        while isinstance(g, Group):
            out.append(g)
            g = g.parent
        return out

    def _counts(self, lb, projects):
        oi = ci = om = 0
        for p in projects:
            for i in p.issues.values():
                if lb.id in i.label_ids:
                    oi += i.state == "opened"
                    ci += i.state == "closed"
            for m in p.mrs.values():
                om += lb.id in m.label_ids and m.state == "opened"
        return {"open_issues_count": oi, "closed_issues_count": ci, "open_merge_requests_count": om}

    def _label_json(self, lb, req, project=None, counts_in=()):
        out = {"id": lb.id, "name": lb.title, "color": lb.color,
               "text_color": "#333333" if self._light(lb.color) else "#FFFFFF",
               "description": lb.description, "description_html": lb.description,
               "subscribed": False, "archived": lb.archived}
        if req.params.get("with_counts") == "true":
            out.update(self._counts(lb, counts_in))
        if project is not None:
            out["priority"] = None
            out["is_project_label"] = lb.owner is project
        return out

    @staticmethod
    def _light(color):
        h = _valid_color(color) or DEFAULT_COLOR
        h = h[1:] if h.startswith("#") else h
        if len(h) == 3:
            h = "".join(c * 2 for c in h)
        try:
            return sum(int(h[i:i + 2], 16) for i in (0, 2, 4)) > 500
        except ValueError:
            return False

    def _item_json(self, p, it):
        return {"id": p.id * 1000 + it.iid, "iid": it.iid, "project_id": p.id, "state": it.state,
                "title": "item %d" % it.iid,
                "labels": sorted(self._labels[x].title for x in it.label_ids if x in self._labels),
                "references": {"short": ("!" if it.pull else "#") + str(it.iid),
                               "relative": ("!" if it.pull else "#") + str(it.iid),
                               "full": p.full_path + ("!" if it.pull else "#") + str(it.iid)},
                "type": "MERGE_REQUEST" if it.pull else "ISSUE"}

    # ---- pagination ----------------------------------------------------------------------

    def _paged(self, req, items, render):
        raw = req.params.get("per_page")
        try:
            per = int(raw) if raw not in (None, "") else 20
        except ValueError:
            return self._err(400, "per_page is invalid")
        if per <= 0:
            return self._err(400, "per_page does not have a valid value")
        per = min(per, 100)
        try:
            page = max(int(req.params.get("page") or 1), 1)
        except ValueError:
            return self._err(400, "page is invalid")
        total = len(items)
        pages = max((total + per - 1) // per, 1)
        chunk = items[(page - 1) * per: page * per]
        h = {"X-Page": str(page), "X-Per-Page": str(per),
             "X-Next-Page": str(page + 1) if page < pages else "",
             "X-Prev-Page": str(page - 1) if page > 1 else ""}
        over = total > self.totals_limit
        if not over:
            h["X-Total"] = str(total)
            h["X-Total-Pages"] = str(pages)
        # Link: prev, next, first, last (GitLab's order), from the page URL
        pairs = [x for x in req.query.split("&") if x and not x.startswith("page=")]
        base = self.base_url(req) + req.path

        def url(n):
            return "<%s?%s>" % (base, "&".join(pairs + ["page=%d" % n]))
        links = []
        if page > 1:
            links.append('%s; rel="prev"' % url(page - 1))
        if page < pages:
            links.append('%s; rel="next"' % url(page + 1))
        links.append('%s; rel="first"' % url(1))
        if not over:
            links.append('%s; rel="last"' % url(pages))
        h["Link"] = ", ".join(links)
        return self._json(200, [render(x) for x in chunk], h)

    # ---- the pipeline ----------------------------------------------------------------------

    def decorate(self, req, resp):
        resp.headers.setdefault("cache-control", "max-age=0, private, must-revalidate")
        resp.headers.setdefault("x-request-id", "req-%d" % req.seq)
        if self.rate_headers:
            with self.lock:
                self._observed += 1
                seen = self._observed
            resp.headers.setdefault("ratelimit-name", "throttle_authenticated_api")
            resp.headers.setdefault("ratelimit-limit", str(self.rate_limit))
            resp.headers.setdefault("ratelimit-observed", str(seen))
            resp.headers.setdefault("ratelimit-remaining", str(max(self.rate_limit - seen, 0)))
            resp.headers.setdefault("ratelimit-reset", str(int(time.time()) + 60))

    def _identity(self, req):
        """'api', 'read_api', None (anonymous) or False (an unknown token)."""
        auth = req.headers.get("authorization", "")
        tok = req.headers.get("private-token")
        if auth:
            scheme, _, val = auth.partition(" ")
            if scheme.lower() != "bearer" or not val:
                return False
            tok = val.strip()
        if tok is None:
            return None
        if tok == self.token:
            return "api"
        if tok in self.read_only_tokens:
            return "read_api"
        return False

    def handle(self, req):
        who = self._identity(req)
        if who is False:
            return self._msg(401, "401 Unauthorized")
        if not req.path.startswith(API + "/"):
            return Response(404, "<html><body>404 Not Found</body></html>", content_type="text/html")
        segs = split_path(req.path[len(API):])
        if segs is None:
            return self._err(404, "404 Not Found")
        req.who = who
        if req.method != "GET" and who is None:
            return self._msg(401, "401 Unauthorized")
        if req.method != "GET" and who == "read_api":
            return self._json(403, {"error": "insufficient_scope",
                                    "error_description": "The request requires higher privileges "
                                                         "than provided by the access token.",
                                    "scope": "api"})
        return self._route(req, segs)

    def _body(self, req):
        """Parameters: the query, then a JSON or form body."""
        out = dict(req.params)
        if isinstance(req.body, dict):
            out.update({k: v for k, v in req.body.items()})
        elif req.raw_body and req.body is None:
            for k, v in urllib.parse.parse_qsl(req.raw_body.decode("utf-8", "replace"),
                                               keep_blank_values=True):
                out[k] = v
        return out

    def _route(self, req, segs):
        m = req.method
        if segs == ["version"] and m == "GET":
            if req.who is None:
                return self._msg(401, "401 Unauthorized")
            return self._json(200, {"version": "18.5.1-ee", "revision": "fake", "enterprise": True})
        if len(segs) >= 2 and segs[0] == "groups":
            g = self._group(segs[1])
            if g is None:
                return self._msg(404, "404 Group Not Found")
            return self._group_route(req, m, g, segs[2:])
        if len(segs) == 3 and segs[0] == "users" and segs[2] == "projects" and m == "GET":
            u = self.users.get(segs[1]) or next((x for x in self.users.values()
                                                 if str(x.id) == segs[1]), None)
            if u is None:
                return self._msg(404, "404 User Not Found")
            ps = [p for p in self.projects.values() if p.namespace is u and self._visible(req, p)]
            return self._paged(req, self._ordered(req, ps), self._project_json)
        if len(segs) >= 2 and segs[0] == "projects":
            p, moved = self._find_project(segs[1])
            if p is None and len(segs) > 2 and segs[2] not in (
                    "labels", "issues", "merge_requests", "repository"):
                return self._err(404, "404 Not Found")   # a raw '/': no route (trap 3)
            if p is None or not self._visible(req, p):
                return self._msg(404, "404 Project Not Found")
            if moved:
                if m != "GET":
                    return self._msg(405, "Non GET methods are not allowed for moved projects")
                rest = "/".join(urllib.parse.quote(x, safe="") for x in segs[2:])
                loc = "%s%s/projects/%d%s%s" % (self.base_url(req), API, p.id,
                                                "/" + rest if rest else "",
                                                "?" + req.query if req.query else "")
                return Response(301, b"", {"Location": loc})
            return self._project_route(req, m, p, segs[2:])
        return self._err(404, "404 Not Found")

    def _group(self, key):
        if key in self.groups:
            return self.groups[key]
        for g in self.groups.values():
            if str(g.id) == key:
                return g
        return None

    def _find_project(self, key):
        for p in self.projects.values():
            if str(p.id) == key or p.full_path == key:
                return p, False
        for p in self.projects.values():
            if key in p.moved_from:
                return p, True
        return None, False

    def _visible(self, req, p):
        return req.who is not None or p.visibility == "public"

    @staticmethod
    def _ordered(req, ps):
        key = req.params.get("order_by") or "created_at"
        if key in ("path", "name"):
            ps = sorted(ps, key=lambda x: (x.path, x.id))
        else:
            ps = sorted(ps, key=lambda x: x.id)
        if (req.params.get("sort") or "desc") == "desc":
            ps.reverse()
        return ps

    def _descendants(self, g):
        return [x for x in self.groups.values() if x is g or x.full_path.startswith(g.full_path + "/")]

    # ---- groups ------------------------------------------------------------------------------

    def _group_route(self, req, m, g, rest):
        if rest == [] and m == "GET":
            return self._json(200, self._ns_json(g))
        if rest == ["projects"] and m == "GET":
            subs = req.params.get("include_subgroups") == "true"
            shared = req.params.get("with_shared", "true") != "false"
            spaces = self._descendants(g) if subs else [g]
            ps = [p for p in self.projects.values()
                  if (p.namespace in spaces or (shared and g.full_path in p.shared_with))
                  and self._visible(req, p)]
            arch = req.params.get("archived")
            if arch in ("true", "false"):
                ps = [p for p in ps if p.archived == (arch == "true")]
            return self._paged(req, self._ordered(req, ps), self._project_json)
        if rest[:1] == ["labels"]:
            return self._labels_route(req, m, g, None, rest[1:])
        if rest in (["issues"], ["merge_requests"]) and m == "GET":
            # every project of the group and its subgroups (not shared ones)
            spaces = self._descendants(g)
            pairs = []
            for p in sorted(self.projects.values(), key=lambda x: x.id):
                if p.namespace in spaces and self._visible(req, p):
                    items = p.mrs if rest == ["merge_requests"] else p.issues
                    pairs += [(p, it) for it in self._filter_items(req, items)]
            return self._paged(req, pairs, lambda pi: self._item_json(pi[0], pi[1]))
        return self._err(404, "404 Not Found")

    # ---- labels -----------------------------------------------------------------------------

    def _available(self, group, project):
        """Labels a project (or group) sees: its own and every ancestor group's."""
        own = list(project.labels) if project is not None else []
        for a in self._ancestors(group):
            own += a.labels
        return own

    def _available_by_title(self, p, title):
        for lb in self._available(p.namespace, p):
            if lb.title == title:
                return lb
        return None

    def _labels_route(self, req, m, g, p, rest):
        container = p if p is not None else g
        if rest == [] and m == "GET":
            if p is not None:
                lbs = self._available(p.namespace, p) \
                    if req.params.get("include_ancestor_groups", "true") != "false" else \
                    list(p.labels) + (list(p.namespace.labels) if isinstance(p.namespace, Group) else [])
                counts_in = [p]
            else:
                lbs = self._available(g, None) \
                    if req.params.get("include_ancestor_groups", "true") != "false" else list(g.labels)
                counts_in = [x for x in self.projects.values() if x.namespace in self._descendants(g)]
            lbs = sorted(lbs, key=lambda x: (x.title.lower(), x.id))
            if req.params.get("search"):
                lbs = [x for x in lbs if req.params["search"].lower() in x.title.lower()]
            return self._paged(req, lbs, lambda x: self._label_json(x, req, p, counts_in))
        if rest == [] and m == "POST":
            if p is not None and p.archived:
                return self._msg(403, "403 Forbidden")
            return self._create(req, g, p)
        if len(rest) == 1 and m in ("GET", "PUT", "DELETE"):
            reach = (list(p.labels) + (list(p.namespace.labels) if isinstance(p.namespace, Group) else [])) \
                if p is not None else list(g.labels)
            if m == "GET":
                reach = self._available(p.namespace, p) if p is not None else self._available(g, None)
            lb = self._find_label(reach, rest[0])
            if lb is None:
                return self._msg(404, "404 Label Not Found")
            if m == "GET":
                return self._json(200, self._label_json(lb, req, p, [p] if p else []))
            if p is not None and p.archived:
                return self._msg(403, "403 Forbidden")
            if m == "PUT":
                return self._update(req, lb, g, p)
            self._destroy(lb)
            return Response(204)
        return self._err(404, "404 Not Found")

    @staticmethod
    def _find_label(labels, key):
        # an id first, then an exact title (labels.find_by_id(x) || find_by_title(x))
        for lb in labels:
            if str(lb.id) == key:
                return lb
        for lb in labels:
            if lb.title == key:
                return lb
        return None

    def _title_error(self, title):
        if "," in title:
            return {"title": ["is invalid"]}
        if len(title) > 255:
            return {"title": ["is too long (maximum is 255 characters)"]}
        return None

    def _create(self, req, g, p):
        b = self._body(req)
        missing = [k for k in ("name", "color") if not b.get(k)]
        if missing:
            return self._err(400, ", ".join(k + " is missing" for k in missing))
        title = str(b["name"]).strip()
        color = _valid_color(b["color"])
        if color is None:
            return self._json(400, {"message": {"color": ["must be a valid color code"]}})
        bad = self._title_error(title)
        if bad:
            return self._json(400, {"message": bad})
        taken = self._available(p.namespace, p) if p is not None else self._available(g, None)
        if any(lb.title == title for lb in taken):
            return self._msg(409, "Label already exists")
        lb = self._make_label(p if p is not None else g, title, color, b.get("description"))
        return self._json(201, self._label_json(lb, req, p, [p] if p else []))

    def _update(self, req, lb, g, p):
        b = self._body(req)
        keys = [k for k in ("new_name", "color", "description", "priority", "archived") if k in b]
        if not keys:
            return self._err(400, "new_name, color, description, priority, archived are missing, "
                                  "at least one parameter must be provided")
        if "color" in b:
            color = _valid_color(b["color"])
            if color is None:
                return self._json(400, {"message": {"color": ["must be a valid color code"]}})
        if "new_name" in b:
            title = str(b["new_name"]).strip()
            bad = self._title_error(title)
            if bad:
                return self._json(400, {"message": bad})
            owner = lb.owner
            if isinstance(owner, Project):
                taken = self._available(owner.namespace, owner)
            else:
                taken = self._available(owner, None)
            if any(x.title == title and x is not lb for x in taken):
                return self._json(400, {"message": {"title": ["has already been taken"]}})
            lb.title = title
        if "color" in b:
            lb.color = color
        if "description" in b:
            lb.description = b["description"]
        return self._json(200, self._label_json(lb, req, p, [p] if p else []))

    def _destroy(self, lb):
        lb.owner.labels.remove(lb)
        del self._labels[lb.id]
        for p in self.projects.values():
            for it in list(p.issues.values()) + list(p.mrs.values()):
                if lb.id in it.label_ids:
                    it.label_ids.remove(lb.id)

    # ---- projects ------------------------------------------------------------------------------

    def _project_route(self, req, m, p, rest):
        if rest == [] and m == "GET":
            return self._json(200, self._project_json(p))
        ns = p.namespace if isinstance(p.namespace, Group) else None
        if rest[:1] == ["labels"]:
            return self._labels_route(req, m, ns, p, rest[1:])
        if len(rest) in (1, 2) and rest[0] in ("issues", "merge_requests"):
            pull = rest[0] == "merge_requests"
            items = p.mrs if pull else p.issues
            if len(rest) == 1 and m == "GET":
                return self._list_items(req, p, items)
            if len(rest) == 2 and m in ("GET", "PUT"):
                try:
                    it = items.get(int(rest[1]))
                except ValueError:
                    it = None
                if it is None:
                    return self._msg(404, "404 Merge Request Not Found" if pull else "404 Issue Not Found")
                if m == "PUT":
                    if p.archived:
                        return self._msg(403, "403 Forbidden")
                    self._relabel(req, p, it)
                return self._json(200, self._item_json(p, it))
        if len(rest) == 4 and rest[0] == "repository" and rest[1] == "files" and rest[3] == "raw" \
                and m == "GET":
            ref = req.params.get("ref") or "main"
            files = p.files.get(ref) if isinstance(p.files.get(ref), dict) else \
                (p.files if ref == "main" else {})
            text = files.get(rest[2]) if isinstance(files, dict) else None
            if not isinstance(text, str):
                return self._msg(404, "404 File Not Found")
            return Response(200, text.encode("utf-8"), {"X-Gitlab-File-Path": rest[2]},
                            "text/plain; charset=utf-8")
        return self._err(404, "404 Not Found")

    def _filter_items(self, req, items):
        state = req.params.get("state") or "all"
        want = [x for x in (req.params.get("labels") or "").split(",") if x]
        out = []
        for it in sorted(items.values(), key=lambda x: -x.iid):
            if state != "all" and it.state != state:
                continue
            titles = {self._labels[x].title for x in it.label_ids if x in self._labels}
            if want and not all(w in titles for w in want):
                continue
            out.append(it)
        return out

    def _list_items(self, req, p, items):
        return self._paged(req, self._filter_items(req, items), lambda it: self._item_json(p, it))

    def _relabel(self, req, p, it):
        b = self._body(req)

        def titles(key):
            return [t.strip() for t in str(b.get(key) or "").split(",") if t.strip()]

        def resolve(t, create):
            lb = self._available_by_title(p, t)
            if lb is None and create:
                # add_labels creates what it does not find exactly (trap 6)
                lb = self._make_label(p, t, DEFAULT_COLOR, None)
            return lb

        if "labels" in b:
            it.label_ids = []
            for t in titles("labels"):
                self._attach(it, resolve(t, True))
        for t in titles("add_labels"):
            self._attach(it, resolve(t, True))
        for t in titles("remove_labels"):
            lb = resolve(t, False)
            if lb is not None and lb.id in it.label_ids:
                it.label_ids.remove(lb.id)

    def _attach(self, it, lb):
        if lb.id in it.label_ids:
            return
        sc = _scope(lb.title)
        if self.premium and sc is not None:
            it.label_ids = [x for x in it.label_ids if _scope(self._labels[x].title) != sc]
        it.label_ids.append(lb.id)


# ---- command line -------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description="Fake GitLab REST API v4 server for epithet tests")
    fakeforge.add_cli_arguments(ap)
    ap.add_argument("--premium", action="store_true", help="scoped labels are exclusive")
    a = ap.parse_args(argv)
    gl = FakeGitLab(token=a.token, premium=a.premium, host=a.host, port=a.port,
                    latency=a.latency / 1000.0)
    state = fakeforge.load_cli_state(a)
    if state is not None:
        gl.load_state(state)
    return fakeforge.serve_cli(gl, a)


if __name__ == "__main__":
    sys.exit(main())
