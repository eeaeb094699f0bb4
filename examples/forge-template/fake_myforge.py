# SPDX-License-Identifier: MIT
"""fake_myforge: a tiny, made-up forge for the myforge template plugin.

Python 3 standard library only. It serves a deliberately simple REST API on
127.0.0.1, so that the template plugin has something real to talk to:

    Authorization: token TOKEN          on every request when the fake has a token
                                        (else 401 {"error": "bad credentials"})
    GET    /api/orgs/{org}/repos        [{"id", "owner", "name", "archived"}]
    GET    /api/repos/{org}/{repo}      {"id", "owner", "name", "archived"}
    GET    /api/repos/{org}/{repo}/labels              [{"id", "name", "color", "description"}]
    POST   /api/repos/{org}/{repo}/labels              {"name", "color"?, "description"?} -> 201
    PATCH  /api/repos/{org}/{repo}/labels/{id}         any of name/color/description   -> 200
    DELETE /api/repos/{org}/{repo}/labels/{id}                                          -> 204

Lists take ?page=N (from 1) and ?per_page=M (default 30, at most
max_per_page) and carry X-Total-Count: the whole list's length. Errors are
{"error": "..."} with 404 (unknown org, repo or label id), 409 (a label of
that name exists, names compared ignoring case), 422 (a bad name or colour)
and 403 (a write to an archived repo). Colours are 6 hex digits, stored in
lower case; a label created without one is "ededed". Each path segment is
percent-decoded once.

As a module (the SDK test, your own tests):

    fake = FakeMyForge(token="tkn", max_per_page=2).start()
    fake.add_repo("acme", "api", labels=[{"name": "bug", "color": "ff0000"}])
    ... fake.url ...                   # http://127.0.0.1:PORT  (API root: url + "/api")
    fake.labels("acme", "api")         # [{"id", "name", "color", "description"}]
    fake.requests                      # [(method, path, query, headers)], headers lower-cased
    fake.stop()

From a shell (serves a demo org "acme" until Ctrl-C, then prints the state):

    python3 fake_myforge.py [--port 8080] [--token T] [--max-per-page N]
"""

import argparse
import json
import re
import signal
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COLOR = re.compile(r"^[0-9a-fA-F]{6}$")


