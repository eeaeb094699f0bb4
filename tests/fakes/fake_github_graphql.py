# SPDX-License-Identifier: MIT
"""fake_github_graphql: the GraphQL part of fake_github (FakeGitHub(graphql=True)).

A small, honest GraphQL implementation for the subset of GitHub's schema that
reads labels: a real lexer and recursive-descent parser for executable
documents (one operation; aliases, arguments, variables with declared types;
no fragments, directives or mutations), then execution against the fake's
state with GitHub's error shapes and cost accounting.

Schema subset (CONTRACTS 1.6, @octokit/graphql-schema):

    Query        repository(owner: String!, name: String!): Repository
                 rateLimit(dryRun: Boolean): RateLimit
                 viewer: User { login }
    Repository   id name nameWithOwner isArchived isFork isPrivate
                 labels(first: Int, last: Int, after: String, before: String,
                        orderBy: {field: CREATED_AT|NAME, direction: ASC|DESC},
                        query: String): LabelConnection
                 label(name: String!): Label          (case-sensitive, I-gitbug)
    LabelConnection  nodes: [Label]  edges { cursor node }  pageInfo  totalCount
    PageInfo     hasNextPage hasPreviousPage startCursor endCursor
    Label        id name color description isDefault url createdAt updatedAt
                 issues(states: [OPEN|CLOSED]): { totalCount }
                 pullRequests(states: [OPEN|CLOSED|MERGED]): { totalCount }
    RateLimit    cost limit remaining used resetAt nodeCount

Rules copied from GitHub (G-gql, trap 16):
- errors come with HTTP 200: {"errors": [...]} (and "data" when execution
  started); validation errors carry extensions.code (undefinedField,
  argumentLiteralsIncompatible, variableNotDefined, ...) and locations;
  execution errors carry a "type": NOT_FOUND (with the alias path, that
  field's data null), MISSING_PAGINATION_BOUNDARIES, EXCESSIVE_PAGINATION,
  MAX_NODE_LIMIT_EXCEEDED, RATE_LIMITED;
- a connection that selects nodes or edges needs first or last, 1..100;
- node count: first/last multiplied down each path, summed, at most 500,000;
- cost: each connection adds the number of times it is resolved (the product
  of the first/last above it); the sum / 100, rounded, at least 1 point,
  charged to the "graphql" budget (5,000 an hour by default), which every
  GraphQL answer reports in x-ratelimit-* with x-ratelimit-resource: graphql;
  an exhausted budget answers 200 with errors[].type RATE_LIMITED;
- cursors are opaque strings; labels are ordered by creation (CREATED_AT ASC)
  unless orderBy says otherwise.
"""

import base64
import json
import re
import time

__all__ = ["GraphQLError", "parse", "execute", "cost_of"]

NODE_LIMIT = 500000
CONNECTION_FIELDS = {"labels", "issues", "pullRequests"}


class GraphQLError(Exception):
    """A request error: the whole document is refused (no data)."""

    def __init__(self, message, loc=None, code=None, extra=None):
        super().__init__(message)
        self.message, self.loc, self.code, self.extra = message, loc, code, extra or {}

    def to_json(self):
        e = {"message": self.message}
        if self.code:
            e["extensions"] = dict({"code": self.code}, **self.extra)
        if self.loc:
            e["locations"] = [{"line": self.loc[0], "column": self.loc[1]}]
        return e


# ---- lexer ---------------------------------------------------------------------

_TOKEN = re.compile(r'''
    (?P<ws>[\s,\ufeff]+|\#[^\n\r]*)
  | (?P<spread>\.\.\.)
  | (?P<punct>[!$&()\:=@\[\]{}|])
  | (?P<name>[_A-Za-z][_0-9A-Za-z]*)
  | (?P<float>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+(?:[eE][+-]?[0-9]+)?|[eE][+-]?[0-9]+))
  | (?P<int>-?(?:0|[1-9][0-9]*))
  | (?P<block>"""(?:[^"\\]|\\"""|\\|"(?!""))*""")
  | (?P<string>"(?:[^"\\\n\r]|\\["\\/bfnrt]|\\u[0-9A-Fa-f]{4})*")
''', re.X)

