#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""fake_gitea: an in-process fake of the Gitea (and Forgejo) API v1 for
epithet's end-to-end tests.

It answers the label-management subset of the API the way Gitea 1.26.3 (and
Forgejo 11, which speaks Gitea 1.22's API) does, as documented in
shared/specs/CONTRACTS.md section 2 and its traps 18-28: same paths under
/api/v1, status codes, headers, error bodies {message,url[,errors]},
page-number pagination with X-Total-Count, and the quirks a client must
survive.  Standard library only; the server machinery (threads, request log,
faults, latency) is fakeforge.FakeForge's.

Python use
----------
    from fake_gitea import FakeGitea
    with FakeGitea(token="tkn", forgejo=False, max_response_items=50) as gt:
        gt.add_repo("acme", "r1", labels=[{"name": "bug", "color": "ee0701"}],
                    issues=[{"number": 1, "labels": ["bug"], "pull": False}])
        gt.add_org_label("acme", "kind/bug", color="#d73a4a", exclusive=True)
        gt.url                          # root URL: give it to epithet as --url
        ...run the client...
        gt.labels("acme", "r1"); gt.org_labels("acme"); gt.issue_labels("acme", "r1", 1)
        gt.requests; gt.writes(); gt.clear_requests()

Quirks reproduced (trap numbers of CONTRACTS.md section 4)
----------------------------------------------------------
- labels are addressed by numeric id; GET .../labels/{id} also takes an
  exact name; PATCH by name is 404; DELETE of an unknown or non-numeric id is
  204 and deletes nothing (18, 19)
- duplicate label names are allowed (20)
- PATCH without is_archived un-archives the label, on versions >= 1.21 (21)
- limit: missing or <= 0 gives default_paging_num (30), above
  max_response_items (50) it is clamped silently (22)
- every list carries X-Total-Count; repo and issue lists also a Link header
  (entries joined by "," without a space, built from the server's ROOT_URL,
  which `root_url=` can make wrong as behind a proxy); label lists carry no
  Link (23)
- repo lists count repos before dropping those the token cannot see
  (`visible=False`), so a page can be short without being the last (23)
- /user/repos lists the token user's own repos only (24)
- features by version: "exclusive" from 1.19, "is_archived" from 1.21; up to
  1.18 a PATCHed colour is stored unvalidated; Forgejo reports
  "11.0.1+gitea-1.22.0" (25)
- colours in: "#RRGGBB", "RRGGBB", "#RGB", "RGB", any case, spaces trimmed;
  stored "#rrggbb", answered "rrggbb"; otherwise 422 "invalid color: ..." (6)
- error bodies {"message","url"}, with "errors" on 404 (26)
- auth "Authorization: token T" (Forgejo: "token" must be lowercase; a
  "Token T" there is not recognised and the request is anonymous) or
  "Bearer T"; a wrong token is 401 "user does not exist [uid: 0, name: ]"
  on every endpoint, public ones included (28)
- the issue filter labels= resolves names among the repo's own labels (SQL
  equality: `name_collation="nocase"` makes it case-insensitive like MySQL),
  the ids found are all required (AND), and a name resolving to nothing
  drops the filter: every issue is listed
- POST .../issues/{n}/labels takes ids or names (not both); ids of labels of
  other repos are skipped silently; adding an exclusive label removes the
  issue's other labels of the same scope

Archived repositories: Gitea 1.26.3 puts no mustNotBeArchived check on the
label routes nor on the issue-label routes (routers/api/v1/api.go), so label
writes to an archived repo succeed there.  That is the default here.  With
`archived_label_writes=False` they answer 423 {"message":"repo is archived"},
what Gitea's routes that do check (issue creation, comments) answer, for
tests of that path.

Not implemented: web UI paths (404 text/html), GET /api/forgejo/v1/version,
sub-path installs, query-string tokens, Sudo, 2FA.

State JSON (--state, --dump, load_state/export_state)
-----------------------------------------------------
{
  "login": "epithet-bot",                  # the token's user
  "orgs":  ["acme", {"name": "other", "owner": false}],   # owner: token may write org labels
  "users": ["someone"],
  "org_labels": {"acme": [{"name": "kind/bug", "color": "d73a4a",
                           "description": "", "exclusive": true, "archived": false}]},
  "repos": [
    {"owner": "acme", "name": "r1", "private": false, "archived": false,
     "fork": false, "mirror": false, "topics": ["x"], "visible": true,
     "permissions": {"admin": true, "push": true, "pull": true},
     "labels": [{"name": "bug", "color": "ee0701", "description": "",
                 "exclusive": false, "archived": false}],
     "issues": [{"number": 1, "title": "t", "state": "open", "pull": false,
                 "labels": ["bug"]}]}        # label names (repo first, then org) or ids
  ]
}
--dump writes the same format, with ids, after the server stops.

Command line
------------
  python3 fake_gitea.py --state STATE.json [--forgejo] [--token T] [--port 0]
      [--port-file F] [--max-response-items N] [--latency MS] [--dump FILE] [--log FILE]
Serves until SIGTERM/SIGINT, then writes the final state (--dump) and the
request log (--log, a JSON list) and exits 0.  Prints the URL on stdout.
"""

import argparse
import base64
import hashlib
import json
import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fakeforge import (FakeForge, Response, basic_auth_password,  # noqa: E402
                       json_bytes, remove_dot_segments, split_path)
import fakeforge  # noqa: E402

__all__ = ["FakeGitea", "GITEA_VERSION", "FORGEJO_VERSION"]

GITEA_VERSION = "1.26.3"
FORGEJO_VERSION = "11.0.1+gitea-1.22.0"
JSON_TYPE = "application/json;charset=utf-8"   # Gitea's spelling, no space
COLOR_RE = re.compile(r"^#?(?:[0-9a-f]{6}|[0-9a-f]{3})$")
EPOCH_2024 = 1704067200


def _iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def _compat(version):
    """(major, minor) of the Gitea API a /version string speaks."""
    m = re.search(r"\+gitea-(\d+)\.(\d+)", version) or re.match(r"v?(\d+)\.(\d+)", version)
    return (int(m.group(1)), int(m.group(2))) if m else (99, 0)


def normalize_color(color):
    """Gitea's label.NormalizeColor: '#rrggbb', or None when invalid."""
    c = color.strip().lower()
    if len(c) in (3, 6):
        c = "#" + c
    if not COLOR_RE.match(c):
        return None
    if len(c) == 4:
        c = "#" + "".join(ch * 2 for ch in c[1:])
    return c


