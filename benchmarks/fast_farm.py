"""A fast loopback forward proxy over a site farm (ROOT/<host>/<path>), for throughput benchmarks.

Serves the same folders, the same way, as clinicwatch.sitefarm.SiteFarm (absolute-URI requests, a
folder answers with index.html, ROOT/<host>/_meta.json rules, unknown hosts 502, missing files 404,
no charset in Content-Type) but from one asyncio loop, with HTTP/1.1 keep-alive and files cached in
memory after their first read, so the farm costs the crawler it measures little CPU. It counts what
it serves and when: the first and last request bound the crawl's busy time.

    .venv/bin/python benchmarks/fast_farm.py ROOT [--port 0]

prints `listening http://127.0.0.1:PORT` on its first line; on SIGINT or SIGTERM it prints one JSON
line of counts ({"requests", "by_status", "bytes", "first_at", "last_at"}) and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import mimetypes
import signal
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 500: "Internal Server Error", 502: "Bad Gateway"}


class Farm:
    """Answers requests for ROOT/<host>/<path> and counts them."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.files: dict[Path, bytes | None] = {}
        self.locations: dict[str, Path] = {}
        self.metas: dict[str, dict[str, dict[str, object]]] = {}
        self.by_status: Counter[int] = Counter()
        self.bytes_sent = 0
        self.first_at = 0.0
        self.last_at = 0.0

    def _read(self, path: Path) -> bytes | None:
        if path not in self.files:
            self.files[path] = path.read_bytes() if path.is_file() else None
        return self.files[path]

    def _locate(self, host: str, path: str) -> Path | None:
        """The file that answers `path` on `host` (a folder's index.html); None if outside the site."""
        key = f"{host}{path}"
        if key not in self.locations:
            site = self.root / host
            file = (site / path.lstrip("/")).resolve()
            if not file.is_relative_to(site):
                return None
            self.locations[key] = file / "index.html" if file.is_dir() else file
        return self.locations[key]

    def _meta(self, host: str) -> dict[str, dict[str, object]]:
        if host not in self.metas:
            meta_bytes = self._read(self.root / host / "_meta.json")
            self.metas[host] = json.loads(meta_bytes.decode("utf-8")) if meta_bytes else {}
        return self.metas[host]

    async def answer(self, method: str, target: str, host_header: str) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for one request, as SiteFarm would answer it."""
        parts = urlsplit(target)
        host = (parts.hostname or host_header.split(":")[0]).lower()
        if method not in ("GET", "HEAD"):
            return 405, {}, b"only GET and HEAD"
        if not host or "/" in host or host.startswith(".") or not (self.root / host).is_dir():
            return 502, {}, b"unknown host"
        path = unquote(parts.path or "/")
        meta = self._meta(host)
        rule = meta.get(f"{path}?{parts.query}" if parts.query else path) or meta.get(path) or {}
        if rule.get("delay"):
            await asyncio.sleep(float(str(rule["delay"])))
        headers = {str(k): str(v) for k, v in dict(rule.get("headers") or {}).items()}  # type: ignore[call-overload]
        if "location" in rule:
            headers["Location"] = str(rule["location"])
        status = int(str(rule.get("status", 200)))
        if "body" in rule or status != 200:
            headers.setdefault("Content-Type", "text/html")
            return status, headers, str(rule.get("body", "")).encode("utf-8")
        file = self._locate(host, path)
        if file is None:
            return 403, {}, b"forbidden"
        body = None if file.name == "_meta.json" else self._read(file)
        if body is None:
            return 404, {"Content-Type": "text/html"}, b"<html><body>404 Not Found</body></html>"
        ctype = "text/plain" if file.suffix == ".txt" else mimetypes.guess_type(file.name)[0] or "text/html"
        headers.setdefault("Content-Type", ctype)
        return 200, headers, body

    def count(self, status: int, size: int) -> None:
        now = time.time()
        self.first_at = self.first_at or now
        self.last_at = now
        self.by_status[status] += 1
        self.bytes_sent += size

    def stats(self) -> dict[str, object]:
        return {"requests": sum(self.by_status.values()), "by_status": dict(self.by_status),
                "bytes": self.bytes_sent, "first_at": self.first_at, "last_at": self.last_at}

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Serve requests on one connection until the client closes it or asks to."""
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, version = (lines[0].split(" ") + ["", "", ""])[:3]
                fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
                if int(fields.get("content-length", "0") or 0):
                    await reader.readexactly(int(fields["content-length"]))
                status, headers, body = await self.answer(method, target, fields.get("host", ""))
                keep_alive = version == "HTTP/1.1" and fields.get("connection", "").lower() != "close"
                headers["Content-Length"] = str(len(body))
                headers["Connection"] = "keep-alive" if keep_alive else "close"
                out = f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}\r\n"
                out += "".join(f"{key}: {value}\r\n" for key, value in headers.items()) + "\r\n"
                writer.write(out.encode("latin-1") + (b"" if method == "HEAD" else body))
                await writer.drain()
                self.count(status, len(body))
                if not keep_alive:
                    break
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()


async def serve(root: Path, port: int) -> None:
    """Serve `root` on 127.0.0.1:`port` until SIGINT/SIGTERM; then print the counts as JSON."""
    farm = Farm(root)
    server = await asyncio.start_server(farm.handle, "127.0.0.1", port, backlog=1024)
    print(f"listening http://127.0.0.1:{server.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with server:
        await stop.wait()
    print(json.dumps(farm.stats()), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="farm folder: ROOT/<host>/<path>")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free one)")
    args = parser.parse_args()
    if not args.root.is_dir():
        sys.exit(f"fast_farm: {args.root} is not a folder; generate one with benchmarks/sitefarm_gen.py")
    asyncio.run(serve(args.root, args.port))


if __name__ == "__main__":
    main()