_ESC = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _unescape(s):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\":
            n = s[i + 1]
            if n == "u":
                out.append(chr(int(s[i + 2:i + 6], 16)))
                i += 6
                continue
            out.append(_ESC[n])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _lex(text):
    toks, pos, line, line_start = [], 0, 1, 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise GraphQLError("Parse error on \"%s\" (error) at [%d, %d]"
                               % (text[pos:pos + 10], line, pos - line_start + 1),
                               (line, pos - line_start + 1))
        kind = m.lastgroup
        loc = (line, pos - line_start + 1)
        val = m.group(kind)
        if kind != "ws":
            if kind == "string":
                val = _unescape(val[1:-1])
                kind = "str"
            elif kind == "block":
                val = val[3:-3].replace('\\"""', '"""')
                kind = "str"
            toks.append((kind, val, loc))
        for nl in re.finditer(r"\r\n|\n|\r", m.group(0)):
            line += 1
            line_start = m.start() + nl.end()
        pos = m.end()
    toks.append(("eof", None, (line, pos - line_start + 1)))
    return toks


# ---- parser ----------------------------------------------------------------------

class Field:
    def __init__(self, alias, name, args, selections, loc):
        self.alias, self.name, self.args, self.selections, self.loc = alias, name, args, selections, loc

    @property
    def key(self):
        return self.alias or self.name


class Var:
    def __init__(self, name, loc):
        self.name, self.loc = name, loc


class Enum:
    def __init__(self, name):
        self.name = name


class Operation:
    def __init__(self, kind, name, var_defs, selections):
        self.kind, self.name, self.var_defs, self.selections = kind, name, var_defs, selections


class _Parser:
    def __init__(self, text):
        self.toks = _lex(text)
        self.i = 0

    def peek(self, kind=None, val=None):
        k, v, _ = self.toks[self.i]
        return (kind is None or k == kind) and (val is None or v == val)

    def take(self, kind, val=None):
        k, v, loc = self.toks[self.i]
        if k != kind or (val is not None and v != val):
            want = val if val is not None else kind
            got = v if v is not None else "end of file"
            raise GraphQLError('Parse error on "%s" (%s) at [%d, %d]'
                               % (got, k.upper(), loc[0], loc[1]), loc,
                               extra={"expected": want})
        self.i += 1
        return v, loc

    def document(self):
        ops = []
        while not self.peek("eof"):
            if self.peek("punct", "{"):
                ops.append(Operation("query", None, {}, self.selection_set()))
                continue
            word, loc = self.take("name")
            if word == "fragment":
                raise GraphQLError("fake_github: fragments are not supported", loc)
            if word not in ("query", "mutation", "subscription"):
                raise GraphQLError('Parse error on "%s" (IDENTIFIER) at [%d, %d]'
                                   % (word, loc[0], loc[1]), loc)
            name = self.take("name")[0] if self.peek("name") else None
            var_defs = self.variable_definitions() if self.peek("punct", "(") else {}
            if self.peek("punct", "@"):
                raise GraphQLError("fake_github: directives are not supported",
                                   self.toks[self.i][2])
            ops.append(Operation(word, name, var_defs, self.selection_set()))
        if not ops:
            raise GraphQLError("Parse error on end of file", self.toks[self.i][2])
        return ops

    def variable_definitions(self):
        self.take("punct", "(")
        defs = {}
        while not self.peek("punct", ")"):
            self.take("punct", "$")
            name, loc = self.take("name")
            self.take("punct", ":")
            typ = self.type_ref()
            default = None
            if self.peek("punct", "="):
                self.take("punct", "=")
                default = self.value(const=True)
            defs[name] = (typ, default, loc)
        self.take("punct", ")")
        return defs

    def type_ref(self):
        if self.peek("punct", "["):
            self.take("punct", "[")
            inner = self.type_ref()
            self.take("punct", "]")
            t = ("list", inner)
        else:
            t = ("named", self.take("name")[0])
        if self.peek("punct", "!"):
            self.take("punct", "!")
            t = ("nonnull", t)
        return t

    def selection_set(self):
        self.take("punct", "{")
        sels = []
        while not self.peek("punct", "}"):
            if self.peek("spread"):
                raise GraphQLError("fake_github: fragments are not supported",
                                   self.toks[self.i][2])
            name, loc = self.take("name")
            alias = None
            if self.peek("punct", ":"):
                self.take("punct", ":")
                alias, (name, loc) = name, self.take("name")
            args = self.arguments() if self.peek("punct", "(") else {}
            if self.peek("punct", "@"):
                raise GraphQLError("fake_github: directives are not supported",
                                   self.toks[self.i][2])
            subs = self.selection_set() if self.peek("punct", "{") else None
            sels.append(Field(alias, name, args, subs, loc))
        self.take("punct", "}")
        if not sels:
            raise GraphQLError("Parse error: empty selection set", self.toks[self.i - 1][2])
        return sels

    def arguments(self):
        self.take("punct", "(")
        args = {}
        while not self.peek("punct", ")"):
            name, _ = self.take("name")
            self.take("punct", ":")
            args[name] = self.value()
        self.take("punct", ")")
        return args

    def value(self, const=False):
        k, v, loc = self.toks[self.i]
        if k == "punct" and v == "$" and not const:
            self.i += 1
            return Var(self.take("name")[0], loc)
        if k == "int":
            self.i += 1
            return int(v)
        if k == "float":
            self.i += 1
            return float(v)
        if k == "str":
            self.i += 1
            return v
        if k == "name":
            self.i += 1
            return {"true": True, "false": False, "null": None}.get(v, Enum(v))
        if k == "punct" and v == "[":
            self.i += 1
            out = []
            while not self.peek("punct", "]"):
                out.append(self.value(const))
            self.i += 1
            return out
        if k == "punct" and v == "{":
            self.i += 1
            out = {}
            while not self.peek("punct", "}"):
                name, _ = self.take("name")
                self.take("punct", ":")
                out[name] = self.value(const)
            self.i += 1
            return out
        raise GraphQLError('Parse error on "%s" (%s) at [%d, %d]'
                           % (v if v is not None else "end of file", k.upper(), loc[0], loc[1]), loc)


