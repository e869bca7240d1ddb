"""A loopback HTTP forward proxy that serves a folder of saved websites: ROOT/<host>/<path>.

Used by `clinicwatch demo` and by the tests, so nothing ever reaches the internet. A client sends
absolute URIs (as with `http_proxy`); a folder answers with its index.html. ROOT/<host>/_meta.json
maps a path (with its query, if any) to a rule: {"status": 301, "location": "...", "headers": {...},
"delay": 2.5, "body": "..."}. Unknown hosts get 502, missing files 404. Content-Type carries no
charset, as on many real servers, so the crawler must find the encoding itself.
"""

from __future__ import annotations

import json
import mimetypes
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from urllib.parse import unquote, urlsplit


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    root: Path

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test, a size cap): nothing to answer

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        host = (parts.hostname or self.headers.get("Host", "").split(":")[0]).lower()
        path = unquote(parts.path or "/")
        site = self.root / host
        if not host or not site.is_dir():
            return self._answer(502, b"unknown host")
        meta_file = site / "_meta.json"
        meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.exists() else {}
        rule = meta.get(f"{path}?{parts.query}" if parts.query else path) or meta.get(path) or {}
        if rule.get("delay"):
            time.sleep(float(rule["delay"]))
        headers = dict(rule.get("headers", {}))
        if "location" in rule:
            headers["Location"] = rule["location"]
        if "body" in rule or rule.get("status", 200) != 200:
            headers.setdefault("Content-Type", "text/html")
            return self._answer(int(rule.get("status", 200)), rule.get("body", "").encode("utf-8"), headers)
        target = (site / path.lstrip("/")).resolve()
        if not target.is_relative_to(site.resolve()):
            return self._answer(403, b"forbidden")
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file() or target.name == "_meta.json":
            return self._answer(404, b"<html><body>404 Not Found</body></html>", {"Content-Type": "text/html"})
        ctype = mimetypes.guess_type(target.name)[0] or "text/html"
        headers.setdefault("Content-Type", "text/plain" if target.suffix == ".txt" else ctype)
        return self._answer(200, target.read_bytes(), headers)


class SiteFarm:
    """Serve ROOT on 127.0.0.1 in a background thread; use as a context manager."""

    def __init__(self, root: Path, port: int = 0) -> None:
        handler = type("Handler", (_Handler,), {"root": Path(root)})
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
