# SPDX-License-Identifier: MIT
"""tls_front: nghttpx as a TLS front end (HTTP/2 and HTTP/1.1) before a fake forge.

Every fake in this directory speaks plain HTTP/1.1. To exercise what a real
forge offers, TLS with ALPN "h2", a well-kept proxy terminates TLS in front
of it: nghttpx (Debian package nghttp2-proxy), with a throwaway self-signed
certificate made by the openssl CLI in the caller's temp dir (never a file
of the tree). epithet trusts it with --cacert.

    from tls_front import TlsFront, missing
    if missing():
        raise unittest.SkipTest(missing())       # names the package to install
    gh = FakeGitHub(token=T, ghes=True).start()
    front = TlsFront(gh.port, tmpdir).start()    # alpn=("http/1.1",): no h2;
                                                 # options=[...]: more nghttpx options
    front.url           # https://127.0.0.1:PORT  (epithet --url ...)
    front.cacert        # the certificate, for --cacert
    front.entries(n)    # the access log, once it has n lines: [Entry]
    front.connections() # distinct client connections in it
    front.stop()

How nghttpx is set up:
  - one worker, one process (--single-process: nothing outlives stop());
    no configuration file (--conf of an empty file: Debian's
    /etc/nghttpx/nghttpx.conf would add a plain-text frontend), no OCSP;
  - the frontend on a free port of 127.0.0.1, the fake as its only
    backend (HTTP/1.1, keep-alive);
  - the client's Host (HTTP/2 :authority) is passed on unchanged, so the
    fake's absolute URLs (Link headers) name the front end; nghttpx adds
    "X-Forwarded-Proto: https" (after stripping any the client sent), from
    which fakeforge.base_url() makes them https URLs; no Via header;
  - the access log has one line per request, ACCESS_FORMAT:
    client port, ALPN ("h2" or "http/1.1"), status, method, path (with the
    query; last, as it is the one field that could hold a space).
A request's line is written when its transaction finishes, possibly just
after the client has its answer: entries(n) waits for n lines.
"""

import collections
import os
import shutil
import socket
import subprocess
import time

__all__ = ["TlsFront", "Entry", "missing", "nghttpx_path", "make_certificate"]

ACCESS_FORMAT = "$remote_port $alpn $status $method $path"
Entry = collections.namedtuple("Entry", "remote_port alpn status method path")

# nghttpx lives in /usr/sbin on Debian, often not on a user's PATH
_SBIN = ("/usr/sbin", "/usr/local/sbin", "/sbin")


def _which(name):
    path = os.pathsep.join([os.environ.get("PATH", "/usr/bin:/bin")] + list(_SBIN))
    return shutil.which(name, path=path)


def nghttpx_path():
    return _which("nghttpx")


def missing():
    """Why a TLS front end cannot run here (naming the package), or None."""
    if not nghttpx_path():
        return "nghttpx not found: install the nghttp2-proxy package"
    if not _which("openssl"):
        return "openssl not found: install the openssl package"
    return None


def make_certificate(directory):
    """A self-signed P-256 certificate for 127.0.0.1, valid one day, and its
    key, made in @directory (the key readable by its owner only).
    Returns (cert path, key path)."""
    cert = os.path.join(directory, "front-cert.pem")
    key = os.path.join(directory, "front-key.pem")
    old = os.umask(0o077)
    try:
        subprocess.run([_which("openssl"), "req", "-x509", "-newkey", "ec",
                        "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", key, "-out", cert],
                       check=True, capture_output=True)
    finally:
        os.umask(old)
    return cert, key


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class TlsFront:
    """nghttpx on 127.0.0.1 terminating TLS for the server at backend_port."""

    def __init__(self, backend_port, workdir, alpn=("h2", "http/1.1"), options=()):
        self.backend_port = backend_port
        self.workdir = workdir
        self.alpn = tuple(alpn)
        self.options = list(options)  # e.g. ["--frontend-max-requests=3"]
        self.port = None
        self.cacert = None
        self.access_log = os.path.join(workdir, "front-access.log")
        self.error_log = os.path.join(workdir, "front-error.log")
        self._proc = None
        self._skip = 0  # access log lines before the last clear()

    @property
    def url(self):
        return "https://127.0.0.1:%d" % self.port

    def _argv(self, key):
        conf = os.path.join(self.workdir, "front.conf")
        open(conf, "w").close()
        return [nghttpx_path(), "--conf=" + conf, "--single-process", "--workers=1",
                "--no-ocsp", "--no-via",
                "-f127.0.0.1,%d" % self.port, "-b127.0.0.1,%d" % self.backend_port,
                "--npn-list=" + ",".join(self.alpn),
                "--accesslog-file=" + self.access_log, "--accesslog-format=" + ACCESS_FORMAT,
                "--errorlog-file=" + self.error_log] + self.options + [key, self.cacert]

    def start(self, timeout=10):
        """Start nghttpx and wait until it accepts connections; returns self.
        A port taken between choosing it and binding it is tried again."""
        self.cacert, key = make_certificate(self.workdir)
        for _ in range(5):
            self.port = _free_port()
            self._proc = subprocess.Popen(self._argv(key), stdin=subprocess.DEVNULL,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + timeout
            while self._proc.poll() is None and time.monotonic() < deadline:
                if _listening(self.port):
                    return self
                time.sleep(0.02)
            err = self._error_text()
            self.stop()
            if "Address already in use" not in err:
                raise RuntimeError("nghttpx did not start:\n" + err)
        raise RuntimeError("nghttpx found no free port:\n" + self._error_text())

    def stop(self):
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _error_text(self):
        try:
            with open(self.error_log, encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def entries(self, count=0, timeout=5):
        """The access log, oldest first, once it has at least @count lines
        (or @timeout seconds have passed: then what there is)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                with open(self.access_log, encoding="utf-8", errors="replace") as f:
                    lines = [ln for ln in f.read().splitlines() if ln][self._skip:]
            except FileNotFoundError:
                lines = []
            if len(lines) >= count or time.monotonic() >= deadline:
                break
            time.sleep(0.02)
        out = []
        for ln in lines:
            port, alpn, status, method, path = ln.split(" ", 4)
            out.append(Entry(int(port), alpn, int(status), method, path))
        return out

    def clear(self, count=0):
        """Forget the access log so far (waiting for @count lines, as
        entries() does): entries() starts after it."""
        self._skip += len(self.entries(count))

    def connections(self, entries=None):
        """Distinct client connections (remote ports) in the access log."""
        return len({e.remote_port for e in (entries if entries is not None else self.entries())})