def parse(text):
    """A document's operations; raises GraphQLError on a syntax error."""
    return _Parser(text).document()


# ---- schema -----------------------------------------------------------------------

SCHEMA = {
    "Query": {"repository": "Repository", "rateLimit": "RateLimit", "viewer": "User"},
    "User": {"login": "String"},
    "Repository": {"id": "ID", "name": "String", "nameWithOwner": "String",
                   "isArchived": "Boolean", "isFork": "Boolean", "isPrivate": "Boolean",
                   "labels": "LabelConnection", "label": "Label"},
    "LabelConnection": {"nodes": "Label", "edges": "LabelEdge", "pageInfo": "PageInfo",
                        "totalCount": "Int"},
    "LabelEdge": {"cursor": "String", "node": "Label"},
    "PageInfo": {"hasNextPage": "Boolean", "hasPreviousPage": "Boolean",
                 "startCursor": "String", "endCursor": "String"},
    "Label": {"id": "ID", "name": "String", "color": "String", "description": "String",
              "isDefault": "Boolean", "url": "URI", "createdAt": "DateTime",
              "updatedAt": "DateTime", "issues": "IssueConnection",
              "pullRequests": "PullRequestConnection"},
    "IssueConnection": {"totalCount": "Int"},
    "PullRequestConnection": {"totalCount": "Int"},
    "RateLimit": {"cost": "Int", "limit": "Int", "remaining": "Int", "used": "Int",
                  "resetAt": "DateTime", "nodeCount": "Int"},
}
SCALARS = {"ID", "String", "Boolean", "Int", "URI", "DateTime"}
ARGS = {
    ("Query", "repository"): {"owner": "String!", "name": "String!", "followRenames": "Boolean"},
    ("Query", "rateLimit"): {"dryRun": "Boolean"},
    ("Repository", "labels"): {"first": "Int", "last": "Int", "after": "String", "before": "String",
                               "orderBy": "LabelOrder", "query": "String"},
    ("Repository", "label"): {"name": "String!"},
    ("Label", "issues"): {"first": "Int", "last": "Int", "after": "String", "before": "String",
                          "states": "[IssueState!]"},
    ("Label", "pullRequests"): {"first": "Int", "last": "Int", "after": "String",
                                "before": "String", "states": "[PullRequestState!]"},
}


def _type_name(t):
    if t[0] == "named":
        return t[1]
    if t[0] == "list":
        return "[%s]" % _type_name(t[1])
    return _type_name(t[1]) + "!"


def _resolve_value(v, variables):
    if isinstance(v, Var):
        return variables.get(v.name)
    if isinstance(v, list):
        return [_resolve_value(x, variables) for x in v]
    if isinstance(v, dict):
        return {k: _resolve_value(x, variables) for k, x in v.items()}
    if isinstance(v, Enum):
        return v.name
    return v


