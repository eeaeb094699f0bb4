# SPDX-License-Identifier: MIT
"""fakeforge: the reusable part of epithet's fake forge servers.

A FakeForge is a threaded HTTP/1.1 server (keep-alive, chunked or sized
request bodies, Expect: 100-continue) bound to 127.0.0.1 on an ephemeral
port.  It records every request, can add latency, and can inject faults.
A concrete fake (fake_github.FakeGitHub, later a fake Gitea) subclasses it
and implements two methods:

    handle(req)          -> Response    the forge's behaviour
    decorate(req, resp)                 add headers every response carries

and may set `server_header` (the Server: response header).

Request flow for every request:

    1. the request is parsed and appended to the log (status filled in later)
    2. global latency (`self.latency`, seconds) is slept
    3. `self.hook(req)`, if set, may return a Response: it is sent as is
    4. faults with when="before" that match: the fault's response is sent and
       handle() is never called (the forge state is unchanged)
    5. handle(req) produces the response; decorate() adds headers
    6. faults with when="after" that match: handle() *has* run (state changed)
       but the client gets the fault instead (a "lost" response)

A fault can also drop the connection without any response (`drop=True`),
which a client sees as "empty reply from server".

Connections: `connections` counts the TCP connections accepted, and each
Request carries `conn`, the number of the connection it came on (1, 2, ...),
so tests can tell reuse from a new connection. Keep-alive can be cut short
like real servers and proxies do: `idle_timeout` (seconds a connection may
sit idle before the server closes it; 60 by default) and `conn_max_requests`
(the server closes a connection after answering that many requests on it;
with `conn_close_header` it says so with "Connection: close", otherwise it
just closes, as a proxy that recycles connections may).

Only the Python standard library is used.
"""

import base64
import gzip
import json
import os
import re
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["Request", "Response", "Fault", "FakeForge", "json_bytes", "split_path"]


