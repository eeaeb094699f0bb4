# SPDX-License-Identifier: MIT
"""fake_github_app: GitHub App authentication for fake_github.FakeGitHub.

What GitHub does, as its docs describe it ("Generating a JSON Web Token (JWT)
for a GitHub App", "Generating an installation access token", REST "Apps"):

  GET  /orgs/{org}/installation          the App's installation on an org
  GET  /users/{username}/installation    ... on a user account
  GET  /repos/{owner}/{repo}/installation ... covering that repository
  POST /app/installations/{id}/access_tokens   201 {"token", "expires_at",
        "permissions", "repository_selection"}

Each of them takes "Authorization: Bearer JWT": an RS256 JWT signed with the
App's private key, whose claims are checked like GitHub does: "iss" the App
(its id, number or string), "iat" not in the future, "exp" in the future and
at most 10 minutes after "iat". A bad JWT is answered 401 with GitHub's
message; an App not installed on the owner, 404.

An installation token works like a user's token for its account's
repositories (REST and GraphQL), with its own rate-limit budget per
installation; another account's private repositories are 404 to it, and
writes to them 403 "Resource not accessible by integration"; GET /user is 403.

Test knobs (on FakeGitHub.apps):
  add_app(app_id, public_key_pem)    register an App (its public key, PEM)
  install(app_id, owner, repos=None, issues="write")
                                     install it on an owner (repos: names, or
                                     None for all; issues: the App's permission,
                                     "read" makes label writes 403); returns the id
  token_lifetime                     seconds an installation token lives (3600)
  revoke(owner)                      the tokens issued so far to the owner's
                                     installation are refused from now on (401)
  refuse(owner)                      every token of that installation, new ones
                                     too, is refused (401)
  issued                             [{"token", "installation", "owner",
                                     "expires_at", "seq"}] in issue order
  jwts                               the JWTs seen, valid or not
Only python3-cryptography is needed (Debian: python3-cryptography).
"""

import base64
import json
import secrets
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from fakeforge import Response

JWT_DOC = ("https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/"
           "generating-a-json-web-token-jwt-for-a-github-app")
APPS_DOC = "https://docs.github.com/rest/apps/apps"
NOT_INTEGRATION = "Resource not accessible by integration"


def _b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


class Installation:
    def __init__(self, iid, app, owner, repos, issues="write"):
        self.id, self.app, self.owner = iid, app, owner  # owner: fake_github.Owner
        self.issues = issues  # the App's "issues" permission: "write" or "read"
        self.repos = None if repos is None else {r.casefold() for r in repos}
        self.refused = False
        self.bucket = None  # made by the registry (rate limits per installation)

    def covers(self, repo):
        return repo.owner is self.owner and (
            self.repos is None or repo.name.casefold() in self.repos)