def _validate(op, variables):
    """Static checks GitHub makes before executing; returns errors (JSON)."""
    errors = []
    used = set()

    def walk(parent, fields, path):
        for f in fields:
            p = path + [f.key]
            ftype = SCHEMA[parent].get(f.name)
            if ftype is None:
                errors.append(GraphQLError(
                    "Field '%s' doesn't exist on type '%s'" % (f.name, parent), f.loc,
                    "undefinedField", {"typeName": parent, "fieldName": f.name}).to_json())
                errors[-1]["path"] = ["query"] + p
                continue
            allowed = ARGS.get((parent, f.name), {})
            for a, v in f.args.items():
                if a not in allowed:
                    e = GraphQLError("Field '%s' doesn't accept argument '%s'" % (f.name, a),
                                     f.loc, "argumentNotAccepted",
                                     {"name": f.name, "typeName": "Field", "argumentName": a})
                    errors.append(e.to_json())
                if isinstance(v, Var):
                    used.add(v.name)
                    if v.name not in op.var_defs:
                        errors.append(GraphQLError(
                            "Variable $%s is used by %s but not declared"
                            % (v.name, op.name or "anonymous query"), v.loc,
                            "variableNotDefined", {"variableName": v.name}).to_json())
            for a, t in allowed.items():
                if t.endswith("!") and a not in f.args:
                    errors.append(GraphQLError(
                        "Field '%s' is missing required arguments: %s" % (f.name, a), f.loc,
                        "missingRequiredArguments",
                        {"className": "Field", "name": f.name, "arguments": a}).to_json())
            if ftype in SCALARS:
                if f.selections:
                    errors.append(GraphQLError(
                        "Selections can't be made on scalars (field '%s' returns %s but has "
                        "selections [%s])" % (f.name, ftype, ", ".join(s.name for s in f.selections)),
                        f.loc, "selectionMismatch", {"nodeName": "field '%s'" % f.name,
                                                     "typeName": ftype}).to_json())
            elif not f.selections:
                errors.append(GraphQLError(
                    "Field must have selections (field '%s' returns %s but has no selections. "
                    "Did you mean '%s { ... }'?)" % (f.name, ftype, f.name), f.loc,
                    "selectionMismatch", {"nodeName": "field '%s'" % f.name,
                                          "typeName": ftype}).to_json())
            else:
                walk(ftype, f.selections, p)

    walk("Query", op.selections, [])
    for name, (typ, _, loc) in op.var_defs.items():
        if name not in used:
            errors.append(GraphQLError("Variable $%s is declared by %s but not used"
                                       % (name, op.name or "anonymous query"), loc,
                                       "variableNotUsed", {"variableName": name}).to_json())
        if typ[0] == "nonnull" and variables.get(name) is None:
            errors.append(GraphQLError("Variable $%s of type %s was provided invalid value"
                                       % (name, _type_name(typ)), loc,
                                       "variableMismatch",
                                       {"value": None, "problems": [
                                           {"path": [], "explanation": "Expected value to not be null"}]}).to_json())
        elif variables.get(name) is not None and _type_name(typ).rstrip("!") == "String" \
                and not isinstance(variables[name], str):
            errors.append(GraphQLError("Variable $%s of type %s was provided invalid value"
                                       % (name, _type_name(typ)), loc, "variableMismatch",
                                       {"value": variables[name]}).to_json())
    return errors


def cost_of(op, variables):
    """(cost, nodeCount) by GitHub's published rules."""
    agg, nodes = 0, 0

    def walk(fields, mult):
        nonlocal agg, nodes
        for f in fields:
            size = mult
            if f.name in CONNECTION_FIELDS:
                agg += mult
                args = {k: _resolve_value(v, variables) for k, v in f.args.items()}
                page = args.get("first") or args.get("last")
                if isinstance(page, int):
                    nodes += mult * page
                    size = mult * page
            if f.selections:
                walk(f.selections, size)

    walk(op.selections, 1)
    return max(1, int(agg / 100.0 + 0.5)), nodes


# ---- execution ----------------------------------------------------------------------

def _cursor(i):
    return base64.b64encode(("cursor:v2:%d" % i).encode()).decode()


def _uncursor(c):
    try:
        s = base64.b64decode(c.encode(), validate=True).decode()
        if s.startswith("cursor:v2:"):
            return int(s[10:])
    except (ValueError, UnicodeDecodeError):
        pass
    return None