def json_bytes(obj):
    """Compact UTF-8 JSON, non-ASCII kept literal (as GitHub and Gitea send it)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def remove_dot_segments(path):
    """RFC 3986 5.2.4 on a raw path: what a front proxy does with '.' and '..'.

    Only literal dot segments are removed; percent-encoded ones (%2E) are not
    dot segments and stay (they decode to a label named "." later)."""
    out = []
    segs = path.split("/")
    for i, seg in enumerate(segs):
        last = i == len(segs) - 1
        if seg == ".":
            if last:
                out.append("")
        elif seg == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(seg)
    return "/".join(out)


def split_path(raw_path):
    """Split a raw request path into percent-decoded segments.

    The path is split on '/' *before* decoding, so %2F stays inside a segment;
    each segment is decoded exactly once ('+' stays '+', %25 becomes '%').
    Returns None when a segment is not valid UTF-8 after decoding.
    A trailing slash gives a last empty segment (routes then do not match)."""
    segs = raw_path.split("/")[1:] if raw_path.startswith("/") else raw_path.split("/")
    out = []
    for seg in segs:
        try:
            out.append(urllib.parse.unquote(seg, encoding="utf-8", errors="strict"))
        except UnicodeDecodeError:
            return None
    return out


class Request:
    """One recorded request.

    method   'GET', 'POST', ...
    path     the raw request path, still percent-encoded, without the query
    query    the raw query string ('' when none)
    headers  dict, lower-case names (repeated headers joined with ', ')
    raw_body bytes as received
    body     parsed JSON, or None (no body, or not JSON)
    status   the status sent (0 when the connection was dropped)
    time, end_time  arrival and answer times (time.time())
    params   query parsed like a form: dict name -> last value
    """

    def __init__(self, method, path, query, headers, raw_body, seq):
        self.seq = seq
        self.time = time.time()
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.raw_body = raw_body
        self.body = None
        self.json_error = None
        if raw_body:
            try:
                self.body = json.loads(raw_body.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as e:
                self.json_error = str(e)
        self.conn = 0  # the connection's number (FakeForge.connections at its accept)
        self.params = {}
        for k, v in urllib.parse.parse_qsl(query, keep_blank_values=True):
            self.params[k] = v
        self.status = None
        self.end_time = None  # when the response was sent (or the connection dropped)
        self.response_headers = {}
        self.fault = None  # the Fault that answered, if any

    def __repr__(self):
        q = "?" + self.query if self.query else ""
        return "<%s %s%s -> %s>" % (self.method, self.path, q, self.status)

    def to_json(self):
        """A JSON-friendly dict (for the CLI's request log)."""
        body = self.body
        if body is None and self.raw_body:
            body = self.raw_body.decode("utf-8", "replace")
        return {
            "seq": self.seq,
            "time": self.time,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "body": body,
            "status": self.status,
            "end_time": self.end_time,
            "conn": self.conn,
        }


class Response:
    """A response to send.  body: bytes, str, or any JSON-able object."""

    def __init__(self, status, body=b"", headers=None, content_type=None):
        self.status = status
        self.headers = {}  # lower-case name -> value
        if isinstance(body, (bytes, bytearray)):
            self.body = bytes(body)
        elif isinstance(body, str):
            self.body = body.encode("utf-8")
            content_type = content_type or "text/plain; charset=utf-8"
        else:
            self.body = json_bytes(body)
            content_type = content_type or "application/json; charset=utf-8"
        if content_type and self.body:
            self.headers["content-type"] = content_type
        for k, v in (headers or {}).items():
            self.headers[k.lower()] = str(v)

    @classmethod
    def json(cls, status, obj, headers=None):
        return cls(status, json_bytes(obj), headers, "application/json; charset=utf-8")

    def json_body(self):
        return json.loads(self.body.decode("utf-8")) if self.body else None


class Fault:
    """An injected failure or delay, see FakeForge.add_fault()."""

    def __init__(self, method=None, path=None, match=None, nth=1, times=1,
                 status=None, body=None, headers=None, delay=0.0, drop=False,
                 when="before", decorate=True):
        if when not in ("before", "after"):
            raise ValueError("when must be 'before' or 'after'")
        self.method = method.upper() if method else None
        self.path = re.compile(path) if isinstance(path, str) else path
        self.match = match
        self.nth = nth
        self.times = times
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.delay = delay
        self.drop = drop
        self.when = when
        self.decorate = decorate
        self.seen = 0   # matching requests so far
        self.fired = 0  # how many of them the fault answered

    def _matches(self, req):
        if self.method and req.method != self.method:
            return False
        if self.path is not None and not self.path.search(req.path):
            return False
        if self.match is not None and not self.match(req):
            return False
        return True

    def consider(self, req):
        """Count req if it matches; True when this request must be faulted."""
        if not self._matches(req):
            return False
        self.seen += 1
        if self.seen < self.nth:
            return False
        if self.times is not None and self.fired >= self.times:
            return False
        self.fired += 1
        return True

    def response(self):
        if self.status is None:
            return None
        body = self.body if self.body is not None else b""
        return Response(self.status, body, self.headers)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    disable_nagle_algorithm = True
    timeout = 60                   # idle keep-alive connections are closed after this
    sys_version = ""

    # Silence the default stderr access log (the forge keeps its own log).
    def log_message(self, fmt, *args):
        pass

    def version_string(self):
        return self.server.forge.server_header

    def setup(self):
        forge = self.server.forge
        # the socket timeout is the idle keep-alive timeout (and a stall limit)
        self.timeout = forge.idle_timeout
        super().setup()
        forge._track(self.connection, True)
        with forge._conns_lock:
            forge.connections += 1
            self.conn_number = forge.connections
        self.conn_requests = 0

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.forge._track(self.connection, False)

    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    # trailers until the empty line
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)  # CRLF after the chunk
            return b"".join(chunks)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _dispatch(self):
        target = self.path
        # absolute-form request target (proxies): keep only the path
        if not target.startswith("/"):
            parts = urllib.parse.urlsplit(target)
            target = parts.path + ("?" + parts.query if parts.query else "")
        path, _, query = target.partition("?")
        headers = {}
        for k, v in self.headers.items():
            k = k.lower()
            headers[k] = headers[k] + ", " + v if k in headers else v
        raw_body = self._read_body()
        self.conn_requests += 1
        self.server.forge._serve(self, self.command, path, query, headers, raw_body)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _dispatch


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class FakeForge:
    """Base class of the fake forges.  See the module docstring."""

    server_header = "FakeForge"

    def __init__(self, host="127.0.0.1", port=0, latency=0.0):
        self.host = host
        self.port = port
        self.latency = latency  # seconds added to every request
        self.hook = None        # callable(Request) -> Response or None
        self.lock = threading.RLock()  # guards the forge state and the log
        self.gzip = True        # gzip bodies when the client accepts it
        self.idle_timeout = 60  # seconds an idle keep-alive connection is kept
        self.conn_max_requests = None  # close a connection after this many answers
        self.conn_close_header = True  # ...saying "Connection: close" in the last
        self.connections = 0    # TCP connections accepted
        self._log = []
        self._faults = []
        self._seq = 0
        self._conns = set()
        self._conns_lock = threading.Lock()
        self.writes_in_flight = 0       # writes being served now (see counts_as_write)
        self.max_writes_in_flight = 0   # the most of them at one time
        self._server = None
        self._thread = None

    # ---- life cycle -------------------------------------------------------

    def start(self):
        self._server = _Server((self.host, self.port), _Handler)
        self._server.forge = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name="%s:%d" % (type(self).__name__, self.port),
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if not self._server:
            return
        self._server.shutdown()
        # close idle keep-alive connections so their threads end now
        with self._conns_lock:
            conns = list(self._conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._server.server_close()
        self._thread.join(5)
        self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def serve_until_signal(self):
        """Block the calling (main) thread until SIGINT/SIGTERM (CLI use)."""
        import signal
        done = threading.Event()
        for s in (signal.SIGINT, signal.SIGTERM):
            signal.signal(s, lambda *_: done.set())
        while not done.wait(0.2):
            pass

    def _track(self, conn, add):
        with self._conns_lock:
            (self._conns.add if add else self._conns.discard)(conn)

    @property
    def url(self):
        """http://127.0.0.1:PORT (no trailing slash)."""
        return "http://%s:%d" % (self.host, self.port)

    # ---- request log ------------------------------------------------------

    @property
    def requests(self):
        """A copy of the request log (Request objects, oldest first)."""
        with self.lock:
            return list(self._log)

    def writes(self):
        """The logged requests that are not GET/HEAD/OPTIONS."""
        return [r for r in self.requests if r.method not in ("GET", "HEAD", "OPTIONS")]

    def clear_requests(self):
        with self.lock:
            self._log.clear()

    @staticmethod
    def max_in_flight(requests):
        """Most requests of the list that were being served at the same time
        (e.g. max_in_flight(gh.writes()) == 1: writes were serial)."""
        events = []
        for r in requests:
            events.append((r.time, 1))
            events.append((r.end_time or r.time, -1))
        events.sort(key=lambda e: (e[0], e[1]))  # an end before a start at the same instant
        cur = best = 0
        for _, d in events:
            cur += d
            best = max(best, cur)
        return best

    # ---- faults -----------------------------------------------------------

    def add_fault(self, method=None, path=None, match=None, nth=1, times=1,
                  status=None, body=None, headers=None, delay=0.0, drop=False,
                  when="before", decorate=True):
        """Inject a fault; returns the Fault (its .seen/.fired count requests).

        Matching: `method` (e.g. "POST"), `path` (regex searched in the raw
        path), `match` (callable(Request) -> bool); all given ones must hold.
        Counting: the nth matching request (1-based) and the `times`-1
        following matching ones are faulted (times=None: all from the nth on).
        Effect: sleep `delay` seconds; then answer `status` with `body` (bytes,
        str or JSON-able) and `headers`, or close the connection without an
        answer (`drop=True`).  A fault with neither status nor drop only adds
        the delay.  when="before": the forge never sees the request;
        when="after": the forge handles it (state changes), then the fault
        replaces the response.  decorate=True adds the forge's usual headers
        (e.g. GitHub's x-ratelimit-*) to the fault response."""
        f = Fault(method, path, match, nth, times, status, body, headers, delay,
                  drop, when, decorate)
        with self.lock:
            self._faults.append(f)
        return f

    def clear_faults(self):
        with self.lock:
            self._faults.clear()

    def _fault_for(self, req, when):
        with self.lock:
            for f in self._faults:
                if f.when == when and f.consider(req):
                    return f
        return None

    # ---- for subclasses ---------------------------------------------------

    def handle(self, req):
        """The forge's behaviour: return a Response.  Subclasses override."""
        return Response(404, {"message": "Not Found"})

    def decorate(self, req, resp):
        """Add headers every response carries.  Subclasses override."""

    @staticmethod
    def base_url(req):
        """Scheme and authority the client used, from its Host header; the
        scheme is https behind a TLS front end that says so in
        X-Forwarded-Proto (tls_front.py: nghttpx sets it, dropping any the
        client sent), as a forge behind a TLS terminator is set up to."""
        proto = req.headers.get("x-forwarded-proto", "").split(",")[-1].strip().lower()
        return (proto if proto in ("http", "https") else "http") + "://" + \
            req.headers.get("host", "127.0.0.1")

    @staticmethod
    def page_params(req, default=30, maximum=100, size_param="per_page"):
        """(page, size) from the query, clamped like GitHub: bad/<1 -> defaults."""
        def num(name, dflt):
            try:
                v = int(req.params.get(name, ""))
            except ValueError:
                return dflt
            return v if v >= 1 else dflt
        return num("page", 1), min(num(size_param, default), maximum)

    @staticmethod
    def link_header(base, query, page, last, sep=", ", page_param="page"):
        """A Link header value like GitHub's, or None when one page holds all.

        base: absolute URL without query; query: the client's raw query; the
        page parameter is replaced in place or appended (other parameters,
        per_page included, are carried over as sent).  Order as recorded on
        api.github.com: prev, next, last, first."""
        if last <= 1 and page <= 1:
            return None
        pairs = [p for p in query.split("&") if p] if query else []

        def url(n):
            out, done = [], False
            for p in pairs:
                if p.split("=", 1)[0] == page_param:
                    if not done:
                        out.append("%s=%d" % (page_param, n))
                        done = True
                else:
                    out.append(p)
            if not done:
                out.append("%s=%d" % (page_param, n))
            return "<%s?%s>" % (base, "&".join(out))

        links = []
        if page > 1:
            links.append('%s; rel="prev"' % url(min(page - 1, max(last, 1))))
        if page < last:
            links.append('%s; rel="next"' % url(page + 1))
            links.append('%s; rel="last"' % url(last))
        if page > 1:
            links.append('%s; rel="first"' % url(1))
        return sep.join(links) if links else None

    # ---- the request pipeline --------------------------------------------

    def counts_as_write(self, method, path):
        """Whether a request counts in writes_in_flight (a subclass may
        leave out a query API's POSTs)."""
        return method not in ("GET", "HEAD", "OPTIONS")

    def _serve(self, handler, method, path, query, headers, raw_body):
        """Serve one request, counting the writes in flight: a counter
        moved as requests arrive and are answered, not from times."""
        write = self.counts_as_write(method, path)
        if write:
            with self.lock:
                self.writes_in_flight += 1
                self.max_writes_in_flight = max(self.max_writes_in_flight,
                                                self.writes_in_flight)
        try:
            self._serve_one(handler, method, path, query, headers, raw_body)
        finally:
            if write:
                with self.lock:
                    self.writes_in_flight -= 1

    def _serve_one(self, handler, method, path, query, headers, raw_body):
        with self.lock:
            self._seq += 1
            req = Request(method, path, query, headers, raw_body, self._seq)
            req.conn = getattr(handler, "conn_number", 0)
            self._log.append(req)
        if self.latency:
            time.sleep(self.latency)

        resp = None
        if self.hook:
            try:
                resp = self.hook(req)
            except Exception as e:  # a bug in the test's hook: say so loudly
                import traceback
                traceback.print_exc()
                resp = Response(500, {"message": "fake forge hook crashed: %r" % e})
            if resp is not None and not isinstance(resp, Response):
                resp = Response(500, {"message": "fake forge hook returned %r" % (resp,)})
        fault = None
        if resp is None:
            fault = self._fault_for(req, "before")
            if fault:
                req.fault = fault
                if fault.delay:
                    time.sleep(fault.delay)
                if fault.drop:
                    return self._drop(handler, req)
                resp = fault.response()
                if resp is not None and fault.decorate:
                    self.decorate(req, resp)
        if resp is None:
            try:
                resp = self.handle(req)
            except Exception as e:  # a bug in the fake: say so loudly
                import traceback
                traceback.print_exc()
                resp = Response(500, {"message": "fake forge crashed: %r" % e})
            self.decorate(req, resp)
            fault = self._fault_for(req, "after")
            if fault:
                req.fault = fault
                if fault.delay:
                    time.sleep(fault.delay)
                if fault.drop:
                    return self._drop(handler, req)
                fresp = fault.response()
                if fresp is not None:
                    if fault.decorate:
                        self.decorate(req, fresp)
                    resp = fresp
        self._send(handler, req, resp)

    def _drop(self, handler, req):
        req.status = 0
        req.end_time = time.time()
        handler.close_connection = True
        try:
            handler.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _send(self, handler, req, resp):
        req.status = resp.status
        body = resp.body
        headers = dict(resp.headers)
        no_body = resp.status in (204, 304) or 100 <= resp.status < 200
        if no_body:
            body = b""
            headers.pop("content-type", None)
        elif (self.gzip and len(body) > 0
              and "gzip" in req.headers.get("accept-encoding", "")):
            body = gzip.compress(body, 6)
            headers["content-encoding"] = "gzip"
            headers["vary"] = (headers.get("vary", "") + ", Accept-Encoding").lstrip(", ")
        req.response_headers = headers
        close = req.headers.get("connection", "").lower() == "close"
        recycle = (self.conn_max_requests is not None
                   and getattr(handler, "conn_requests", 0) >= self.conn_max_requests)
        if recycle and self.conn_close_header:
            close = True
        lines = ["HTTP/1.1 %d %s" % (resp.status, handler.responses.get(resp.status, ("",))[0]),
                 "Server: " + self.server_header,
                 "Date: " + handler.date_time_string()]
        lines += ["%s: %s" % (k, v) for k, v in headers.items()]
        if not no_body:
            lines.append("Content-Length: %d" % len(body))
        if close:
            lines.append("Connection: close")
            handler.close_connection = True
        # one write: status line, headers and body (no Nagle/delayed-ACK stalls)
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        if req.method != "HEAD":
            data += body
        req.end_time = time.time()  # before the write: the client may look right after
        try:
            handler.wfile.write(data)
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True
        if recycle and not close:
            # closed without a word: the client finds out when it reuses it
            handler.close_connection = True
            try:
                handler.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def basic_auth_password(value):
    """The password of an 'Authorization: Basic ...' value, or None."""
    try:
        raw = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    return raw.split(":", 1)[1] if ":" in raw else None


# ---- command line (each fake's main() uses these) -----------------------------

def add_cli_arguments(ap):
    """The options every fake's command line shares."""
    ap.add_argument("--state", help="initial state JSON (format: the fake's module docstring)")
    ap.add_argument("--token", default="tkn", help="the valid token (default tkn)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0: ephemeral (default)")
    ap.add_argument("--port-file", help="write the port number here once listening")
    ap.add_argument("--latency", type=float, default=0.0, help="milliseconds per request")
    ap.add_argument("--dump", help="write the final state here on exit")
    ap.add_argument("--log", help="write the request log (JSON list) here on exit")


def load_cli_state(args):
    """The --state JSON, or None."""
    if not args.state:
        return None
    with open(args.state, encoding="utf-8") as f:
        return json.load(f)


def serve_cli(fake, args):
    """Start @fake, publish its port (--port-file, written atomically) and URL,
    serve until SIGTERM/SIGINT, then write --dump and --log. Returns 0."""
    fake.start()
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % fake.port)
        os.replace(tmp, args.port_file)
    print(fake.url, flush=True)
    try:
        fake.serve_until_signal()
    finally:
        fake.stop()
        if args.dump:
            with open(args.dump, "w", encoding="utf-8") as f:
                json.dump(fake.export_state(), f, ensure_ascii=False, indent=1)
        if args.log:
            with open(args.log, "w", encoding="utf-8") as f:
                json.dump([q.to_json() for q in fake.requests], f, ensure_ascii=False, indent=1)
    return 0
