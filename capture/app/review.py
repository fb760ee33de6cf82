"""`capture review OUT`: the report served on this machine, corrections saved straight into OUT.

An edge of the program (network and files). Standard library only: http.server's
ThreadingHTTPServer on 127.0.0.1 (never another interface), a random free port, and a secret
token in the URL the browser opens. The first request with the token gets it back as a
cookie (HttpOnly, SameSite=Strict) so the page's images and its POST carry it; any request
without it is refused (403), as is a Host header other than the loopback address (a web page
elsewhere cannot rebind a name onto the server). Request bodies are bounded.

What is served: report.html (rebuilt if absent), the images it uses (report_assets/, crops/),
GET /api/ping (the page's test for "served": it then shows "Enregistrer" instead of the
download) and POST /api/corrections: a corrections document, validated, recorded in
OUT/corrections.json and applied (JSON, CSV, report rewritten) under the output folder's
lock, before the page reloads.
"""

from __future__ import annotations

import hmac
import json
import mimetypes
import secrets
import threading
import webbrowser
from http import HTTPStatus
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from capture.app.corrections import apply_document, schema_errors
from capture.app.report import write_report
from capture.core.errors import CaptureError
from capture.io.lock import output_lock

HOST = "127.0.0.1"
COOKIE = "capture_review"
MAX_BODY = 2 * 1024 * 1024  # a corrections document of a whole workshop is a few kB
STATIC_DIRS = ("report_assets", "crops", "panneaux")


class ReviewServer(ThreadingHTTPServer):
    daemon_threads = True  # Ctrl-C never waits for a browser's idle keep-alive connection

    def __init__(self, out_dir: Path, port: int = 0, token: str | None = None) -> None:
        self.out_dir = Path(out_dir).resolve()
        self.token = token or secrets.token_urlsafe(24)
        self.apply_lock = threading.Lock()  # one correction at a time
        super().__init__((HOST, port), _Handler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/?token={self.token}"


class _Handler(BaseHTTPRequestHandler):
    server: ReviewServer
    server_version = "capture-review"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:
        pass  # the terminal shows the URL and the saves, not every image request

    # --- guards -----------------------------------------------------------------------------
    def _token_ok(self) -> tuple[bool, bool]:
        """(allowed, came in the URL)."""
        want = self.server.token
        query = parse_qs(urlsplit(self.path).query).get("token", [""])[0]
        if query and hmac.compare_digest(query, want):
            return True, True
        cookie = SimpleCookie()
        try:
            cookie.load(self.headers.get("Cookie", ""))
        except Exception:  # a malformed Cookie header is simply no token
            return False, False
        got = cookie[COOKIE].value if COOKIE in cookie else ""
        return bool(got) and hmac.compare_digest(got, want), False

    def _host_ok(self) -> bool:
        host = (self.headers.get("Host") or "").lower()
        return host in {f"{HOST}:{self.server.port}", f"localhost:{self.server.port}"}

    def _guard(self) -> bool | None:
        """None when refused (response sent), else whether the token came in the URL."""
        if not self._host_ok():
            self._send_json(HTTPStatus.FORBIDDEN, {"error": "hôte refusé"})
            return None
        ok, in_url = self._token_ok()
        if not ok:
            self._send_json(HTTPStatus.FORBIDDEN, {
                "error": "jeton absent ou faux : ouvrez l'adresse affichée par capture review"})
            return None
        return in_url

    # --- responses --------------------------------------------------------------------------
    def _headers(self, status: int, ctype: str, length: int, cookie: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")  # the token never leaves in a Referer
        if cookie:
            self.send_header("Set-Cookie", f"{COOKIE}={self.server.token}; Path=/; HttpOnly; "
                                           "SameSite=Strict")
        self.end_headers()

    def _send_json(self, status: int, body: dict) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self._headers(status, "application/json; charset=utf-8", len(data))
        self.wfile.write(data)

    def _send_file(self, path: Path, cookie: bool = False) -> None:
        data = path.read_bytes()
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype.endswith("svg+xml"):
            ctype += "; charset=utf-8"
        self._headers(HTTPStatus.OK, ctype, len(data), cookie)
        self.wfile.write(data)

    # --- routes -----------------------------------------------------------------------------
    def do_GET(self) -> None:
        in_url = self._guard()
        if in_url is None:
            return
        route = urlsplit(self.path).path
        out = self.server.out_dir
        if route in ("/", "/report.html"):
            report = out / "report.html"
            if not report.is_file():
                write_report(out)
            self._send_file(report, cookie=in_url)
            return
        if route == "/favicon.ico":  # browsers ask; nothing to show, nothing to log as missing
            self.send_response(HTTPStatus.NO_CONTENT)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if route == "/api/ping":
            self._send_json(HTTPStatus.OK, {"ok": True})
            return
        rel = Path(unquote(route).lstrip("/"))
        target = (out / rel).resolve()
        inside = target.relative_to(out).parts if target.is_relative_to(out) else ()
        # the resolved path (no "..", no symlink out) must lie in one of the report's folders
        if ".." not in rel.parts and inside and inside[0] in STATIC_DIRS and target.is_file():
            self._send_file(target)
            return
        self._send_json(HTTPStatus.NOT_FOUND, {"error": "introuvable"})

    def do_POST(self) -> None:
        if self._guard() is None:
            return
        if urlsplit(self.path).path != "/api/corrections":
            self._send_json(HTTPStatus.NOT_FOUND, {"error": "introuvable"})
            return
        try:
            length = int(self.headers.get("Content-Length") or "-1")
        except ValueError:
            length = -1
        if length < 0:
            self._send_json(HTTPStatus.LENGTH_REQUIRED, {"error": "taille de la requête absente"})
            return
        if length > MAX_BODY:
            self._send_json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                            {"error": f"requête trop grande (plus de {MAX_BODY // 1024} ko)"})
            return
        try:
            doc = json.loads(self.rfile.read(length).decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            self._send_json(HTTPStatus.BAD_REQUEST, {"error": "JSON illisible"})
            return

        problems = schema_errors(doc)
        if problems:
            self._send_json(HTTPStatus.BAD_REQUEST, {"error": "; ".join(problems[:5])})
            return
        try:
            with self.server.apply_lock, output_lock(self.server.out_dir):
                summary = apply_document(self.server.out_dir, doc, "la page")
        except CaptureError as exc:
            status = HTTPStatus.CONFLICT if exc.code == "output_locked" else HTTPStatus.BAD_REQUEST
            self._send_json(status, {"error": exc.message, "code": exc.code})
            return
        print(f"enregistré : {summary.changed}/{summary.corrections} correction(s) ; "
              f"fichiers réécrits : {', '.join(summary.files)}", flush=True)
        self._send_json(HTTPStatus.OK, {"ok": True, "changed": summary.changed,
                                        "files": summary.files})


def serve(out_dir: Path, open_browser: bool = True, port: int = 0,
          on_ready=None) -> None:
    """Serve until Ctrl-C (KeyboardInterrupt), then close the socket cleanly."""
    server = ReviewServer(out_dir, port)
    try:
        if on_ready is not None:
            on_ready(server)
        if open_browser:
            webbrowser.open(server.url)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