class _Exec:
    def __init__(self, gh, req, variables, cost, node_count, budget):
        self.gh, self.req, self.variables = gh, req, variables
        self.cost, self.node_count, self.budget = cost, node_count, budget
        self.errors = []

    def error(self, etype, message, f, path):
        self.errors.append({"type": etype, "path": path, "locations":
                            [{"line": f.loc[0], "column": f.loc[1]}], "message": message})

    def args(self, f):
        return {k: _resolve_value(v, self.variables) for k, v in f.args.items()}

    def select(self, typ, obj, fields, path):
        out = {}
        for f in fields:
            out[f.key] = getattr(self, "f_%s_%s" % (typ, f.name))(obj, f, path + [f.key])
        return out

    # Query
    def f_Query_repository(self, _, f, path):
        a = self.args(f)
        r = self.gh._repos.get((str(a.get("owner", "")).casefold(),
                                str(a.get("name", "")).casefold()))
        if r is None or not self.gh._visible(self.req, r):
            self.error("NOT_FOUND", "Could not resolve to a Repository with the name '%s/%s'."
                       % (a.get("owner"), a.get("name")), f, path)
            return None
        return self.select("Repository", r, f.selections, path)

    def f_Query_rateLimit(self, _, f, path):
        b = self.budget
        return self.select("RateLimit", b, f.selections, path)

    def f_Query_viewer(self, _, f, path):
        return self.select("User", self.gh._owners[self.gh.login.casefold()], f.selections, path)

    def f_User_login(self, o, f, path):
        return o.login

    def f_RateLimit_cost(self, b, f, path):
        return self.cost

    def f_RateLimit_limit(self, b, f, path):
        return b.limit if b else 0

    def f_RateLimit_remaining(self, b, f, path):
        return b.remaining if b else 0

    def f_RateLimit_used(self, b, f, path):
        return b.used if b else 0

    def f_RateLimit_resetAt(self, b, f, path):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(b.reset if b else time.time()))

    def f_RateLimit_nodeCount(self, b, f, path):
        return self.node_count

    # Repository
    def f_Repository_id(self, r, f, path):
        return self.gh._gql_node_id("R", r.id)

    def f_Repository_name(self, r, f, path):
        return r.name

    def f_Repository_nameWithOwner(self, r, f, path):
        return r.full_name

    def f_Repository_isArchived(self, r, f, path):
        return r.archived

    def f_Repository_isFork(self, r, f, path):
        return r.fork

    def f_Repository_isPrivate(self, r, f, path):
        return r.private

    def f_Repository_label(self, r, f, path):
        name = self.args(f).get("name")
        for lb in r.labels:
            if lb.name == name:  # case-sensitive (I-gitbug)
                return self.select("Label", (r, lb), f.selections, path)
        return None

    def _page(self, items, f, path, what):
        a = self.args(f)
        wants_items = any(s.name in ("nodes", "edges") for s in f.selections)
        first, last = a.get("first"), a.get("last")
        for k, v in (("first", first), ("last", last)):
            if v is not None and (not isinstance(v, int) or v < 0 or v > 100):
                self.error("EXCESSIVE_PAGINATION",
                           "Requesting %s records on the `%s` connection exceeds the `%s` limit "
                           "of 100 records." % (v, what, k), f, path)
                return None
        if wants_items and first is None and last is None:
            self.error("MISSING_PAGINATION_BOUNDARIES",
                       "You must provide a `first` or `last` value to properly paginate the "
                       "`%s` connection." % what, f, path)
            return None
        idx = list(range(len(items)))
        for k in ("after", "before"):
            if a.get(k) is not None:
                pos = _uncursor(a[k])
                if pos is None:
                    self.error("INVALID_CURSOR_ARGUMENTS", "`$%s` does not appear to be a valid "
                               "cursor." % k, f, path)
                    return None
                idx = [i for i in idx if (i > pos if k == "after" else i < pos)]
        total_window = idx
        if first is not None:
            idx = idx[:first]
        if last is not None:
            idx = idx[-last:] if last else []
        return idx, {"hasNextPage": bool(idx) and idx[-1] < total_window[-1],
                     "hasPreviousPage": bool(idx) and idx[0] > total_window[0],
                     "startCursor": _cursor(idx[0]) if idx else None,
                     "endCursor": _cursor(idx[-1]) if idx else None}

    def f_Repository_labels(self, r, f, path):
        a = self.args(f)
        labels = list(r.labels)
        if a.get("query"):
            q = a["query"].casefold()
            labels = [lb for lb in labels if q in lb.name.casefold()
                      or q in (lb.description or "").casefold()]
        order = a.get("orderBy") or {}
        if order.get("field") == "NAME":
            labels.sort(key=lambda lb: lb.name.casefold())
        if order.get("direction") == "DESC":
            labels.reverse()
        got = self._page(labels, f, path, "labels")
        if got is None:
            return None
        idx, info = got
        out = {}
        for s in f.selections:
            if s.name == "nodes":
                out[s.key] = [self.select("Label", (r, labels[i]), s.selections, path + [s.key])
                              for i in idx]
            elif s.name == "edges":
                out[s.key] = [self.select("LabelEdge", (r, labels[i], i), s.selections,
                                          path + [s.key]) for i in idx]
            elif s.name == "pageInfo":
                out[s.key] = {x.key: info[x.name] for x in s.selections}
            elif s.name == "totalCount":
                out[s.key] = len(labels)
        return out

    def f_LabelEdge_cursor(self, e, f, path):
        return _cursor(e[2])

    def f_LabelEdge_node(self, e, f, path):
        return self.select("Label", (e[0], e[1]), f.selections, path)

    # Label
    def f_Label_id(self, rl, f, path):
        return self.gh._gql_node_id("LA", rl[1].id)

    def f_Label_name(self, rl, f, path):
        return rl[1].name

    def f_Label_color(self, rl, f, path):
        return rl[1].color

    def f_Label_description(self, rl, f, path):
        return rl[1].description

    def f_Label_isDefault(self, rl, f, path):
        return rl[1].default

    def f_Label_url(self, rl, f, path):
        return "%s/%s/labels/%s" % (self.gh._web(self.req), rl[0].full_name, rl[1].name)

    def f_Label_createdAt(self, rl, f, path):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(rl[0].created))

    f_Label_updatedAt = f_Label_createdAt

    def _count(self, rl, f, pulls):
        states = self.args(f).get("states")
        r, lb = rl
        n = sum(1 for i in r.issues.values() if i.pull == pulls and lb.id in i.label_ids
                and (not states or i.state.upper() in states))
        return {s.key: n for s in f.selections if s.name == "totalCount"}

    def f_Label_issues(self, rl, f, path):
        return self._count(rl, f, False)

    def f_Label_pullRequests(self, rl, f, path):
        return self._count(rl, f, True)