class AppRegistry:
    def __init__(self, gh, bucket_factory):
        self.gh = gh
        self._bucket = bucket_factory
        self.apps = {}           # str(app_id) -> public key
        self.installations = {}  # id -> Installation
        self.tokens = {}         # token -> (Installation, expires_at, revoked)
        self.token_lifetime = 3600
        self.issued = []
        self.jwts = []
        self._next = 4000000

    # ---- set-up ----------------------------------------------------------

    def add_app(self, app_id, public_key_pem):
        if isinstance(public_key_pem, str):
            public_key_pem = public_key_pem.encode()
        with self.gh.lock:
            self.apps[str(app_id)] = serialization.load_pem_public_key(public_key_pem)

    def install(self, app_id, owner, repos=None, rate_limit=5000, issues="write"):
        with self.gh.lock:
            o = self.gh._owners.get(owner.casefold()) or self.gh.add_org(owner)
            self._next += 1
            inst = Installation(self._next, str(app_id), o, repos, issues)
            inst.bucket = self._bucket(rate_limit)
            self.installations[inst.id] = inst
            return inst.id

    def _inst_of(self, owner):
        for inst in self.installations.values():
            if inst.owner.login.casefold() == owner.casefold():
                return inst
        raise KeyError("no installation on %s" % owner)

    def revoke(self, owner):
        with self.gh.lock:
            inst = self._inst_of(owner)
            for tok, (i, exp, _) in list(self.tokens.items()):
                if i is inst:
                    self.tokens[tok] = (i, exp, True)

    def refuse(self, owner):
        with self.gh.lock:
            self._inst_of(owner).refused = True

    def bucket(self, owner):
        """The rate-limit bucket of the owner's installation."""
        return self._inst_of(owner).bucket

    # ---- identities --------------------------------------------------------

    def installation_for(self, token):
        """The Installation a valid installation token belongs to, or None."""
        entry = self.tokens.get(token)
        if entry is None:
            return None
        inst, expires, revoked = entry
        if revoked or inst.refused or time.time() >= expires:
            return None
        return inst

    def _jwt_error(self, message):
        return Response.json(401, {"message": message, "documentation_url": JWT_DOC})

    def verify_jwt(self, req):
        """(app_id, None) for a valid App JWT, else (None, 401 Response)."""
        h = req.headers.get("authorization", "")
        scheme, _, jwt = h.strip().partition(" ")
        if scheme.lower() != "bearer" or jwt.count(".") != 2:
            return None, self._jwt_error("A JSON web token could not be decoded")
        self.jwts.append(jwt)
        head64, claims64, sig64 = jwt.split(".")
        try:
            head = json.loads(_b64d(head64))
            claims = json.loads(_b64d(claims64))
            sig = _b64d(sig64)
        except ValueError:
            return None, self._jwt_error("A JSON web token could not be decoded")
        if head.get("alg") != "RS256" or not isinstance(claims, dict):
            return None, self._jwt_error("A JSON web token could not be decoded")
        key = self.apps.get(str(claims.get("iss")))
        if key is None:
            return None, self._jwt_error("Integration not found")
        try:
            key.verify(sig, (head64 + "." + claims64).encode(), padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return None, self._jwt_error("A JSON web token could not be decoded")
        now = time.time()
        iat, exp = claims.get("iat"), claims.get("exp")
        if not isinstance(iat, int) or iat > now + 1:
            return None, self._jwt_error("'Issued at' claim ('iat') must be an Integer representing "
                                         "the time that the assertion was issued.")
        if not isinstance(exp, int) or exp <= now:
            return None, self._jwt_error("'Expiration time' claim ('exp') must be a numeric value "
                                         "representing the future time at which the assertion "
                                         "expires.")
        if exp - iat > 600:
            return None, self._jwt_error("'Expiration time' claim ('exp') is too far in the future.")
        return str(claims["iss"]), None

    # ---- the endpoints -------------------------------------------------------

    def is_app_route(self, segs, method):
        n = len(segs)
        if method == "GET" and n == 3 and segs[0] in ("orgs", "users") and segs[2] == "installation":
            return True
        if method == "GET" and n == 4 and segs[0] == "repos" and segs[3] == "installation":
            return True
        return (method == "POST" and n == 4 and segs[:2] == ["app", "installations"]
                and segs[3] == "access_tokens")

    def route(self, req, segs):
        """The answer to an App endpoint (is_app_route)."""
        app_id, err = self.verify_jwt(req)
        if err:
            return err
        if segs[0] == "app":
            inst = self.installations.get(int(segs[2])) if segs[2].isdigit() else None
            if inst is None or inst.app != app_id:
                return self._not_found()
            return self._access_token(req, inst)
        if segs[0] == "repos":
            r = self.gh._repos.get((segs[1].casefold(), segs[2].casefold()))
            inst = next((i for i in self.installations.values()
                         if i.app == app_id and r is not None and i.covers(r)), None)
        else:
            kind = "Organization" if segs[0] == "orgs" else "User"
            inst = next((i for i in self.installations.values()
                         if i.app == app_id and i.owner.type == kind
                         and i.owner.login.casefold() == segs[1].casefold()), None)
        if inst is None:
            return self._not_found()
        return Response.json(200, self._installation_json(req, inst))

    def _not_found(self):
        return Response.json(404, {"message": "Not Found", "documentation_url": APPS_DOC,
                                   "status": "404"})

    def _installation_json(self, req, inst):
        api = self.gh._root(req)
        return {
            "id": inst.id, "client_id": "Iv1.fake%d" % int(inst.app) if inst.app.isdigit() else inst.app,
            "account": self.gh._user_json(req, inst.owner),
            "repository_selection": "all" if inst.repos is None else "selected",
            "access_tokens_url": "%s/app/installations/%d/access_tokens" % (api, inst.id),
            "repositories_url": api + "/installation/repositories",
            "html_url": "%s/organizations/%s/settings/installations/%d"
                        % (self.gh._web(req), inst.owner.login, inst.id),
            "app_id": int(inst.app) if inst.app.isdigit() else 0, "app_slug": "epithet-test",
            "target_id": inst.owner.id, "target_type": inst.owner.type,
            "permissions": {"issues": inst.issues, "metadata": "read"},
            "events": [], "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
            "single_file_name": None, "has_multiple_single_files": False,
            "single_file_paths": [], "suspended_by": None, "suspended_at": None,
        }

    def installation_repositories(self, req):
        """GET /installation/repositories: what an installation token may
        act on, private repos included, {"total_count", "repositories"}."""
        inst = getattr(req, "gh_installation", None)
        if inst is None:
            return Response.json(403, {
                "message": "You must authenticate with an installation access token in order "
                           "to list repositories for an installation.",
                "documentation_url": APPS_DOC.replace("apps/apps", "apps/installations"),
                "status": "403"})
        repos = sorted((r for r in self.gh._repos.values() if inst.covers(r)),
                       key=lambda r: r.full_name.casefold())
        page, per_page = self.gh.page_params(req)
        chunk = repos[(page - 1) * per_page: page * per_page]
        resp = Response.json(200, {
            "total_count": len(repos),
            "repository_selection": "all" if inst.repos is None else "selected",
            "repositories": [self.gh._repo_json(req, r) for r in chunk]})
        link = self.gh.link_header(self.gh._root(req) + "/installation/repositories", req.query,
                                   page, max(1, -(-len(repos) // per_page)))
        if link:
            resp.headers["link"] = link
        return resp

    def _access_token(self, req, inst):
        token = "ghs_" + secrets.token_urlsafe(27).replace("-", "a").replace("_", "b")[:36]
        expires = int(time.time()) + self.token_lifetime
        self.tokens[token] = (inst, expires, False)
        self.issued.append({"token": token, "installation": inst.id, "owner": inst.owner.login,
                            "expires_at": expires, "seq": req.seq})
        return Response.json(201, {
            "token": token,
            "expires_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(expires)),
            "permissions": {"issues": inst.issues, "metadata": "read"},
            "repository_selection": "all" if inst.repos is None else "selected",
        })
