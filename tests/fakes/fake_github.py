#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""fake_github: an in-process fake of the GitHub REST API (api.github.com and
GitHub Enterprise Server) for epithet's end-to-end tests and benchmarks.

It answers the label-management subset of the API the way the real servers
do, as documented in shared/specs/CONTRACTS.md and the recorded responses in
shared/specs/github-recorded/: same paths, status codes, headers, error bodies,
Link pagination and quirks.  Standard library only.

Python use
----------
    from fake_github import FakeGitHub
    with FakeGitHub(token="tkn", ghes=False) as gh:
        gh.add_repo("acme", "r1", labels=[{"name": "bug", "color": "d73a4a"}],
                    issues=[{"number": 1, "labels": ["bug"], "pull": False}])
        gh.add_user("someone")          # an owner that is a user, not an org
        gh.api_url                      # REST root (GHES: url + "/api/v3")
        ...run the client...
        gh.labels("acme", "r1"); gh.issue_labels("acme", "r1", 1)
        gh.requests; gh.writes(); gh.clear_requests()

See FakeGitHub and fakeforge.FakeForge (faults, latency, request log).

Modes
-----
dotcom (default): REST at the server root, GraphQL path /graphql, rate
  limiting on (x-ratelimit-* headers on every API response).
GHES (ghes=True): REST under /api/v3, GraphQL path /api/graphql, anything
  else answers 404 text/html like the web UI would; rate limiting off by
  default (no x-ratelimit-* headers, /api/v3/rate_limit is 404 "Rate limiting
  is not enabled."); /meta has installed_version; responses carry
  x-github-enterprise-version.
GraphQL (graphql=True; off by default, so tests written against REST reads
  keep them): the label-reading subset of GitHub's schema with GitHub's error
  shapes (HTTP 200 + errors[]), pagination rules, node limit and cost, on
  its own "graphql" budget (see fake_github_graphql.py).  Off, its path
  answers 404 (401 without a token) unless `gh.graphql_handler =
  callable(req) -> Response` is set (the handler wins either way).

Implemented endpoints (REST root relative)
------------------------------------------
  GET  /  /meta  /rate_limit  /user
  GET  /orgs/{org}/repos           type sort direction per_page page
  GET  /users/{user}/repos         (public repos only, like GitHub)
  GET  /user/repos                 visibility affiliation type sort direction
  GET  /repos/{o}/{r}
  GET, POST             /repos/{o}/{r}/labels
  GET, PATCH, DELETE    /repos/{o}/{r}/labels/{name}
  GET  /repos/{o}/{r}/issues       labels state sort direction per_page page
  GET  /repos/{o}/{r}/issues/{n}
  GET, POST             /repos/{o}/{r}/issues/{n}/labels
  DELETE                /repos/{o}/{r}/issues/{n}/labels/{name}
  GET  /orgs/{org}/installation  /users/{u}/installation  /repos/{o}/{r}/installation
  POST /app/installations/{id}/access_tokens   (App JWTs: fake_github_app.py, gh.apps)
  GET  /installation/repositories  (an installation token's repos)
  plus the id-based forms GitHub puts in Link headers and redirects:
  /repositories/{id}/..., /organizations/{id}/repos, /user/{id}/repos.
Link headers point at the id-based forms, as api.github.com's do, so a client
must follow them rather than build page URLs.

Behaviour choices where GitHub's is undocumented (documented here so tests
don't guess): labels are listed in creation order; names compare with
str.casefold(); colours are stored as sent (the recorded PATCH of "BADA55"
answers "BADA55"); a label write to a repo whose permissions.push is false
answers 404; adding unknown labels to an issue creates them ("ededed"), as
recorded in add-labels-to-issue.json.

State JSON (--state, --dump, FakeGitHub.load_state/export_state)
----------------------------------------------------------------
{
  "login": "epithet-bot",              # the token's user (optional)
  "orgs":  ["acme"],                   # optional: repo owners default to orgs
  "users": ["someone"],                # owners that are users
  "repos": [
    {"owner": "acme", "name": "r1",
     "private": false, "archived": false, "fork": false, "disabled": false,
     "visibility": "public",           # optional: public|private|internal
     "topics": ["x"], "description": null, "is_template": false,
     "permissions": {"admin": true, "maintain": true, "push": true,
                     "triage": true, "pull": true},        # optional
     "labels": [{"name": "bug", "color": "d73a4a", "description": null,
                 "default": false}],   # color default "ededed"
     "issues": [{"number": 1, "title": "t", "state": "open",
                 "pull": false, "labels": ["bug"]}]}
  ],
  "rate_limit": {"limit": 5000, "remaining": 5000}        # optional
}
Every key but owner/name of a repo is optional.  --dump writes the same
format (plus label/repo ids) after the server stops.

Command line
------------
  python3 fake_github.py --state STATE.json [--ghes] [--token T] [--port 0]
      [--port-file F] [--latency MS] [--graphql] [--dump FILE] [--log FILE]
Serves until SIGTERM/SIGINT, then writes the final state (--dump) and the
request log (--log, a JSON list) and exits 0.  Prints the URL on stdout.
"""

import argparse
import hashlib
import base64
import json
import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fakeforge import (FakeForge, Response, basic_auth_password,  # noqa: E402
                       remove_dot_segments, split_path)
import fakeforge  # noqa: E402
import fake_github_graphql  # noqa: E402
import fake_github_app  # noqa: E402

__all__ = ["FakeGitHub", "Response", "SECONDARY_RATE_LIMIT_BODY"]

DOCS = "https://docs.github.com/rest"
DOC_PATHS = {
    "root": "",
    "org_repos": "/repos/repos#list-organization-repositories",
    "user_repos": "/repos/repos#list-repositories-for-a-user",
    "my_repos": "/repos/repos#list-repositories-for-the-authenticated-user",
    "repo": "/repos/repos#get-a-repository",
    "list_labels": "/issues/labels#list-labels-for-a-repository",
    "create_label": "/issues/labels#create-a-label",
    "get_label": "/issues/labels#get-a-label",
    "update_label": "/issues/labels#update-a-label",
    "delete_label": "/issues/labels#delete-a-label",
    "list_issues": "/issues/issues#list-repository-issues",
    "get_issue": "/issues/issues#get-an-issue",
    "issue_labels": "/issues/labels#list-labels-for-an-issue",
    "add_issue_labels": "/issues/labels#add-labels-to-an-issue",
    "remove_issue_label": "/issues/labels#remove-a-label-from-an-issue",
    "rate_limit": "/rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user",
    "meta": "/meta/meta#get-github-meta-information",
    "user": "/users/users#get-the-authenticated-user",
    "rate_doc": "/overview/rate-limits-for-the-rest-api",
    "get_content": "/repos/contents#get-repository-content",
    "get_blob": "/git/blobs#get-a-blob",
}

API_VERSIONS_DOTCOM = ("2022-11-28", "2026-03-10")
API_VERSIONS_GHES = ("2022-11-28",)
DEFAULT_API_VERSION = "2022-11-28"

# What GitHub answers a request without a User-Agent (plain text, no JSON).
NO_USER_AGENT_BODY = (
    "Request forbidden by administrative rules. Please make sure your request "
    "has a User-Agent header (https://docs.github.com/en/rest/overview/"
    "resources-in-the-rest-api#user-agent-required). Check "
    "https://developer.github.com for other possible causes.\n")

# For tests that simulate a secondary rate limit with add_fault().
SECONDARY_RATE_LIMIT_BODY = {
    "message": "You have exceeded a secondary rate limit. Please wait a few "
               "minutes before you try again. If you reach out to GitHub Support "
               "for help, please include the request ID 0000:0000:0000000:0000000:00000000.",
    "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
                         "#about-secondary-rate-limits",
    "status": "403",
}

EXPOSE_HEADERS = ("ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, "
                  "X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, "
                  "X-RateLimit-Reset, X-OAuth-Scopes, X-Accepted-OAuth-Scopes, "
                  "X-Poll-Interval, X-GitHub-Media-Type, X-GitHub-SSO, "
                  "X-GitHub-Request-Id, Deprecation, Sunset")

COLOR_RE = re.compile(r"^[0-9a-fA-F]{6}$")
NAME_MAX = 50          # code points (I-50)
DESCRIPTION_MAX = 100  # code points (OA)
EPOCH_2020 = 1577836800


def _iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def _node_id(prefix, n):
    return prefix + "_" + base64.b64encode(b"\x93\x00\xce" + n.to_bytes(4, "big")).decode().rstrip("=")


def _key(name):
    """How GitHub compares label names (uniqueness, lookup): case-insensitively."""
    return name.casefold()


# ---- state -------------------------------------------------------------------

class Owner:
    def __init__(self, login, oid, kind):
        self.login, self.id, self.type = login, oid, kind  # "Organization" | "User"


class Label:
    def __init__(self, lid, name, color, description, default):
        self.id, self.name, self.color = lid, name, color
        self.description, self.default = description, default


class Issue:
    def __init__(self, iid, number, title, state, pull, label_ids):
        self.id, self.number, self.title = iid, number, title
        self.state, self.pull, self.label_ids = state, pull, label_ids


class Repo:
    def __init__(self, rid, owner, name, **kw):
        self.id, self.owner, self.name = rid, owner, name
        self.private = bool(kw.get("private", False))
        self.visibility = kw.get("visibility") or ("private" if self.private else "public")
        if self.visibility in ("private", "internal"):
            self.private = True
        self.archived = bool(kw.get("archived", False))
        self.disabled = bool(kw.get("disabled", False))
        self.fork = bool(kw.get("fork", False))
        self.topics = list(kw.get("topics") or [])
        self.description = kw.get("description")
        self.is_template = bool(kw.get("is_template", False))
        self.has_issues = bool(kw.get("has_issues", True))
        perms = {"admin": True, "maintain": True, "push": True, "triage": True, "pull": True}
        perms.update(kw.get("permissions") or {})
        self.permissions = perms
        self.created = EPOCH_2020 + rid * 60
        self.labels = []   # creation order
        self.issues = {}   # number -> Issue
        self.default_branch = kw.get("default_branch", "main")
        self.files = {}    # ref (branch) -> {path: bytes}, for the contents API

    @property
    def full_name(self):
        return "%s/%s" % (self.owner.login, self.name)

    def find_label(self, name):
        k = _key(name)
        for lb in self.labels:
            if _key(lb.name) == k:
                return lb
        return None


class _Bucket:
    """One primary rate-limit bucket (core resource)."""

    def __init__(self, limit, window=3600):
        self.limit = limit
        self.remaining = limit
        self.window = window
        self.reset = int(time.time()) + window

    def refresh(self):
        if time.time() >= self.reset:
            self.remaining = self.limit
            self.reset = int(time.time()) + self.window

    @property
    def used(self):
        return self.limit - self.remaining


# ---- the fake -----------------------------------------------------------------

class FakeGitHub(FakeForge):
    """Fake api.github.com / GitHub Enterprise Server.

    token       the one valid token (Bearer/token/Basic-password); None: none valid
    ghes        GitHub Enterprise Server mode (see module docstring)
    login       the token's user (GET /user, /user/repos affiliation=owner)
    rate_limit  core budget per hour of the token (anonymous: anon_rate_limit)
    rate_limiting  force rate limiting on/off (default: on for dotcom, off for GHES)
    rate_limit_status  403 (default) or 429 when the primary limit is exceeded
    require_api_headers  answer 400 when Accept or X-GitHub-Api-Version is
                missing (the real server doesn't; use missing_api_headers())
    ghes_version  reported by GHES /meta and x-github-enterprise-version
    graphql     answer GraphQL queries (fake_github_graphql.py); default off
    graphql_rate_limit  the token's GraphQL budget (points per hour)
    """

    server_header = "GitHub.com"

    def __init__(self, token="tkn", ghes=False, login="epithet-bot", rate_limit=5000,
                 anon_rate_limit=60, rate_limiting=None, rate_limit_status=403,
                 require_api_headers=False, ghes_version="3.19.0",
                 host="127.0.0.1", port=0, latency=0.0, graphql=False,
                 graphql_rate_limit=5000):
        super().__init__(host=host, port=port, latency=latency)
        self.token = token
        self.ghes = ghes
        self.login = login
        self.rate_limiting = (not ghes) if rate_limiting is None else rate_limiting
        self.rate_limit_status = rate_limit_status
        self.require_api_headers = require_api_headers
        self.ghes_version = ghes_version
        self.graphql_handler = None
        self.graphql = graphql
        if ghes:
            self.server_header = "GitHub.com"  # GHES says the same
        self._buckets = {"token": _Bucket(rate_limit), "anon": _Bucket(anon_rate_limit),
                         "graphql": _Bucket(graphql_rate_limit)}
        self._owners = {}    # casefold login -> Owner
        self._repos = {}     # (casefold owner, casefold name) -> Repo
        self._repo_ids = {}  # id -> Repo
        self._moved = {}     # old (owner, name) key -> Repo (renamed repos redirect)
        self._next = {"owner": 1000, "repo": 100000, "label": 2000000, "issue": 3000000}
        self._req_id = 0
        self.add_user(login)
        # GitHub Apps: JWTs, installations, installation tokens (fake_github_app.py)
        self.apps = fake_github_app.AppRegistry(self, _Bucket)

    # ---- setup API (thread-safe; usable while serving) -------------------

    def _new_id(self, kind):
        self._next[kind] += 1
        return self._next[kind]

    def add_org(self, login):
        with self.lock:
            o = self._owners.get(login.casefold())
            if o is None:
                o = self._owners[login.casefold()] = Owner(login, self._new_id("owner"), "Organization")
            return o

    def add_user(self, login):
        """An owner that is a user: /orgs/{login}/repos is 404 for it."""
        with self.lock:
            o = self._owners.get(login.casefold())
            if o is None:
                o = self._owners[login.casefold()] = Owner(login, self._new_id("owner"), "User")
            o.type = "User"
            return o

    def add_repo(self, owner, name, labels=None, archived=False, fork=False, private=False,
                 topics=None, issues=None, **kw):
        """Create a repo (its owner becomes an org unless add_user() made it a user).

        labels: list of {"name", "color"="ededed", "description"=None,
        "default"=False} (or plain names); issues: list of {"number"=auto,
        "labels"=[names], "pull"=False, "state"="open", "title"}.
        Other keywords: disabled, visibility, description, is_template,
        has_issues, permissions (dict merged over all-true).  Returns the repo id."""
        with self.lock:
            o = self._owners.get(owner.casefold()) or self.add_org(owner)
            key = (owner.casefold(), name.casefold())
            if key in self._repos:
                raise ValueError("repo %s/%s exists" % (owner, name))
            r = Repo(self._new_id("repo"), o, name, archived=archived, fork=fork,
                     private=private, topics=topics, **kw)
            self._repos[key] = r
            self._repo_ids[r.id] = r
            for lb in labels or []:
                if isinstance(lb, str):
                    lb = {"name": lb}
                self.add_label(owner, name, lb["name"], lb.get("color", "ededed"),
                               lb.get("description"), lb.get("default", False))
            for i in issues or []:
                self.add_issue(owner, name, number=i.get("number"), labels=i.get("labels", ()),
                               pull=i.get("pull", False), state=i.get("state", "open"),
                               title=i.get("title"))
            return r.id

    def _repo(self, owner, name):
        r = self._repos.get((owner.casefold(), name.casefold()))
        if r is None:
            raise KeyError("no repo %s/%s" % (owner, name))
        return r

    def add_label(self, owner, repo, name, color="ededed", description=None, default=False):
        with self.lock:
            r = self._repo(owner, repo)
            if r.find_label(name):
                raise ValueError("label %r exists in %s" % (name, r.full_name))
            lb = Label(self._new_id("label"), name, color, description, default)
            r.labels.append(lb)
            return lb.id

    def add_file(self, owner, repo, path, content, ref=None):
        """Put a file (str or bytes) in a repo, on branch ref (default: the default branch)."""
        with self.lock:
            r = self._repo(owner, repo)
            data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
            r.files.setdefault(ref or r.default_branch, {})[path.strip("/")] = data

    def add_issue(self, owner, repo, number=None, labels=(), pull=False, state="open", title=None):
        """Add an issue (pull=True: a pull request); labels must exist."""
        with self.lock:
            r = self._repo(owner, repo)
            if number is None:
                number = max(r.issues, default=0) + 1
            ids = []
            for n in labels:
                lb = r.find_label(n)
                if lb is None:
                    raise ValueError("issue label %r is not a label of %s" % (n, r.full_name))
                ids.append(lb.id)
            r.issues[number] = Issue(self._new_id("issue"), number,
                                     title or ("Test %s %d" % ("PR" if pull else "issue", number)),
                                     state, pull, ids)
            return number

    def delete_repo(self, owner, repo):
        """Remove a repo (as if deleted on GitHub): its URLs answer 404."""
        with self.lock:
            r = self._repo(owner, repo)
            del self._repos[(owner.casefold(), repo.casefold())]
            del self._repo_ids[r.id]

    def set_archived(self, owner, repo, archived=True):
        with self.lock:
            self._repo(owner, repo).archived = archived

    def rename_repo(self, owner, old, new):
        """Rename a repo; the old name then redirects (301 GET, 307 others)."""
        with self.lock:
            r = self._repo(owner, old)
            del self._repos[(owner.casefold(), old.casefold())]
            r.name = new
            self._repos[(owner.casefold(), new.casefold())] = r
            self._moved[(owner.casefold(), old.casefold())] = r

    def set_rate_limit(self, remaining=None, limit=None, reset_in=None, anonymous=False,
                       resource="core"):
        """Adjust the token's (or the anonymous) primary budget; resource="graphql":
        the token's GraphQL budget."""
        with self.lock:
            b = self._buckets["graphql" if resource == "graphql" else
                              "anon" if anonymous else "token"]
            if limit is not None:
                b.limit = limit
                if remaining is None:
                    b.remaining = min(b.remaining, limit)
            if remaining is not None:
                b.remaining = remaining
            if reset_in is not None:
                b.reset = int(time.time() + reset_in)

    def rate_limit_state(self, anonymous=False, resource="core"):
        """{"limit","remaining","used","reset"} of the token's budget (resource=
        "graphql": of its GraphQL budget)."""
        with self.lock:
            b = self._buckets["graphql" if resource == "graphql" else
                              "anon" if anonymous else "token"]
            b.refresh()
            return {"limit": b.limit, "remaining": b.remaining, "used": b.used, "reset": b.reset}

    # ---- inspection API -----------------------------------------------------

    @property
    def api_url(self):
        """REST root: url (dotcom) or url + "/api/v3" (GHES)."""
        return self.url + ("/api/v3" if self.ghes else "")

    @property
    def graphql_url(self):
        return self.url + ("/api/graphql" if self.ghes else "/graphql")

    def labels(self, owner, repo):
        """Current labels: [{"id","name","color","description","default"}]."""
        with self.lock:
            return [{"id": lb.id, "name": lb.name, "color": lb.color,
                     "description": lb.description, "default": lb.default}
                    for lb in self._repo(owner, repo).labels]

    def label(self, owner, repo, name):
        """One label (case-insensitive name) as a dict, or None."""
        for lb in self.labels(owner, repo):
            if _key(lb["name"]) == _key(name):
                return lb
        return None

    def issue_labels(self, owner, repo, number):
        """Names of the labels on an issue/PR, in the order they were added."""
        with self.lock:
            r = self._repo(owner, repo)
            by_id = {lb.id: lb.name for lb in r.labels}
            return [by_id[i] for i in r.issues[number].label_ids]

    def repo_info(self, owner, repo):
        with self.lock:
            r = self._repo(owner, repo)
            return {"id": r.id, "name": r.name, "full_name": r.full_name,
                    "archived": r.archived, "private": r.private, "fork": r.fork,
                    "topics": list(r.topics)}

    def counts_as_write(self, method, path):
        """A GraphQL query is sent by POST but reads."""
        return super().counts_as_write(method, path) and \
            path != ("/api/graphql" if self.ghes else "/graphql")

    def is_graphql(self, req):
        """Whether a logged request went to the GraphQL endpoint."""
        return req.path == ("/api/graphql" if self.ghes else "/graphql")

    @staticmethod
    def _is_query(req):
        body = req.body if isinstance(req.body, dict) else {}
        text = body.get("query")
        if not isinstance(text, str):
            return True  # nothing that could change anything
        text = re.sub(r"(?m)#.*$", "", text).lstrip()
        return not text.startswith(("mutation", "subscription"))

    def graphql_requests(self):
        """The logged requests to the GraphQL endpoint."""
        return [r for r in self.requests if self.is_graphql(r)]

    def writes(self):
        """The logged requests that may change something: not GET/HEAD/OPTIONS,
        and not a GraphQL query (a POST that only reads)."""
        return [r for r in super().writes()
                if not (self.is_graphql(r) and r.method == "POST" and self._is_query(r))]

    def missing_api_headers(self):
        """Logged API requests lacking Accept or X-GitHub-Api-Version."""
        return [q for q in self.requests
                if "accept" not in q.headers or "x-github-api-version" not in q.headers]

    # ---- state files ------------------------------------------------------------

    def load_state(self, state):
        """Add owners/repos from a state dict (format: module docstring)."""
        for u in state.get("users", []):
            self.add_user(u)
        for o in state.get("orgs", []):
            self.add_org(o)
        for r in state.get("repos", []):
            r = dict(r)
            owner, name = r.pop("owner"), r.pop("name")
            r.pop("id", None)
            self.add_repo(owner, name, **r)
        rl = state.get("rate_limit")
        if rl:
            self.set_rate_limit(remaining=rl.get("remaining"), limit=rl.get("limit"))

    def export_state(self):
        with self.lock:
            out = {"login": self.login,
                   "orgs": [o.login for o in self._owners.values() if o.type == "Organization"],
                   "users": [o.login for o in self._owners.values() if o.type == "User"],
                   "repos": []}
            for r in self._repos.values():
                by_id = {lb.id: lb.name for lb in r.labels}
                out["repos"].append({
                    "id": r.id, "owner": r.owner.login, "name": r.name,
                    "private": r.private, "visibility": r.visibility,
                    "archived": r.archived, "disabled": r.disabled, "fork": r.fork,
                    "topics": r.topics, "description": r.description,
                    "is_template": r.is_template, "permissions": r.permissions,
                    "labels": [{"id": lb.id, "name": lb.name, "color": lb.color,
                                "description": lb.description, "default": lb.default}
                               for lb in r.labels],
                    "issues": [{"number": i.number, "title": i.title, "state": i.state,
                                "pull": i.pull, "labels": [by_id[x] for x in i.label_ids]}
                               for i in r.issues.values()],
                })
            out["rate_limit"] = self.rate_limit_state()
            return out

    # ---- helpers for responses --------------------------------------------------

    def _doc(self, key):
        base = DOCS
        if self.ghes:
            v = ".".join(self.ghes_version.split(".")[:2])
            base = "https://docs.github.com/enterprise-server@%s/rest" % v
        return base + DOC_PATHS[key]

    def _error(self, status, message, doc="root", extra=None):
        """A basic-error body: message, documentation_url, status."""
        body = {"message": message, "documentation_url": self._doc(doc), "status": str(status)}
        if extra:
            body.update(extra)
        return Response.json(status, body)

    def _not_found(self, doc="root"):
        return self._error(404, "Not Found", doc)

    def _validation(self, errors, doc):
        """422 validation-error, exactly the CONTRACTS.md shape (no status key)."""
        return Response.json(422, {"message": "Validation Failed", "errors": errors,
                                   "documentation_url": self._doc(doc)})

    def _invalid_request(self, detail, doc):
        """422 from GitHub's JSON-schema check of the request body."""
        return self._error(422, "Invalid request.\n\n" + detail, doc)

    def _root(self, req):
        return self.base_url(req) + ("/api/v3" if self.ghes else "")

    def _web(self, req):
        return self.base_url(req) if self.ghes else "https://github.com"

    def _user_json(self, req, o):
        api, web = self._root(req), self._web(req)
        return {
            "login": o.login, "id": o.id, "node_id": _node_id("U" if o.type == "User" else "O", o.id),
            "avatar_url": "https://avatars.githubusercontent.com/u/%d?v=4" % o.id,
            "gravatar_id": "", "url": "%s/users/%s" % (api, o.login),
            "html_url": "%s/%s" % (web, o.login),
            "followers_url": "%s/users/%s/followers" % (api, o.login),
            "following_url": "%s/users/%s/following{/other_user}" % (api, o.login),
            "gists_url": "%s/users/%s/gists{/gist_id}" % (api, o.login),
            "starred_url": "%s/users/%s/starred{/owner}{/repo}" % (api, o.login),
            "subscriptions_url": "%s/users/%s/subscriptions" % (api, o.login),
            "organizations_url": "%s/users/%s/orgs" % (api, o.login),
            "repos_url": "%s/users/%s/repos" % (api, o.login),
            "events_url": "%s/users/%s/events{/privacy}" % (api, o.login),
            "received_events_url": "%s/users/%s/received_events" % (api, o.login),
            "type": o.type, "user_view_type": "public", "site_admin": False,
        }

    def _repo_json(self, req, r):
        api = "%s/repos/%s" % (self._root(req), r.full_name)
        j = {
            "id": r.id, "node_id": _node_id("R", r.id), "name": r.name,
            "full_name": r.full_name, "private": r.private,
            "owner": self._user_json(req, r.owner),
            "html_url": "%s/%s" % (self._web(req), r.full_name),
            "description": r.description, "fork": r.fork, "url": api,
            "labels_url": api + "/labels{/name}",
            "issues_url": api + "/issues{/number}",
            "created_at": _iso(r.created), "updated_at": _iso(r.created),
            "pushed_at": _iso(r.created),
            "homepage": None, "size": 1, "stargazers_count": 0, "watchers_count": 0,
            "language": None, "has_issues": r.has_issues, "has_projects": True,
            "has_wiki": True, "has_pages": False, "has_discussions": False,
            "forks_count": 0, "mirror_url": None, "archived": r.archived,
            "disabled": r.disabled,
            "open_issues_count": sum(1 for i in r.issues.values() if i.state == "open"),
            "license": None, "allow_forking": True, "is_template": r.is_template,
            "web_commit_signoff_required": False, "topics": list(r.topics),
            "visibility": r.visibility, "forks": 0,
            "open_issues": sum(1 for i in r.issues.values() if i.state == "open"),
            "watchers": 0, "default_branch": "main",
        }
        if req.gh_version != "2026-03-10":
            j["has_downloads"] = True
        if req.gh_ident == "token":
            j["permissions"] = dict(r.permissions)
            j["role_name"] = "admin" if r.permissions.get("admin") else (
                "write" if r.permissions.get("push") else "read")
        return j

    def _label_url(self, req, r, name):
        return "%s/repos/%s/labels/%s" % (self._root(req), r.full_name,
                                          urllib.parse.quote(name, safe=""))

    def _label_json(self, req, r, lb):
        # key order as in github-recorded/labels.json
        return {"id": lb.id, "node_id": _node_id("LA", lb.id), "url": self._label_url(req, r, lb.name),
                "name": lb.name, "color": lb.color, "default": lb.default,
                "description": lb.description}

    def _issue_json(self, req, r, i):
        api = "%s/repos/%s" % (self._root(req), r.full_name)
        by_id = {lb.id: lb for lb in r.labels}
        t = _iso(r.created + i.number * 60)
        j = {
            "url": "%s/issues/%d" % (api, i.number),
            "repository_url": api,
            "labels_url": "%s/issues/%d/labels{/name}" % (api, i.number),
            "comments_url": "%s/issues/%d/comments" % (api, i.number),
            "events_url": "%s/issues/%d/events" % (api, i.number),
            "html_url": "%s/%s/%s/%d" % (self._web(req), r.full_name,
                                         "pull" if i.pull else "issues", i.number),
            "id": i.id, "node_id": _node_id("PR" if i.pull else "I", i.id),
            "number": i.number, "title": i.title,
            "user": self._user_json(req, self._owners[self.login.casefold()]),
            "labels": [self._label_json(req, r, by_id[x]) for x in i.label_ids],
            "state": i.state, "locked": False, "assignee": None, "assignees": [],
            "milestone": None, "comments": 0, "created_at": t, "updated_at": t,
            "closed_at": t if i.state == "closed" else None,
            "author_association": "OWNER", "active_lock_reason": None, "body": None,
            "state_reason": "completed" if i.state == "closed" else None,
        }
        if i.pull:
            j["draft"] = False
            j["pull_request"] = {
                "url": "%s/pulls/%d" % (api, i.number),
                "html_url": "%s/%s/pull/%d" % (self._web(req), r.full_name, i.number),
                "diff_url": "%s/%s/pull/%d.diff" % (self._web(req), r.full_name, i.number),
                "patch_url": "%s/%s/pull/%d.patch" % (self._web(req), r.full_name, i.number),
                "merged_at": None,
            }
        return j

    def _paged(self, req, items, link_path, render):
        """200 with one page of items and GitHub's Link header."""
        page, per_page = self.page_params(req)
        total = len(items)
        last = max(1, -(-total // per_page))
        chunk = items[(page - 1) * per_page: page * per_page]
        resp = Response.json(200, [render(x) for x in chunk])
        link = self.link_header(self._root(req) + link_path, req.query, page, last)
        if link:
            resp.headers["link"] = link
        return resp

    # ---- the request pipeline --------------------------------------------------

    def _identity(self, req):
        """'token', 'anon' or 'bad' from the Authorization header."""
        h = req.headers.get("authorization")
        if h is None:
            return "anon"
        scheme, _, cred = h.strip().partition(" ")
        scheme, cred = scheme.lower(), cred.strip()
        if scheme in ("bearer", "token"):
            req.gh_installation = self.apps.installation_for(cred)
            ok = cred == self.token or req.gh_installation is not None
        elif scheme == "basic":
            ok = basic_auth_password(cred) == self.token
        else:
            ok = False
        return "token" if (ok and self.token) else "bad"

    def decorate(self, req, resp):
        """Headers on every API response (not on the web-UI 404, nor the
        User-Agent refusal): request id, media type, CORS, rate limit."""
        kind = getattr(req, "gh_kind", None)
        if kind is None:  # a fault answered before handle(): classify now
            req.gh_ident = self._identity(req)
            req.gh_version = req.headers.get("x-github-api-version", DEFAULT_API_VERSION)
            kind = "api"
        if kind != "api":
            return
        h = resp.headers
        with self.lock:
            self._req_id += 1
            rid = self._req_id
        h.setdefault("x-github-request-id", "FAKE:%04X:%06X" % (os.getpid() & 0xFFFF, rid))
        h.setdefault("x-github-media-type", "github.v3; format=json")
        h.setdefault("x-github-api-version-selected",
                     req.gh_version if req.gh_version in self._versions() else DEFAULT_API_VERSION)
        h.setdefault("access-control-allow-origin", "*")
        h.setdefault("access-control-expose-headers", EXPOSE_HEADERS)
        h.setdefault("x-content-type-options", "nosniff")
        h.setdefault("x-frame-options", "deny")
        h.setdefault("content-security-policy", "default-src 'none'")
        h.setdefault("referrer-policy", "origin-when-cross-origin, strict-origin-when-cross-origin")
        h.setdefault("x-xss-protection", "0")
        if req.gh_ident == "token":
            h.setdefault("x-oauth-scopes", "repo, read:org")
            h.setdefault("x-accepted-oauth-scopes", "repo")
        if self.ghes:
            h.setdefault("x-github-enterprise-version", self.ghes_version)
        if self.rate_limiting:
            with self.lock:
                b = self._bucket_for(req)
                b.refresh()
                h.setdefault("x-ratelimit-limit", str(b.limit))
                h.setdefault("x-ratelimit-remaining", str(b.remaining))
                h.setdefault("x-ratelimit-reset", str(b.reset))
                h.setdefault("x-ratelimit-used", str(b.used))
                h.setdefault("x-ratelimit-resource", "core")

    def _bucket_for(self, req):
        """The core budget a request draws from: its installation's, the
        token's or the anonymous one."""
        inst = getattr(req, "gh_installation", None)
        if inst is not None and req.gh_ident == "token":
            return inst.bucket
        return self._buckets["token" if req.gh_ident == "token" else "anon"]

    @staticmethod
    def _outside_installation(req, r, write=False):
        """An installation token acting on another account's repository
        (or, for a write, without the App's issues: write permission)."""
        inst = getattr(req, "gh_installation", None)
        return inst is not None and (not inst.covers(r) or (write and inst.issues != "write"))

    def _versions(self):
        return API_VERSIONS_GHES if self.ghes else API_VERSIONS_DOTCOM

    def handle(self, req):
        req.gh_kind = "api"
        req.gh_ident = "anon"
        req.gh_version = req.headers.get("x-github-api-version", DEFAULT_API_VERSION)

        if not req.headers.get("user-agent", "").strip():
            req.gh_kind = "refused"
            return Response(403, NO_USER_AGENT_BODY)

        segs = split_path(remove_dot_segments(req.path))
        graphql = False
        if segs is not None and self.ghes:
            if segs[:2] == ["api", "v3"]:
                segs = segs[2:]
            elif segs == ["api", "graphql"]:
                graphql = True
            else:
                req.gh_kind = "web"
                return Response(404, "<!DOCTYPE html>\n<html><body><h1>Page not found</h1>"
                                     "</body></html>\n", content_type="text/html; charset=utf-8")
        elif segs == ["graphql"]:
            graphql = True

        version = req.headers.get("x-github-api-version")
        if version is not None and version not in self._versions():
            supported = ", ".join('"%s"' % v for v in self._versions())
            return self._error(400, 'The version you specified in the "X-GitHub-API-Version" '
                                    'request header, "%s", is not a supported version. The '
                                    'following versions are currently supported: %s.'
                                    % (version, supported))
        if self.require_api_headers and ("accept" not in req.headers or version is None):
            return self._error(400, "fake_github: request lacks Accept or X-GitHub-Api-Version "
                                    "(require_api_headers is on)")

        if segs is not None and not graphql and self.apps.is_app_route(segs, req.method):
            req.gh_kind = "app"  # JWT-authenticated: the App's own budget, not decorated
            with self.lock:
                return self.apps.route(req, segs)

        req.gh_ident = self._identity(req)
        if req.gh_ident == "bad":
            return self._error(401, "Bad credentials")

        with self.lock:
            # /rate_limit is free; GraphQL draws from its own budget
            rate_free = segs in (["rate_limit"],) or graphql
            bucket = self._bucket_for(req)
            bucket.refresh()
            if self.rate_limiting and not rate_free and bucket.remaining <= 0:
                return self._rate_limited(req)

            if graphql:
                resp = self._graphql(req)
                if self.rate_limiting and req.gh_ident == "token":
                    g = self._buckets["graphql"]
                    g.refresh()
                    resp.headers.update({"x-ratelimit-limit": str(g.limit),
                                         "x-ratelimit-remaining": str(g.remaining),
                                         "x-ratelimit-reset": str(g.reset),
                                         "x-ratelimit-used": str(g.used),
                                         "x-ratelimit-resource": "graphql"})
            elif segs is None:
                resp = self._not_found()
            else:
                resp = self._route(req, segs)

            # ETag and cache-control on 200/201 with a body (writes too, as
            # recorded); a GET with a matching If-None-Match -> 304, no body
            if resp.status in (200, 201) and resp.body:
                etag = '"%s"' % hashlib.sha256(req.gh_ident.encode() + b"\0" + resp.body).hexdigest()[:40]
                resp.headers["etag"] = etag
                resp.headers.setdefault("cache-control", "%s, max-age=60, s-maxage=60" % (
                    "private" if req.gh_ident == "token" else "public"))
                resp.headers.setdefault("vary", "Accept, Authorization, Cookie, X-GitHub-OTP")
                if req.method in ("GET", "HEAD") and self._etag_matches(
                        req.headers.get("if-none-match"), etag):
                    resp = Response(304, b"", {k: v for k, v in resp.headers.items()
                                               if k in ("etag", "cache-control", "vary", "link")})

            # Charge the primary budget: 1 per request; /rate_limit is free,
            # an authenticated 304 is free.
            if self.rate_limiting and not rate_free and not (
                    resp.status == 304 and req.gh_ident == "token"):
                bucket.remaining = max(0, bucket.remaining - 1)
            return resp

    @staticmethod
    def _etag_matches(header, etag):
        if not header:
            return False
        for tag in header.split(","):
            tag = tag.strip()
            if tag == "*":
                return True
            if tag.startswith("W/"):
                tag = tag[2:]
            if tag == etag:
                return True
        return False

    def _rate_limited(self, req):
        if req.gh_ident == "token":
            who = "user ID %d" % self._owners[self.login.casefold()].id
        else:
            who = ("%s. (But here's the good news: Authenticated requests get a higher "
                   "rate limit. Check out the documentation for more details.)"
                   % req.headers.get("x-forwarded-for", "127.0.0.1"))
        msg = ("API rate limit exceeded for %s. If you reach out to GitHub Support for help, "
               "please include the request ID FAKE:%04X and timestamp %s UTC."
               % (who, req.seq, time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())))
        return self._error(self.rate_limit_status, msg, "rate_doc")

    def _graphql(self, req):
        if req.gh_ident != "token":
            return Response.json(401, {
                "message": "This endpoint requires you to be authenticated.",
                "documentation_url": "https://docs.github.com/graphql/guides/"
                                     "forming-calls-with-graphql#authenticating-with-graphql"})
        if self.graphql_handler:
            return self.graphql_handler(req)
        if not self.graphql:
            return self._error(404, "Not Found (fake_github: GraphQL is off; FakeGitHub(graphql=True))")
        if req.method != "POST":
            return self._error(404, "Not Found")
        if req.json_error is not None:
            return self._error(400, "Problems parsing JSON")
        status, body = fake_github_graphql.execute(
            self, req, req.body, self._buckets["graphql"] if self.rate_limiting else None)
        return Response.json(status, body)

    _gql_node_id = staticmethod(_node_id)

    # ---- routing ----------------------------------------------------------------

    def _route(self, req, segs):
        m = "GET" if req.method == "HEAD" else req.method
        n = len(segs)
        if segs in ([], [""]) and m == "GET":
            return Response.json(200, self._index(req))
        if segs == ["meta"] and m == "GET":
            return Response.json(200, self._meta())
        if segs == ["rate_limit"] and m == "GET":
            return self._rate_limit_status(req)
        if segs == ["user"] and m == "GET":
            if req.gh_ident != "token":
                return self._error(401, "Requires authentication", "user")
            if getattr(req, "gh_installation", None) is not None:
                return self._error(403, fake_github_app.NOT_INTEGRATION, "user")
            return Response.json(200, self._user_json(req, self._owners[self.login.casefold()]))
        if segs == ["user", "repos"] and m == "GET":
            return self._my_repos(req)
        if segs == ["installation", "repositories"] and m == "GET":
            return self.apps.installation_repositories(req)
        if n == 3 and segs[2] == "repos" and m == "GET":
            if segs[0] == "orgs":
                return self._org_repos(req, self._owners.get(segs[1].casefold()))
            if segs[0] == "organizations":
                return self._org_repos(req, self._owner_by_id(segs[1]))
            if segs[0] == "users":
                return self._user_repos(req, self._owners.get(segs[1].casefold()))
            if segs[0] == "user":
                return self._user_repos(req, self._owner_by_id(segs[1]))
        if n >= 3 and segs[0] == "repos":
            key = (segs[1].casefold(), segs[2].casefold())
            r = self._repos.get(key)
            if r is None and key in self._moved:
                return self._redirect(req, self._moved[key], 3)
            return self._repo_route(req, m, r, segs[3:])
        if n >= 2 and segs[0] == "repositories":
            r = self._repo_ids.get(int(segs[1])) if segs[1].isdigit() else None
            return self._repo_route(req, m, r, segs[2:])
        return self._not_found()

    def _owner_by_id(self, s):
        if s.isdigit():
            for o in self._owners.values():
                if o.id == int(s):
                    return o
        return None

    def _redirect(self, req, r, consumed):
        """A renamed repo: 301 for GET/HEAD, 307 for the rest, to /repositories/{id}."""
        rest = req.path.split("/")[1 + consumed + (2 if self.ghes else 0):]
        loc = "%s/repositories/%d%s%s" % (self._root(req), r.id,
                                         "".join("/" + s for s in rest),
                                         "?" + req.query if req.query else "")
        status = 301 if req.method in ("GET", "HEAD") else 307
        return Response.json(status, {"message": "Moved Permanently", "url": loc,
                                      "documentation_url": "https://docs.github.com/v3/#http-redirects"},
                             {"location": loc})

    def _visible(self, req, r):
        return r is not None and (not r.private or (
            req.gh_ident == "token" and not self._outside_installation(req, r)))

    def _repo_route(self, req, m, r, rest):
        n = len(rest)
        doc = {0: "repo"}.get(n, "root")
        if n >= 1 and rest[0] == "labels":
            doc = {"GET": "list_labels" if n == 1 else "get_label", "POST": "create_label",
                   "PATCH": "update_label", "DELETE": "delete_label"}.get(m, "root")
        elif n >= 1 and rest[0] == "contents":
            doc = "get_content"
        elif n >= 2 and rest[:2] == ["git", "blobs"]:
            doc = "get_blob"
        elif n >= 1 and rest[0] == "issues":
            doc = "list_issues" if n == 1 else ("get_issue" if n == 2 else (
                "remove_issue_label" if m == "DELETE" else
                "add_issue_labels" if m == "POST" else "issue_labels"))
        if not self._visible(req, r):
            return self._not_found(doc)

        if n == 0 and m == "GET":
            return Response.json(200, self._repo_json(req, r))
        if rest == ["labels"]:
            if m == "GET":
                return self._paged(req, r.labels, "/repositories/%d/labels" % r.id,
                                   lambda lb: self._label_json(req, r, lb))
            if m == "POST":
                return self._create_label(req, r)
        if n == 2 and rest[0] == "labels":
            lb = r.find_label(rest[1])
            if m == "GET":
                return Response.json(200, self._label_json(req, r, lb)) if lb else self._not_found(doc)
            if m == "PATCH":
                return self._update_label(req, r, rest[1])
            if m == "DELETE":
                return self._delete_label(req, r, rest[1])
        if n >= 1 and rest[0] == "contents" and m == "GET":
            return self._contents(req, r, "/".join(rest[1:]))
        if n == 3 and rest[:2] == ["git", "blobs"] and m == "GET":
            return self._blob(req, r, rest[2])
        if rest == ["issues"] and m == "GET":
            return self._list_issues(req, r)
        if n >= 2 and rest[0] == "issues":
            issue = r.issues.get(int(rest[1])) if rest[1].isdigit() else None
            if n == 2 and m == "GET":
                return Response.json(200, self._issue_json(req, r, issue)) if issue else self._not_found(doc)
            if n == 3 and rest[2] == "labels" and m in ("GET", "POST"):
                if issue is None:
                    return self._not_found(doc)
                if m == "GET":
                    by_id = {lb.id: lb for lb in r.labels}
                    return self._paged(req, [by_id[x] for x in issue.label_ids],
                                       "/repositories/%d/issues/%d/labels" % (r.id, issue.number),
                                       lambda lb: self._label_json(req, r, lb))
                return self._add_issue_labels(req, r, issue)
            if n == 4 and rest[2] == "labels" and m == "DELETE":
                if issue is None:
                    return self._not_found(doc)
                return self._remove_issue_label(req, r, issue, rest[3])
        return self._not_found()

    # ---- endpoints ------------------------------------------------------------------

    # GitHub sends files over 1 MB without their content in JSON ("encoding":
    # "none"); the raw media type gets them.
    CONTENTS_JSON_MAX = 1024 * 1024

    def _content_entry(self, req, r, ref, path, data):
        api = "%s/repos/%s/contents/%s?ref=%s" % (self._root(req), r.full_name, path, ref)
        sha = self._blob_sha(data or b"")
        html = "%s/%s/%s/%s/%s" % (self._web(req), r.full_name, "blob" if data is not None
                                   else "tree", ref, path)
        return {"type": "file" if data is not None else "dir", "size": len(data or b""),
                "name": path.rsplit("/", 1)[-1], "path": path, "sha": sha, "url": api,
                "html_url": html, "git_url": "%s/repos/%s/git/blobs/%s" % (
                    self._root(req), r.full_name, sha),
                "download_url": ("https://raw.githubusercontent.com/%s/%s/%s" % (
                    r.full_name, ref, path)) if data is not None else None,
                "_links": {"self": api, "git": None, "html": html}}

    @staticmethod
    def _blob_sha(data):
        return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()

    def _blob(self, req, r, sha):
        """GET /repos/{o}/{r}/git/blobs/{sha}: any size up to 100 MB, base64."""
        for files in r.files.values():
            for data in files.values():
                if self._blob_sha(data) == sha:
                    b64 = base64.b64encode(data).decode("ascii")
                    return Response.json(200, {
                        "sha": sha, "node_id": _node_id("B", int(sha[:6], 16)), "size": len(data),
                        "url": "%s/repos/%s/git/blobs/%s" % (self._root(req), r.full_name, sha),
                        "content": "".join(b64[i:i + 60] + "\n" for i in range(0, len(b64), 60)),
                        "encoding": "base64"})
        return self._not_found("get_blob")

    def _contents(self, req, r, path):
        """GET /repos/{o}/{r}/contents/{path}?ref=: a file (JSON, base64 content, or
        raw bytes with the .raw media type), a directory (a JSON array), 404s."""
        ref = req.params.get("ref") or r.default_branch
        files = r.files.get(ref)
        if files is None:
            return self._error(404, "No commit found for the ref %s" % ref, "get_content")
        path = path.strip("/")
        accept = req.headers.get("accept", "")
        if path in files:
            data = files[path]
            if "application/vnd.github.raw" in accept or "application/vnd.github.v3.raw" in accept:
                return Response(200, data, content_type="application/vnd.github.raw")
            entry = self._content_entry(req, r, ref, path, data)
            if len(data) > self.CONTENTS_JSON_MAX:
                entry.update({"encoding": "none", "content": ""})
            else:
                b64 = base64.b64encode(data).decode("ascii")
                entry.update({"encoding": "base64", "content": "".join(
                    b64[i:i + 60] + "\n" for i in range(0, len(b64), 60))})
            return Response.json(200, entry)
        prefix = path + "/" if path else ""
        below = sorted({p[len(prefix):].split("/", 1)[0] for p in files if p.startswith(prefix)})
        if not below:
            return self._not_found("get_content")
        return Response.json(200, [self._content_entry(
            req, r, ref, prefix + name, files.get(prefix + name)) for name in below])

    def _index(self, req):
        api = self._root(req)
        return {"current_user_url": api + "/user",
                "organization_repositories_url": api + "/orgs/{org}/repos{?type,page,per_page,sort}",
                "rate_limit_url": api + "/rate_limit",
                "repository_url": api + "/repos/{owner}/{repo}",
                "user_repositories_url": api + "/users/{user}/repos{?type,page,per_page,sort}"}

    def _meta(self):
        if self.ghes:
            return {"verifiable_password_authentication": True,
                    "installed_version": self.ghes_version}
        return {"verifiable_password_authentication": False,
                "ssh_key_fingerprints": {"SHA256_ECDSA": "p2QAMXNIC1TJYWeIOttrVc98/R1BUFWu3/LiyKgUfQM",
                                         "SHA256_ED25519": "+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU",
                                         "SHA256_RSA": "uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s"},
                "hooks": ["192.0.2.1/32"], "web": ["192.0.2.1/32"], "api": ["192.0.2.1/32"],
                "git": ["192.0.2.1/32"]}

    def _rate_limit_status(self, req):
        if not self.rate_limiting:
            return Response.json(404, {"message": "Rate limiting is not enabled.",
                                       "documentation_url": self._doc("rate_limit")})
        b = self._bucket_for(req)
        core = {"limit": b.limit, "used": b.used, "remaining": b.remaining, "reset": b.reset}
        reset = int(time.time()) + 60
        body = {"resources": {
            "core": core,
            "search": {"limit": 30, "used": 0, "remaining": 30, "reset": reset},
            "graphql": self.rate_limit_state(resource="graphql"),
            "integration_manifest": {"limit": 5000, "used": 0, "remaining": 5000, "reset": reset + 3540},
            "code_search": {"limit": 10, "used": 0, "remaining": 10, "reset": reset},
        }}
        if req.gh_version != "2026-03-10":
            body["rate"] = dict(core)
        return Response.json(200, body)

    def _visible_repos(self, req, owner=None):
        return [r for r in self._repos.values()
                if (owner is None or r.owner is owner) and self._visible(req, r)]

    def _sorted_repos(self, req, repos, default_sort):
        sort = req.params.get("sort", default_sort)
        if sort not in ("created", "updated", "pushed", "full_name"):
            sort = default_sort
        direction = req.params.get("direction") or ("asc" if sort == "full_name" else "desc")
        if sort == "full_name":
            repos.sort(key=lambda r: r.full_name.casefold())
        else:  # created/updated/pushed: all equal to creation time here
            repos.sort(key=lambda r: r.created)
        if direction == "desc":
            repos.reverse()
        return repos

    def _org_repos(self, req, org):
        if org is None or org.type != "Organization":
            return self._not_found("org_repos")
        repos = self._visible_repos(req, org)
        t = req.params.get("type", "all")
        if t == "public":
            repos = [r for r in repos if r.visibility == "public"]
        elif t == "private":
            repos = [r for r in repos if r.private]
        elif t == "forks":
            repos = [r for r in repos if r.fork]
        elif t == "sources":
            repos = [r for r in repos if not r.fork]
        elif t == "internal" and self.ghes:
            repos = [r for r in repos if r.visibility == "internal"]
        repos = self._sorted_repos(req, repos, "created")
        return self._paged(req, repos, "/organizations/%d/repos" % org.id,
                           lambda r: self._repo_json(req, r))

    def _user_repos(self, req, user):
        if user is None:
            return self._not_found("user_repos")
        # public repos only, even for the token's own user (use /user/repos)
        repos = [r for r in self._repos.values() if r.owner is user and not r.private]
        if req.params.get("type", "owner") == "member":
            repos = []
        repos = self._sorted_repos(req, repos, "full_name")
        return self._paged(req, repos, "/user/%d/repos" % user.id,
                           lambda r: self._repo_json(req, r))

    def _my_repos(self, req):
        if req.gh_ident != "token":
            return self._error(401, "Requires authentication", "my_repos")
        p = req.params
        if "type" in p and ("visibility" in p or "affiliation" in p):
            return self._validation([{"resource": "Repository", "code": "invalid",
                                      "field": "type"}], "my_repos")
        me = self._owners[self.login.casefold()]
        aff = set(p.get("affiliation", "owner,collaborator,organization_member").split(","))
        t = p.get("type")
        if t == "owner":
            aff = {"owner"}
        elif t == "member":
            aff = {"organization_member", "collaborator"}
        repos = []
        for r in self._repos.values():
            mine = r.owner is me
            if (mine and "owner" in aff) or (not mine and "organization_member" in aff):
                repos.append(r)
        vis = p.get("visibility", "public" if t == "public" else "private" if t == "private" else "all")
        if vis == "public":
            repos = [r for r in repos if not r.private]
        elif vis == "private":
            repos = [r for r in repos if r.private]
        repos = self._sorted_repos(req, repos, "full_name")
        return self._paged(req, repos, "/user/repos", lambda r: self._repo_json(req, r))

    # ---- label writes ---------------------------------------------------------------

    def _write_check(self, req, r, doc):
        """Auth, permission and archive checks every write goes through."""
        if req.gh_ident != "token":
            return self._error(401, "Requires authentication", doc)
        if self._outside_installation(req, r, write=True):
            return self._error(403, fake_github_app.NOT_INTEGRATION, doc)
        if not r.permissions.get("push"):
            return self._not_found(doc)
        if r.archived:
            return self._error(403, "Repository was archived so is read-only.", doc)
        return None

    def _json_object(self, req, doc, allow_list=False):
        """(body, None) or (None, error Response) for a write's JSON body."""
        if req.json_error is not None:
            return None, self._error(400, "Problems parsing JSON", doc)
        body = req.body if req.raw_body.strip() else {}
        if isinstance(body, dict) or (allow_list and isinstance(body, list)):
            return body, None
        return None, self._error(400, "Body should be a JSON object", doc)

    def _check_fields(self, fields, name_key, doc):
        """Validate name/new_name, color, description like GitHub.
        Returns an error Response or None."""
        for k in (name_key, "color", "description"):
            v = fields.get(k)
            if v is not None and not isinstance(v, str):
                return self._invalid_request("For 'properties/%s', %s is not a string."
                                             % (k, json.dumps(v)), doc)
        errors = []
        name = fields.get(name_key)
        if name is not None:
            if name.strip() == "":
                errors.append({"resource": "Label", "code": "missing_field", "field": "name"})
            elif len(name) > NAME_MAX:
                errors.append({"resource": "Label", "code": "custom", "field": "name",
                               "message": "name is too long (maximum is %d characters)" % NAME_MAX})
        color = fields.get("color")
        if color is not None and not COLOR_RE.match(color):
            errors.append({"resource": "Label", "code": "invalid", "field": "color"})
        desc = fields.get("description")
        if desc is not None and len(desc) > DESCRIPTION_MAX:
            errors.append({"resource": "Label", "code": "custom", "field": "description",
                           "message": "description is too long (maximum is %d characters)"
                                      % DESCRIPTION_MAX})
        return self._validation(errors, doc) if errors else None

    def _already_exists(self, doc):
        return self._validation([{"resource": "Label", "code": "already_exists",
                                  "field": "name"}], doc)

    def _create_label(self, req, r):
        doc = "create_label"
        err = self._write_check(req, r, doc)
        if err:
            return err
        body, err = self._json_object(req, doc)
        if err:
            return err
        if "name" not in body or body["name"] is None:
            return self._invalid_request('"name" wasn\'t supplied.', doc)
        err = self._check_fields(body, "name", doc)
        if err:
            return err
        if r.find_label(body["name"]):
            return self._already_exists(doc)
        lb = Label(self._new_id("label"), body["name"], body.get("color") or "ededed",
                   body.get("description"), False)
        r.labels.append(lb)
        return Response.json(201, self._label_json(req, r, lb),
                             {"location": self._label_url(req, r, lb.name)})

    def _update_label(self, req, r, name):
        doc = "update_label"
        err = self._write_check(req, r, doc)
        if err:
            return err
        lb = r.find_label(name)
        if lb is None:
            return self._not_found(doc)
        body, err = self._json_object(req, doc)
        if err:
            return err
        err = self._check_fields(body, "new_name", doc)
        if err:
            return err
        new = body.get("new_name")
        if new is not None:
            other = r.find_label(new)
            if other is not None and other is not lb:
                return self._already_exists(doc)
            lb.name = new  # in place: issues keep the label (they store ids)
        if body.get("color") is not None:
            lb.color = body["color"]
        if "description" in body:
            lb.description = body["description"]
        return Response.json(200, self._label_json(req, r, lb))

    def _delete_label(self, req, r, name):
        doc = "delete_label"
        err = self._write_check(req, r, doc)
        if err:
            return err
        lb = r.find_label(name)
        if lb is None:
            return self._not_found(doc)
        r.labels.remove(lb)
        for i in r.issues.values():
            if lb.id in i.label_ids:
                i.label_ids.remove(lb.id)
        return Response(204)

    # ---- issues -----------------------------------------------------------------------

    def _list_issues(self, req, r):
        p = req.params
        state = p.get("state", "open")
        issues = [i for i in r.issues.values() if state == "all" or i.state == state]
        if p.get("labels"):
            want = set()
            for n in p["labels"].split(","):
                lb = r.find_label(n.strip())
                if lb is None:  # an unknown label matches nothing
                    issues, want = [], None
                    break
                want.add(lb.id)
            if want:
                issues = [i for i in issues if want <= set(i.label_ids)]
        issues.sort(key=lambda i: i.number, reverse=p.get("direction", "desc") != "asc")
        return self._paged(req, issues, "/repositories/%d/issues" % r.id,
                           lambda i: self._issue_json(req, r, i))

    def _add_issue_labels(self, req, r, issue):
        doc = "add_issue_labels"
        err = self._write_check(req, r, doc)
        if err:
            return err
        body, err = self._json_object(req, doc, allow_list=True)
        if err:
            return err
        names = body if isinstance(body, list) else body.get("labels")
        if names is None:
            return self._invalid_request('"labels" wasn\'t supplied.', doc)
        if not isinstance(names, list):
            return self._invalid_request("For 'properties/labels', %s is not an array."
                                         % json.dumps(names), doc)
        flat = []
        for x in names:
            if isinstance(x, dict):
                x = x.get("name")
            if not isinstance(x, str):
                return self._invalid_request("For 'items', %s is not a string." % json.dumps(x), doc)
            if len(x) > NAME_MAX or not x.strip():
                return self._validation([{"resource": "Label", "code": "invalid", "field": "name",
                                          "value": x}], doc)
            flat.append(x)
        for x in flat:
            lb = r.find_label(x)
            if lb is None:  # GitHub creates unknown labels (recorded: add-labels-to-issue)
                lb = Label(self._new_id("label"), x, "ededed", None, False)
                r.labels.append(lb)
            if lb.id not in issue.label_ids:
                issue.label_ids.append(lb.id)
        by_id = {lb.id: lb for lb in r.labels}
        return Response.json(200, [self._label_json(req, r, by_id[x]) for x in issue.label_ids])

    def _remove_issue_label(self, req, r, issue, name):
        doc = "remove_issue_label"
        err = self._write_check(req, r, doc)
        if err:
            return err
        lb = r.find_label(name)
        if lb is None or lb.id not in issue.label_ids:
            return self._error(404, "Label does not exist", doc)
        issue.label_ids.remove(lb.id)
        by_id = {x.id: x for x in r.labels}
        return Response.json(200, [self._label_json(req, r, by_id[x]) for x in issue.label_ids])


# ---- command line -------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(description="Fake GitHub REST server for epithet tests")
    fakeforge.add_cli_arguments(ap)
    ap.add_argument("--ghes", action="store_true", help="GitHub Enterprise Server mode")
    ap.add_argument("--rate-limit", type=int, default=5000, help="token budget per hour")
    ap.add_argument("--graphql", action="store_true", help="answer GraphQL queries")
    a = ap.parse_args(argv)

    gh = FakeGitHub(token=a.token, ghes=a.ghes, rate_limit=a.rate_limit,
                    host=a.host, port=a.port, latency=a.latency / 1000.0,
                    graphql=a.graphql)
    state = fakeforge.load_cli_state(a)
    if state is not None:
        if state.get("login") and state["login"] != gh.login:
            gh.login = state["login"]
            gh.add_user(gh.login)
        gh.load_state(state)
    return fakeforge.serve_cli(gh, a)


if __name__ == "__main__":
    sys.exit(main())