def _exclusive_scope(lb):
    """Label.ExclusiveScope: the part before the last '/', exclusive only."""
    if not lb.exclusive:
        return ""
    i = lb.name.rfind("/")
    if i <= 0 or i == len(lb.name) - 1:
        return ""
    return lb.name[:i]


class _Status(Exception):
    """Raised inside handlers: answer this response."""

    def __init__(self, resp):
        super().__init__(resp.status)
        self.resp = resp


# ---- state -------------------------------------------------------------------

class Owner:
    def __init__(self, oid, login, kind, is_owner=True):
        self.id, self.login, self.type = oid, login, kind  # "Organization" | "User"
        self.is_owner = is_owner   # the token user owns this org (org label writes)
        self.labels = []           # org labels


class Label:
    def __init__(self, lid, name, color, description, exclusive, archived, repo=None, org=None):
        self.id, self.name, self.color = lid, name, color   # color as stored: "#rrggbb"
        self.description, self.exclusive = description, exclusive
        self.archived_unix = EPOCH_2024 if archived else 0
        self.repo, self.org = repo, org

    @property
    def archived(self):
        return self.archived_unix != 0


class Issue:
    def __init__(self, iid, number, title, state, pull, label_ids):
        self.id, self.number, self.title = iid, number, title
        self.state, self.pull, self.label_ids = state, pull, label_ids


class Repo:
    def __init__(self, rid, owner, name, **kw):
        self.id, self.owner, self.name = rid, owner, name
        self.private = bool(kw.get("private", False))
        self.archived = bool(kw.get("archived", False))
        self.fork = bool(kw.get("fork", False))
        self.mirror = bool(kw.get("mirror", False))
        self.template = bool(kw.get("template", False))
        self.visible = bool(kw.get("visible", True))
        self.topics = list(kw.get("topics") or [])
        self.description = kw.get("description") or ""
        perms = {"admin": True, "push": True, "pull": True}
        perms.update(kw.get("permissions") or {})
        self.permissions = perms
        self.labels = []
        self.issues = {}
        self.default_branch = kw.get("default_branch", "main")
        self.files = {}    # ref (branch) -> {path: bytes}, for contents and raw

    @property
    def full_name(self):
        return "%s/%s" % (self.owner.login, self.name)


# ---- the fake -----------------------------------------------------------------