def execute(gh, req, body, budget):
    """Run a GraphQL request body (dict) against FakeGitHub gh.

    budget: the graphql _Bucket (None when rate limiting is off).
    Returns (http_status, json_body)."""
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return 200, {"errors": [{"message": "A query attribute must be specified and must be a string."}]}
    variables = body.get("variables") or {}
    if isinstance(variables, str):
        try:
            variables = json.loads(variables) if variables.strip() else {}
        except ValueError:
            variables = None
    if not isinstance(variables, dict):
        return 200, {"errors": [{"message": "Variables are invalid JSON."}]}
    try:
        ops = parse(body["query"])
    except GraphQLError as e:
        return 200, {"errors": [e.to_json()]}
    name = body.get("operationName")
    if len(ops) > 1:
        ops = [o for o in ops if o.name == name]
        if len(ops) != 1:
            return 200, {"errors": [{"message": "An operation name is required"}]}
    op = ops[0]
    if op.kind != "query":
        return 200, {"errors": [{"message": "fake_github: only queries are implemented, not %ss"
                                            % op.kind}]}
    errors = _validate(op, variables)
    if errors:
        return 200, {"errors": errors}
    cost, node_count = cost_of(op, variables)
    if node_count > NODE_LIMIT:
        return 200, {"errors": [{"type": "MAX_NODE_LIMIT_EXCEEDED",
                                 "message": "This query requests up to %d possible nodes which "
                                            "exceeds the maximum limit of %d." % (node_count, NODE_LIMIT)}]}
    if budget is not None:
        budget.refresh()
        if budget.remaining < cost:
            budget.remaining = 0
            return 200, {"errors": [{"type": "RATE_LIMITED", "code": "graphql_rate_limit",
                                     "message": "API rate limit already exceeded for user ID %d."
                                                % gh._owners[gh.login.casefold()].id}]}
        budget.remaining -= cost
    ex = _Exec(gh, req, variables, cost, node_count, budget)
    data = ex.select("Query", None, op.selections, [])
    out = {"data": data}
    if ex.errors:
        out["errors"] = ex.errors
    return 200, out