class Error(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class FakeMyForge:
    def __init__(self, token=None, max_per_page=100):
        self.token = token
        self.max_per_page = max_per_page
        self.orgs = {}        # org -> {repo name -> {"id", "archived", "labels": [label]}}
        self.requests = []
        self.lock = threading.Lock()
        self.next_id = 1
        self.server = None

    # ---- set-up and inspection (thread-safe) ----------------------------------

    def _id(self):
        self.next_id += 1
        return self.next_id - 1

    def add_repo(self, org, name, labels=(), archived=False):
        with self.lock:
            repo = {"id": self._id(), "archived": archived, "labels": []}
            for lab in labels:
                repo["labels"].append({"id": self._id(), "name": lab["name"],
                                       "color": lab.get("color", "ededed").lower(),
                                       "description": lab.get("description", "")})
            self.orgs.setdefault(org, {})[name] = repo

    def labels(self, org, repo):
        with self.lock:
            return [dict(lab) for lab in self.orgs[org][repo]["labels"]]

    def writes(self):
        return [r for r in self.requests if r[0] != "GET"]

    def state(self):
        with self.lock:
            return json.loads(json.dumps(self.orgs))

    # ---- the server -----------------------------------------------------------

    def start(self, port=0):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def answer(self):
                n = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(n) if n else b""
                path, _, query = self.path.partition("?")
                status, body, headers = fake.handle(self.command, path, query,
                                                    dict(self.headers.items()), raw)
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                if data:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_DELETE = answer

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    # ---- the API --------------------------------------------------------------

    def handle(self, method, path, query, headers, raw):
        headers = {k.lower(): v for k, v in headers.items()}
        with self.lock:
            self.requests.append((method, path, query, headers))
            try:
                if self.token and headers.get("authorization") != "token " + self.token:
                    raise Error(401, "bad credentials")
                segs = [urllib.parse.unquote(s) for s in path.split("/")[1:]]
                body = json.loads(raw) if raw else {}
                return self.route(method, segs, urllib.parse.parse_qs(query), body)
            except Error as e:
                return e.status, {"error": str(e)}, {}
            except ValueError:
                return 400, {"error": "bad request"}, {}

    def route(self, method, segs, query, body):
        if segs[:2] == ["api", "orgs"] and len(segs) == 4 and segs[3] == "repos" \
                and method == "GET":
            org = self.orgs.get(segs[2])
            if org is None:
                raise Error(404, "no such org")
            return self.page([self.repo_json(segs[2], n, r) for n, r in org.items()], query)
        if segs[:2] != ["api", "repos"] or len(segs) < 4:
            raise Error(404, "not found")
        repo = self.orgs.get(segs[2], {}).get(segs[3])
        if repo is None:
            raise Error(404, "no such repository")
        rest = segs[4:]
        if rest == [] and method == "GET":
            return 200, self.repo_json(segs[2], segs[3], repo), {}
        if rest == ["labels"] and method == "GET":
            return self.page(repo["labels"], query)
        if method != "GET" and repo["archived"]:
            raise Error(403, "repository is archived")
        if rest == ["labels"] and method == "POST":
            lab = {"id": None, "name": "", "color": "ededed", "description": ""}
            self.apply(repo, lab, body)
            lab["id"] = self._id()
            repo["labels"].append(lab)
            return 201, lab, {}
        if len(rest) == 2 and rest[0] == "labels" and method in ("PATCH", "DELETE"):
            lab = next((x for x in repo["labels"] if str(x["id"]) == rest[1]), None)
            if lab is None:
                raise Error(404, "no such label")
            if method == "DELETE":
                repo["labels"].remove(lab)
                return 204, None, {}
            self.apply(repo, lab, body)
            return 200, lab, {}
        raise Error(404, "not found")

    @staticmethod
    def repo_json(org, name, repo):
        return {"id": repo["id"], "owner": org, "name": name, "archived": repo["archived"]}

    def page(self, items, query):
        page = int(query.get("page", ["1"])[0])
        per = min(int(query.get("per_page", ["30"])[0]), self.max_per_page)
        if page < 1 or per < 1:
            raise Error(422, "page and per_page start at 1")
        return 200, items[(page - 1) * per:page * per], {"X-Total-Count": str(len(items))}

    @staticmethod
    def apply(repo, lab, body):
        """Validate and apply a create or update (all or nothing)."""
        new = dict(lab)
        for key in ("name", "color", "description"):
            if key in body:
                if not isinstance(body[key], str):
                    raise Error(422, key + " must be a string")
                new[key] = body[key]
        if not new["name"] or len(new["name"]) > 50:
            raise Error(422, "a name has 1 to 50 characters")
        if not COLOR.match(new["color"]):
            raise Error(422, "a colour is 6 hex digits")
        if len(new["description"]) > 200:
            raise Error(422, "a description has at most 200 characters")
        for other in repo["labels"]:
            if other is not lab and other["name"].casefold() == new["name"].casefold():
                raise Error(409, "a label named %s exists" % other["name"])
        new["color"] = new["color"].lower()
        lab.update(new)


def main():
    ap = argparse.ArgumentParser(description="a made-up forge for the myforge template")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--token")
    ap.add_argument("--max-per-page", type=int, default=100)
    args = ap.parse_args()
    fake = FakeMyForge(token=args.token, max_per_page=args.max_per_page)
    fake.add_repo("acme", "api", labels=[{"name": "bug", "color": "ff0000"},
                                         {"name": "feature", "color": "a2eeef"}])
    fake.add_repo("acme", "web")
    fake.add_repo("acme", "old", archived=True)
    fake.start(args.port)
    print("serving %s (API root %s/api); Ctrl-C to stop" % (fake.url, fake.url), flush=True)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # kill: stop as Ctrl-C does
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    fake.stop()
    json.dump(fake.state(), sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