class FakeGitea(FakeForge):
    """Fake Gitea / Forgejo API v1.

    token        the one valid token; None: none is valid
    forgejo      Forgejo mode: version FORGEJO_VERSION, 'token' case-sensitive,
                 /settings/api without default_max_response_size
    version      the /version string (default GITEA_VERSION or FORGEJO_VERSION)
    max_response_items, default_paging_num   the [api] settings (50, 30)
    login        the token's user
    archived_label_writes   True (Gitea 1.26.3): label writes to archived repos
                 succeed; False: 423 "repo is archived"
    name_collation   "binary" (SQLite/PostgreSQL) or "nocase" (MySQL's
                 default): how names compare in labels= and name lookups
    root_url     ROOT_URL used in Link headers and "url" fields (default:
                 the server's own url + "/")
    """

    server_header = "Gitea"

    def __init__(self, token="tkn", forgejo=False, max_response_items=50, version=None,
                 default_paging_num=30, login="epithet-bot", archived_label_writes=True,
                 name_collation="binary", root_url=None, host="127.0.0.1", port=0, latency=0.0):
        super().__init__(host=host, port=port, latency=latency)
        self.gzip = True
        self.token = token
        self.forgejo = forgejo
        self.version = version or (FORGEJO_VERSION if forgejo else GITEA_VERSION)
        self.max_response_items = max_response_items
        self.default_paging_num = default_paging_num
        self.login = login
        self.archived_label_writes = archived_label_writes
        if name_collation not in ("binary", "nocase"):
            raise ValueError("name_collation must be 'binary' or 'nocase'")
        self.name_collation = name_collation
        self._root_url = root_url
        self._owners = {}     # lower login -> Owner
        self._repos = {}      # (lower owner, lower name) -> Repo
        self._labels = {}     # id -> Label (repo and org labels share ids, as in the DB)
        self._next = {"owner": 1, "repo": 1, "label": 1, "issue": 1}
        self.add_user(login)

    # ---- features --------------------------------------------------------

    @property
    def api_level(self):
        """(major, minor) of the Gitea API this server speaks."""
        return _compat(self.version)

    @property
    def has_exclusive(self):
        return self.api_level >= (1, 19)

    @property
    def has_archived(self):
        return self.api_level >= (1, 21)

    # ---- setup API (thread-safe; usable while serving) ---------------------

    def _new_id(self, kind):
        with self.lock:
            n = self._next[kind]
            self._next[kind] += 1
            return n

    def add_org(self, name, owner=True):
        """An organization; owner: whether the token user owns it (org label writes)."""
        with self.lock:
            o = self._owners.get(name.lower())
            if o is None:
                o = self._owners[name.lower()] = Owner(self._new_id("owner"), name, "Organization", owner)
            o.is_owner = owner
            return o

    def add_user(self, name):
        """An owner that is a user: /orgs/{name}/... is 404 for it."""
        with self.lock:
            o = self._owners.get(name.lower())
            if o is None:
                o = self._owners[name.lower()] = Owner(self._new_id("owner"), name, "User")
            o.type = "User"
            return o

    def add_repo(self, owner, name, labels=None, archived=False, fork=False, private=False,
                 mirror=False, topics=None, issues=None, permissions=None, visible=True, **kw):
        """Create a repo (its owner becomes an org unless add_user() made it a user).

        labels: list of {"name", "color"="ededed", "description"="",
        "exclusive"=False, "archived"=False} or plain names; issues: list of
        {"number"=auto, "labels"=[names or ids], "pull"=False, "state"="open",
        "title"}; visible=False: the token cannot see it (it is still counted
        in X-Total-Count).  Returns the repo id."""
        with self.lock:
            o = self._owners.get(owner.lower()) or self.add_org(owner)
            key = (owner.lower(), name.lower())
            if key in self._repos:
                raise ValueError("repo %s/%s exists" % (owner, name))
            r = Repo(self._new_id("repo"), o, name, archived=archived, fork=fork, private=private,
                     mirror=mirror, topics=topics, permissions=permissions, visible=visible, **kw)
            self._repos[key] = r
            for lb in labels or []:
                if isinstance(lb, str):
                    lb = {"name": lb}
                self.add_label(owner, name, lb["name"], lb.get("color", "ededed"),
                               lb.get("description", ""), lb.get("exclusive", False),
                               lb.get("archived", lb.get("is_archived", False)))
            for i in issues or []:
                self.add_issue(owner, name, number=i.get("number"), labels=i.get("labels", ()),
                               pull=i.get("pull", False), state=i.get("state", "open"),
                               title=i.get("title"))
            return r.id

    def _repo(self, owner, name):
        r = self._repos.get((owner.lower(), name.lower()))
        if r is None:
            raise KeyError("no repo %s/%s" % (owner, name))
        return r

    def _org(self, name):
        o = self._owners.get(name.lower())
        if o is None or o.type != "Organization":
            raise KeyError("no organization %s" % name)
        return o

    def _make_label(self, name, color, description, exclusive, archived, repo=None, org=None):
        c = normalize_color(color)
        if c is None:
            raise ValueError("invalid color %r" % color)
        lb = Label(self._new_id("label"), name, c, description or "", bool(exclusive),
                   bool(archived), repo, org)
        self._labels[lb.id] = lb
        return lb

    def add_label(self, owner, repo, name, color="ededed", description="", exclusive=False,
                  archived=False):
        """A repo label (duplicate names allowed, as in Gitea).  Returns its id."""
        with self.lock:
            r = self._repo(owner, repo)
            lb = self._make_label(name, color, description, exclusive, archived, repo=r)
            r.labels.append(lb)
            return lb.id

    def add_org_label(self, org, name, color="ededed", description="", exclusive=False,
                      archived=False):
        """An organization label (the org is created if needed).  Returns its id."""
        with self.lock:
            o = self._owners.get(org.lower()) or self.add_org(org)
            if o.type != "Organization":
                raise ValueError("%s is a user, not an organization" % org)
            lb = self._make_label(name, color, description, exclusive, archived, org=o)
            o.labels.append(lb)
            return lb.id

    def add_file(self, owner, repo, path, content, ref=None):
        """Put a file (str or bytes) in a repo, on branch ref (default: the default branch)."""
        with self.lock:
            r = self._repo(owner, repo)
            data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
            r.files.setdefault(ref or r.default_branch, {})[path.strip("/")] = data

    def add_issue(self, owner, repo, number=None, labels=(), pull=False, state="open", title=None):
        """An issue (pull=True: a pull request).  labels: names (repo labels
        first, then the org's) or ids."""
        with self.lock:
            r = self._repo(owner, repo)
            if number is None:
                number = max(r.issues, default=0) + 1
            ids = []
            for x in labels:
                lb = self._labels.get(x) if isinstance(x, int) else self._label_by_name(r, x)
                if lb is None:
                    raise ValueError("issue label %r is not a label of %s" % (x, r.full_name))
                ids.append(lb.id)
            r.issues[number] = Issue(self._new_id("issue"), number,
                                     title or ("Test %s %d" % ("PR" if pull else "issue", number)),
                                     state, pull, ids)
            return number

    def _label_by_name(self, r, name):
        for lb in r.labels + (r.owner.labels if r.owner.type == "Organization" else []):
            if lb.name == name:
                return lb
        return None

    def set_archived(self, owner, repo, archived=True):
        with self.lock:
            self._repo(owner, repo).archived = archived

    # ---- inspection API --------------------------------------------------------

    @property
    def api_url(self):
        """url + "/api/v1"."""
        return self.url + "/api/v1"

    @staticmethod
    def _label_dict(lb):
        return {"id": lb.id, "name": lb.name, "color": lb.color.lstrip("#"),
                "description": lb.description, "exclusive": lb.exclusive,
                "is_archived": lb.archived}

    def labels(self, owner, repo):
        """A repo's labels, creation order: [{"id","name","color","description",
        "exclusive","is_archived"}], colour without '#' as the API answers it."""
        with self.lock:
            return [self._label_dict(lb) for lb in self._repo(owner, repo).labels]

    def org_labels(self, org):
        with self.lock:
            return [self._label_dict(lb) for lb in self._org(org).labels]

    def label(self, owner, repo, name):
        """The first repo label of exactly that name, or None."""
        for lb in self.labels(owner, repo):
            if lb["name"] == name:
                return lb
        return None

    def issue_labels(self, owner, repo, number):
        """Names of the labels on an issue/PR, in the order they were added."""
        with self.lock:
            r = self._repo(owner, repo)
            return [self._labels[i].name for i in r.issues[number].label_ids if i in self._labels]

    def issue_label_ids(self, owner, repo, number):
        with self.lock:
            return list(self._repo(owner, repo).issues[number].label_ids)

    def repo_info(self, owner, repo):
        with self.lock:
            r = self._repo(owner, repo)
            return {"id": r.id, "name": r.name, "full_name": r.full_name, "archived": r.archived,
                    "private": r.private, "fork": r.fork, "mirror": r.mirror,
                    "topics": list(r.topics)}

    # ---- state files ------------------------------------------------------------

    def load_state(self, state):
        """Add owners, org labels and repos from a state dict (module
        docstring).  Labels get new ids; issue labels given as ids (as
        --dump writes them) are mapped through the "id" of each label."""
        ids = {}

        def label_args(lb):
            return (lb["name"], lb.get("color", "ededed"), lb.get("description", ""),
                    lb.get("exclusive", False), lb.get("archived", lb.get("is_archived", False)))
        for u in state.get("users", []):
            self.add_user(u)
        for o in state.get("orgs", []):
            if isinstance(o, dict):
                self.add_org(o["name"], o.get("owner", True))
            else:
                self.add_org(o)
        for org, labels in (state.get("org_labels") or {}).items():
            for lb in labels:
                new = self.add_org_label(org, *label_args(lb))
                if "id" in lb:
                    ids[lb["id"]] = new
        repos = []
        for r in state.get("repos", []):
            r = dict(r)
            owner, name = r.pop("owner"), r.pop("name")
            labels, issues = r.pop("labels", []), r.pop("issues", [])
            r.pop("id", None)
            self.add_repo(owner, name, **r)
            for lb in labels:
                if isinstance(lb, str):
                    lb = {"name": lb}
                new = self.add_label(owner, name, *label_args(lb))
                if "id" in lb:
                    ids[lb["id"]] = new
            repos.append((owner, name, issues))
        for owner, name, issues in repos:
            for i in issues:
                labels = [ids.get(x, x) if isinstance(x, int) else x for x in i.get("labels", ())]
                self.add_issue(owner, name, number=i.get("number"), labels=labels,
                               pull=i.get("pull", False), state=i.get("state", "open"),
                               title=i.get("title"))

    def export_state(self):
        def lbl(lb):
            return {"id": lb.id, "name": lb.name, "color": lb.color.lstrip("#"),
                    "description": lb.description, "exclusive": lb.exclusive,
                    "archived": lb.archived}
        with self.lock:
            out = {"login": self.login,
                   "orgs": [{"name": o.login, "owner": o.is_owner}
                            for o in self._owners.values() if o.type == "Organization"],
                   "users": [o.login for o in self._owners.values() if o.type == "User"],
                   "org_labels": {o.login: [lbl(lb) for lb in o.labels]
                                  for o in self._owners.values() if o.labels},
                   "repos": []}
            for r in self._repos.values():
                out["repos"].append({
                    "id": r.id, "owner": r.owner.login, "name": r.name, "private": r.private,
                    "archived": r.archived, "fork": r.fork, "mirror": r.mirror,
                    "topics": r.topics, "visible": r.visible, "permissions": r.permissions,
                    "labels": [lbl(lb) for lb in r.labels],
                    "issues": [{"number": i.number, "title": i.title, "state": i.state,
                                "pull": i.pull, "labels": list(i.label_ids)}
                               for i in r.issues.values()],
                })
            return out

    # ---- responses ----------------------------------------------------------------

    def root_url(self):
        """ROOT_URL with its trailing '/', as Gitea's setting.AppURL."""
        return self._root_url or (self.url + "/")

    @staticmethod
    def _json(status, obj, headers=None):
        return Response(status, json_bytes(obj), headers, JSON_TYPE)

    def _error(self, status, message, errors=None):
        body = {"message": message, "url": self.root_url() + "api/swagger"}
        if errors is not None:
            body["errors"] = errors
        return self._json(status, body)

    def _not_found(self, *errors):
        # APIErrorNotFound: message "not found", the causes in errors[]
        return self._error(404, "not found", list(errors))

    def _user_json(self, o):
        return {"id": o.id, "login": o.login, "login_name": "", "source_id": 0,
                "full_name": "", "email": "%s@noreply.example.org" % o.login.lower(),
                "avatar_url": self.root_url() + "avatars/%d" % o.id,
                "html_url": self.root_url() + o.login, "language": "", "is_admin": False,
                "last_login": _iso(EPOCH_2024), "created": _iso(EPOCH_2024),
                "restricted": False, "active": True, "prohibit_login": False, "location": "",
                "website": "", "description": "", "visibility": "public",
                "followers_count": 0, "following_count": 0, "starred_repos_count": 0,
                "username": o.login}

    def _org_json(self, o):
        return {"id": o.id, "name": o.login, "full_name": "", "email": "",
                "avatar_url": self.root_url() + "avatars/%d" % o.id, "description": "",
                "website": "", "location": "", "visibility": "public",
                "repo_admin_change_team_access": False, "username": o.login}

    def _perms(self, req, r):
        if req.gt_ident != "token":
            return {"admin": False, "push": False, "pull": True}
        return dict(r.permissions)

    def _repo_json(self, req, r):
        web = self.root_url() + r.full_name
        open_issues = sum(1 for i in r.issues.values() if i.state == "open" and not i.pull)
        open_prs = sum(1 for i in r.issues.values() if i.state == "open" and i.pull)
        return {
            "id": r.id, "owner": self._user_json(r.owner), "name": r.name,
            "full_name": r.full_name, "description": r.description, "empty": False,
            "private": r.private, "fork": r.fork, "template": r.template, "parent": None,
            "mirror": r.mirror, "size": 42, "language": "", "languages_url":
            self.root_url() + "api/v1/repos/%s/languages" % r.full_name,
            "html_url": web, "url": self.root_url() + "api/v1/repos/" + r.full_name,
            "link": "", "ssh_url": "git@fake:%s.git" % r.full_name, "clone_url": web + ".git",
            "original_url": "", "website": "", "stars_count": 0, "forks_count": 0,
            "watchers_count": 1, "open_issues_count": open_issues, "open_pr_counter": open_prs,
            "release_counter": 0, "default_branch": "main", "archived": r.archived,
            "created_at": _iso(EPOCH_2024), "updated_at": _iso(EPOCH_2024),
            "archived_at": _iso(EPOCH_2024) if r.archived else "1970-01-01T00:00:00Z",
            "permissions": self._perms(req, r), "has_issues": True,
            "internal_tracker": {"enable_time_tracker": True,
                                 "allow_only_contributors_to_track_time": True,
                                 "enable_issue_dependencies": True},
            "has_wiki": True, "has_pull_requests": True, "has_projects": True,
            "has_releases": True, "has_packages": True, "has_actions": True,
            "ignore_whitespace_conflicts": False, "allow_merge_commits": True,
            "allow_rebase": True, "allow_rebase_explicit": True, "allow_squash_merge": True,
            "allow_fast_forward_only_merge": True, "allow_rebase_update": True,
            "default_delete_branch_after_merge": False, "default_merge_style": "merge",
            "default_allow_maintainer_edit": False, "avatar_url": "", "internal": False,
            "mirror_interval": "8h0m0s" if r.mirror else "", "object_format_name": "sha1",
            "mirror_updated": "0001-01-01T00:00:00Z", "repo_transfer": None,
            "topics": list(r.topics), "licenses": [],
        }

    def _label_json(self, lb):
        # key order of modules/structs.Label; exclusive from 1.19, is_archived from 1.21
        j = {"id": lb.id, "name": lb.name}
        if self.has_exclusive:
            j["exclusive"] = lb.exclusive
        if self.has_archived:
            j["is_archived"] = lb.archived
        # stored "#rrggbb", answered without '#' (convert.ToLabel)
        j["color"] = lb.color.lstrip("#")
        j["description"] = lb.description
        if lb.repo is not None:
            j["url"] = self.root_url() + "api/v1/repos/%s/labels/%d" % (lb.repo.full_name, lb.id)
        else:
            j["url"] = self.root_url() + "api/v1/orgs/%s/labels/%d" % (lb.org.login, lb.id)
        return j

    def _issue_json(self, r, i):
        web = self.root_url() + r.full_name
        labels = sorted((self._labels[x] for x in i.label_ids if x in self._labels),
                        key=lambda lb: (lb.name, lb.id))
        t = _iso(EPOCH_2024 + i.number * 60)
        return {
            "id": i.id, "url": self.root_url() + "api/v1/repos/%s/issues/%d" % (r.full_name, i.number),
            "html_url": "%s/%s/%d" % (web, "pulls" if i.pull else "issues", i.number),
            "number": i.number, "user": self._user_json(self._owners[self.login.lower()]),
            "original_author": "", "original_author_id": 0, "title": i.title, "body": "",
            "ref": "", "assets": [], "labels": [self._label_json(lb) for lb in labels],
            "milestone": None, "assignee": None, "assignees": None, "state": i.state,
            "is_locked": False, "comments": 0, "created_at": t, "updated_at": t,
            "closed_at": t if i.state == "closed" else None, "due_date": None,
            "time_estimate": 0,
            # issues carry the key with null; pull requests an object
            "pull_request": ({"merged": False, "merged_at": None, "draft": False,
                              "html_url": "%s/pulls/%d" % (web, i.number)} if i.pull else None),
            "repository": {"id": r.id, "name": r.name, "owner": r.owner.login,
                           "full_name": r.full_name},
            "pin_order": 0,
        }

    # ---- pagination ----------------------------------------------------------------

    def _list_options(self, req):
        """(page, limit) as utils.GetListOptions: page < 1 -> 1; limit <= 0 ->
        default_paging_num; limit > max_response_items -> clamped (trap 22)."""
        def num(name):
            try:
                return int(req.params.get(name, "0"))
            except ValueError:
                return 0
        page = max(num("page"), 1)
        limit = num("limit")
        if limit <= 0:
            limit = self.default_paging_num
        return page, min(limit, self.max_response_items)

    def _link(self, req, total, page, limit):
        """Gitea's genAPILinks: next, last, first, prev; joined by ',' without
        a space; built from ROOT_URL and the request URI (query re-encoded,
        keys sorted)."""
        pages = max(1, -(-total // limit)) if limit > 0 else 1
        query = urllib.parse.parse_qs(req.query, keep_blank_values=True)

        def url(n):
            q = dict(query)
            q["page"] = [str(n)]
            enc = urllib.parse.urlencode(sorted((k, v) for k, vs in q.items() for v in vs))
            return "<%s%s?%s>" % (self.root_url(), req.path.lstrip("/"), enc)
        links = []
        if page < pages:
            links.append('%s; rel="next"' % url(page + 1))
        if page != pages:
            links.append('%s; rel="last"' % url(pages))
        if page != 1:
            links.append('%s; rel="first"' % url(1))
        if page > 1:
            links.append('%s; rel="prev"' % url(page - 1))
        return ",".join(links) if links else None

    def _paged(self, req, items, render, link=True, total=None, keep=None):
        """One page of items with X-Total-Count (and Link when @link).
        total: what X-Total-Count says (default len(items)); keep: a filter
        applied after slicing (repos the caller cannot see, trap 23)."""
        page, limit = self._list_options(req)
        total = len(items) if total is None else total
        chunk = items[(page - 1) * limit: page * limit]
        if keep is not None:
            chunk = [x for x in chunk if keep(x)]
        resp = self._json(200, [render(x) for x in chunk])
        expose = ["X-Total-Count"]
        resp.headers["x-total-count"] = str(total)
        if link:
            value = self._link(req, total, page, limit)
            if value:
                resp.headers["link"] = value
                expose.insert(0, "Link")
        resp.headers["access-control-expose-headers"] = ", ".join(expose)
        return resp

    # ---- the request pipeline ----------------------------------------------------------

    def _identity(self, req):
        """'token', 'anon' or 'bad' from the Authorization header (trap 28)."""
        h = req.headers.get("authorization")
        if h is None or not h.strip():
            return "anon"
        scheme, _, cred = h.strip().partition(" ")
        cred = cred.strip()
        if scheme == "token" or (scheme.lower() == "token" and not self.forgejo):
            ok = cred == self.token
        elif scheme.lower() == "bearer":
            ok = cred == self.token
        elif scheme.lower() == "basic":
            ok = basic_auth_password(cred) == self.token
        else:
            # Forgejo does not recognise "Token": no auth method applies
            return "anon"
        return "token" if (ok and self.token) else "bad"

    def decorate(self, req, resp):
        h = resp.headers
        h.setdefault("cache-control", "max-age=0, private, must-revalidate, no-transform")
        h.setdefault("x-content-type-options", "nosniff")
        h.setdefault("x-frame-options", "SAMEORIGIN")

    def handle(self, req):
        req.gt_ident = "anon"
        segs = split_path(remove_dot_segments(req.path))
        if segs is None or segs[:2] != ["api", "v1"]:
            return Response(404, "Not found.\n", content_type="text/plain; charset=utf-8")
        segs = segs[2:]
        req.gt_ident = self._identity(req)
        if req.gt_ident == "bad":
            # An invalid token is refused on every endpoint, public ones too.
            return self._error(401, "user does not exist [uid: 0, name: ]")
        try:
            with self.lock:
                return self._route(req, segs)
        except _Status as s:
            return s.resp

    # ---- routing ---------------------------------------------------------------------

    def _route(self, req, segs):
        m = "GET" if req.method == "HEAD" else req.method
        n = len(segs)
        if segs == ["version"] and m == "GET":
            return self._json(200, {"version": self.version})
        if segs == ["settings", "api"] and m == "GET":
            s = {"max_response_items": self.max_response_items,
                 "default_paging_num": self.default_paging_num,
                 "default_git_trees_per_page": 1000, "default_max_blob_size": 10485760}
            if not self.forgejo:
                s["default_max_response_size"] = 104857600
            return self._json(200, s)
        if segs == ["user"] and m == "GET":
            self._need_token(req)
            return self._json(200, self._user_json(self._owners[self.login.lower()]))
        if segs == ["user", "repos"] and m == "GET":
            self._need_token(req)
            me = self._owners[self.login.lower()]
            repos = sorted((r for r in self._repos.values() if r.owner is me), key=lambda r: r.id)
            return self._paged(req, repos, lambda r: self._repo_json(req, r))
        if n >= 2 and segs[0] == "orgs":
            o = self._owners.get(segs[1].lower())
            if o is None or o.type != "Organization":
                return self._not_found("user redirect does not exist [name: %s]" % segs[1])
            return self._org_route(req, m, o, segs[2:])
        if n == 3 and segs[0] == "users" and segs[2] == "repos" and m == "GET":
            o = self._owners.get(segs[1].lower())
            if o is None:
                return self._not_found("user redirect does not exist [name: %s]" % segs[1])
            return self._owner_repos(req, o)
        if n >= 3 and segs[0] == "repos":
            r = self._repos.get((segs[1].lower(), segs[2].lower()))
            if r is None or not self._can_read(req, r):
                return self._not_found()
            return self._repo_route(req, m, r, segs[3:])
        return self._not_found()

    # Larger files come without their content (setting [api] DEFAULT_MAX_BLOB_SIZE,
    # as /settings/api says); /raw/ still serves them.
    MAX_BLOB_SIZE = 10485760

    def _content_entry(self, r, ref, path, data):
        api = "%sapi/v1/repos/%s/contents/%s?ref=%s" % (self.root_url(), r.full_name, path, ref)
        sha = self._blob_sha(data or b"")
        html = "%s%s/src/branch/%s/%s" % (self.root_url(), r.full_name, ref, path)
        is_file = data is not None
        entry = {"name": path.rsplit("/", 1)[-1], "path": path, "sha": sha,
                 "last_commit_sha": hashlib.sha1(ref.encode()).hexdigest(),
                 "type": "file" if is_file else "dir", "size": len(data or b""),
                 "encoding": None, "content": None, "target": None, "url": api,
                 "html_url": html, "git_url": "%sapi/v1/repos/%s/git/blobs/%s" % (
                     self.root_url(), r.full_name, sha),
                 "download_url": ("%s%s/raw/branch/%s/%s" % (self.root_url(), r.full_name, ref,
                                                             path)) if is_file else None,
                 "submodule_git_url": None, "_links": {"self": api, "git": None, "html": html}}
        return entry

    @staticmethod
    def _blob_sha(data):
        return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()

    def _blob(self, r, sha):
        """GET /repos/{o}/{r}/git/blobs/{sha}: GitBlobResponse, base64."""
        for files in r.files.values():
            for data in files.values():
                if self._blob_sha(data) == sha:
                    return self._json(200, {
                        "content": base64.b64encode(data).decode("ascii"), "encoding": "base64",
                        "url": "%sapi/v1/repos/%s/git/blobs/%s" % (self.root_url(), r.full_name, sha),
                        "sha": sha, "size": len(data)})
        return self._not_found("object does not exist [id: %s, rel_path: ]" % sha)

    def _contents(self, req, r, path, raw=False):
        """GET /repos/{o}/{r}/contents/{path}?ref= (ContentsResponse, base64; a
        directory is a list) and /repos/{o}/{r}/raw/{path}?ref= (the bytes)."""
        ref = req.params.get("ref") or r.default_branch
        files = r.files.get(ref)
        path = path.strip("/")
        if files is None:
            return self._not_found("object does not exist [id: %s, rel_path: ]" % ref)
        if path in files:
            data = files[path]
            if raw:
                return Response(200, data, content_type="text/plain; charset=utf-8")
            entry = self._content_entry(r, ref, path, data)
            if len(data) <= self.MAX_BLOB_SIZE:
                entry.update({"encoding": "base64",
                              "content": base64.b64encode(data).decode("ascii")})
            return self._json(200, entry)
        prefix = path + "/" if path else ""
        below = sorted({p[len(prefix):].split("/", 1)[0] for p in files if p.startswith(prefix)})
        if not below or raw:
            return self._not_found("object does not exist [id: , rel_path: %s]" % path)
        return self._json(200, [self._content_entry(r, ref, prefix + name, files.get(prefix + name))
                                for name in below])

    def _can_read(self, req, r):
        if req.gt_ident == "token":
            return r.visible
        return not r.private

    def _need_token(self, req):
        if req.gt_ident != "token":
            raise _Status(self._error(401, "token is required"))

    def _owner_repos(self, req, o):
        """listUserRepos: ordered by id; the count is taken before repos the
        caller cannot see are dropped (trap 23)."""
        signed = req.gt_ident == "token"
        repos = sorted((r for r in self._repos.values()
                        if r.owner is o and (signed or not r.private)), key=lambda r: r.id)
        return self._paged(req, repos, lambda r: self._repo_json(req, r),
                           keep=lambda r: self._can_read(req, r))

    def _org_route(self, req, m, o, rest):
        if rest == [] and m == "GET":
            return self._json(200, self._org_json(o))
        if rest == ["repos"] and m == "GET":
            return self._owner_repos(req, o)
        if rest == ["labels"]:
            if m == "GET":
                labels = sorted(o.labels, key=lambda lb: (lb.name, lb.id))
                return self._paged(req, labels, self._label_json, link=False)
            if m == "POST":
                self._org_write_check(req, o)
                return self._create_label(req, o.labels, org=o)
        if len(rest) == 2 and rest[0] == "labels":
            if m == "GET":
                self._need_token(req)
                lb = self._find_label(o.labels, rest[1], by_name=True)
                return self._json(200, self._label_json(lb)) if lb else self._not_found()
            if m == "PATCH":
                self._org_write_check(req, o)
                return self._edit_label(req, o.labels, rest[1])
            if m == "DELETE":
                self._org_write_check(req, o)
                return self._delete_label(o.labels, rest[1])
        return self._not_found()

    def _org_write_check(self, req, o):
        self._need_token(req)
        if not o.is_owner:
            raise _Status(self._error(403, "must be an organization owner"))

    def _repo_write_check(self, req, r):
        self._need_token(req)
        if not r.permissions.get("push"):
            raise _Status(self._error(403, "user should have a permission to write to a repo"))
        if r.archived and not self.archived_label_writes:
            raise _Status(self._error(423, "repo is archived"))

    def _repo_route(self, req, m, r, rest):
        n = len(rest)
        if n == 0 and m == "GET":
            return self._json(200, self._repo_json(req, r))
        if rest == ["labels"]:
            if m == "GET":
                # name ascending (the default sort); no Link header (trap 23)
                labels = sorted(r.labels, key=lambda lb: (lb.name, lb.id))
                return self._paged(req, labels, self._label_json, link=False)
            if m == "POST":
                self._repo_write_check(req, r)
                return self._create_label(req, r.labels, repo=r)
        if n == 2 and rest[0] == "labels":
            if m == "GET":
                lb = self._find_label(r.labels, rest[1], by_name=True)
                return self._json(200, self._label_json(lb)) if lb else self._not_found()
            if m == "PATCH":
                self._repo_write_check(req, r)
                return self._edit_label(req, r.labels, rest[1])
            if m == "DELETE":
                self._repo_write_check(req, r)
                return self._delete_label(r.labels, rest[1])
        if n >= 1 and rest[0] in ("contents", "raw") and m == "GET":
            return self._contents(req, r, "/".join(rest[1:]), raw=rest[0] == "raw")
        if n == 3 and rest[:2] == ["git", "blobs"] and m == "GET":
            return self._blob(r, rest[2])
        if rest == ["issues"] and m == "GET":
            return self._list_issues(req, r)
        if n >= 2 and rest[0] == "issues":
            issue = r.issues.get(int(rest[1])) if rest[1].isdigit() else None
            if issue is None:
                return self._not_found()
            if n == 2 and m == "GET":
                return self._json(200, self._issue_json(r, issue))
            if n == 3 and rest[2] == "labels":
                if m == "GET":
                    return self._json(200, self._issue_labels_json(issue))
                if m in ("POST", "PUT"):
                    return self._set_issue_labels(req, r, issue, replace=m == "PUT")
                if m == "DELETE":
                    self._issue_write_check(req, r)
                    issue.label_ids = []
                    return Response(204)
            if n == 4 and rest[2] == "labels" and m == "DELETE":
                self._issue_write_check(req, r)
                lid = int(rest[3]) if rest[3].isdigit() else 0
                if lid not in self._labels:
                    return self._error(422, "label does not exist [label_id: %d]" % lid)
                if lid in issue.label_ids:
                    issue.label_ids.remove(lid)
                return Response(204)
        return self._not_found()

    # ---- labels -------------------------------------------------------------------------

    def _names_equal(self, a, b):
        if self.name_collation == "nocase":
            return a.lower().rstrip(" ") == b.lower().rstrip(" ")
        return a == b

    @staticmethod
    def _param_id(key):
        """strconv.ParseInt of a path segment, 0 when it is not a number
        (ParamsInt64 ignores the error): a name becomes id 0."""
        return int(key) if re.fullmatch(r"[+-]?[0-9]{1,18}", key) else 0

    def _find_label(self, labels, key, by_name=False):
        """GET takes a numeric id, or (undocumented) an exact name (trap 18)."""
        if re.fullmatch(r"[+-]?[0-9]{1,18}", key):
            lid = int(key)
            return next((lb for lb in labels if lb.id == lid), None)
        if by_name and key:
            return next((lb for lb in labels if self._names_equal(lb.name, key)), None)
        return None

    def _body(self, req):
        """The JSON object of a write, or a 422 as Gitea's binding answers."""
        if req.json_error is not None:
            raise _Status(self._error(422, "[]: invalid JSON: %s" % req.json_error))
        body = req.body if req.raw_body.strip() else {}
        if not isinstance(body, dict):
            raise _Status(self._error(422, "[]: the body must be a JSON object"))
        return body

    def _typed(self, body, key, kind):
        v = body.get(key)
        if v is not None and not isinstance(v, kind):
            raise _Status(self._error(422, "[%s]: cannot unmarshal %s" % (key.capitalize(),
                                                                          type(v).__name__)))
        return v

    def _create_label(self, req, labels, repo=None, org=None):
        body = self._body(req)
        name = self._typed(body, "name", str)
        color = self._typed(body, "color", str)
        desc = self._typed(body, "description", str)
        exclusive = self._typed(body, "exclusive", bool) if self.has_exclusive else None
        archived = self._typed(body, "is_archived", bool) if self.has_archived else None
        # binding:"Required" on name, then color: the first error is said
        if not name:
            return self._error(422, "[Name]: Required")
        if not color:
            return self._error(422, "[Color]: Required")
        c = normalize_color(color)
        if c is None:
            return self._error(422, "invalid color: %s" % self._shown_color(color))
        # no uniqueness check: duplicates are allowed (trap 20)
        lb = Label(self._new_id("label"), name, c, desc or "", bool(exclusive), bool(archived),
                   repo, org)
        self._labels[lb.id] = lb
        labels.append(lb)
        return self._json(201, self._label_json(lb))

    @staticmethod
    def _shown_color(color):
        c = color.strip().lower()
        return "#" + c if len(c) in (3, 6) else c

    def _edit_label(self, req, labels, key):
        # ParamsInt64: a name is id 0, which exists nowhere: PATCH by name is 404
        lid = self._param_id(key)
        lb = next((x for x in labels if x.id == lid), None)
        if lb is None:
            return self._not_found("label does not exist [label_id: %d]" % lid)
        body = self._body(req)
        name = self._typed(body, "name", str)
        color = self._typed(body, "color", str)
        desc = self._typed(body, "description", str)
        exclusive = self._typed(body, "exclusive", bool) if self.has_exclusive else None
        archived = self._typed(body, "is_archived", bool) if self.has_archived else None
        new_color = lb.color
        if color is not None:
            if self.api_level < (1, 19):
                new_color = color          # GT-old: PATCH stored the colour as sent
            else:
                new_color = normalize_color(color)
                if new_color is None:
                    return self._error(422, "invalid color: %s" % self._shown_color(color))
        if name is not None:
            lb.name = name
        if exclusive is not None:
            lb.exclusive = exclusive
        lb.color = new_color
        if desc is not None:
            lb.description = desc
        if self.has_archived:
            # SetArchived(IsArchived != nil && *IsArchived): omitting it
            # un-archives (trap 21); the date only changes when newly archived
            if archived:
                if not lb.archived:
                    lb.archived_unix = int(time.time())
            else:
                lb.archived_unix = 0
        return self._json(200, self._label_json(lb))

    def _delete_label(self, labels, key):
        # 204 whatever the id: unknown, of another repo, or a name (traps 18, 19)
        lid = self._param_id(key)
        lb = next((x for x in labels if x.id == lid), None)
        if lb is not None:
            labels.remove(lb)
            del self._labels[lb.id]
            for r in self._repos.values():
                for i in r.issues.values():
                    if lb.id in i.label_ids:
                        i.label_ids.remove(lb.id)
        return Response(204)

    # ---- issues ------------------------------------------------------------------------

    def _list_issues(self, req, r):
        p = req.params
        state = p.get("state", "open")
        issues = [i for i in r.issues.values()
                  if state == "all" or i.state == (state if state == "closed" else "open")]
        t = p.get("type", "")
        if t == "issues":
            issues = [i for i in issues if not i.pull]
        elif t == "pulls":
            issues = [i for i in issues if i.pull]
        names = p.get("labels", "").split(",") if "labels" in p else []
        # GetLabelIDsInRepoByNames: the repo's own labels, SQL equality;
        # unknown names are dropped; the ids found are all required
        ids = [lb.id for lb in r.labels if any(self._names_equal(lb.name, x) for x in names)]
        if ids:
            issues = [i for i in issues if all(x in i.label_ids for x in ids)]
        issues.sort(key=lambda i: i.number, reverse=True)   # newest first
        return self._paged(req, issues, lambda i: self._issue_json(r, i))

    def _issue_labels_json(self, issue):
        labels = sorted((self._labels[x] for x in issue.label_ids if x in self._labels),
                        key=lambda lb: (lb.name, lb.id))
        return [self._label_json(lb) for lb in labels]

    def _issue_write_check(self, req, r):
        self._need_token(req)
        if not r.permissions.get("push"):
            raise _Status(self._error(403, "write permission is required"))
        if r.archived and not self.archived_label_writes:
            raise _Status(self._error(423, "repo is archived"))

    def _set_issue_labels(self, req, r, issue, replace):
        self._issue_write_check(req, r)
        body = self._body(req)
        given = body.get("labels")
        if not isinstance(given, list):
            given = []
        ids, names = [], []
        for x in given:
            if isinstance(x, bool) or not isinstance(x, (int, float, str)):
                return self._error(400, "a label must be an integer or a string")
            (names if isinstance(x, str) else ids).append(int(x) if not isinstance(x, str) else x)
        if ids and names:
            return self._error(400, "labels should be an array of strings or integers")
        if names:
            pool = r.labels + (r.owner.labels if r.owner.type == "Organization" else [])
            ids = [lb.id for lb in pool if any(self._names_equal(lb.name, x) for x in names)]
        # GetLabelsByIDs finds any label; newIssueLabels skips those of other
        # repos and orgs, silently
        wanted = [self._labels[x] for x in ids if x in self._labels]
        wanted = [lb for lb in wanted if lb.repo is r or (lb.org is not None and lb.org is r.owner)]
        if replace:
            issue.label_ids = []
        for lb in sorted(wanted, key=lambda x: x.name):
            if lb.id in issue.label_ids:
                continue
            scope = _exclusive_scope(lb)
            if scope:
                # an exclusive label replaces the others of its scope
                issue.label_ids = [x for x in issue.label_ids
                                   if _exclusive_scope(self._labels[x]) != scope]
            issue.label_ids.append(lb.id)
        return self._json(200, self._issue_labels_json(issue))


# ---- command line -------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description="Fake Gitea/Forgejo API v1 server for epithet tests")
    fakeforge.add_cli_arguments(ap)
    ap.add_argument("--forgejo", action="store_true", help="Forgejo mode")
    ap.add_argument("--version", dest="server_version", help="the /version string to report")
    ap.add_argument("--max-response-items", type=int, default=50)
    a = ap.parse_args(argv)

    state = fakeforge.load_cli_state(a)
    login = (state or {}).get("login") or "epithet-bot"
    gt = FakeGitea(token=a.token, forgejo=a.forgejo, version=a.server_version,
                   max_response_items=a.max_response_items, login=login,
                   host=a.host, port=a.port, latency=a.latency / 1000.0)
    if state is not None:
        gt.load_state(state)
    return fakeforge.serve_cli(gt, a)


if __name__ == "__main__":
    sys.exit(main())
