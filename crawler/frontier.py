"""Which pages of one clinic site to fetch, in what order, and where to stop.

A plain object per site, so the bounds are tested without a reactor: same site only (host equal
modulo a leading `www.`; on a shared blog host, below the seed's own path), each page once
(fragment, tracking parameters, trailing slash and index.html ignored), at most
`max_queries_per_path` distinct query strings per path (calendars and searches multiply endlessly;
queries that only name a content page, ?page_id=34, are exempt), at most `max_depth` links from the
seed and `max_pages` requests. The best-scoring links leave first.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.linkrank import is_never_html, link_score, names_a_content_page, site_prefix

_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|yclid|_ga|mc_cid|mc_eid|ref)$", re.IGNORECASE)
_INDEX_FILE = re.compile(r"/index\.(html?|php|asp|aspx|jsp|cgi)$", re.IGNORECASE)


def bare_host(url: str) -> str:
    """Host name without a leading `www.` (and with a non-default port), lower case."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").removeprefix("www.")
    return f"{host}:{parts.port}" if parts.port and parts.port not in (80, 443) else host


def clean_url(url: str) -> str:
    """The URL to request: no fragment, no tracking parameters."""
    parts = urlsplit(url.strip())
    query = parts.query
    pairs = parse_qsl(query, keep_blank_values=True)
    if any(_TRACKING.match(key) for key, _ in pairs):
        query = urlencode([(key, value) for key, value in pairs if not _TRACKING.match(key)])
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", query, ""))


def page_key(url: str) -> tuple[str, str, str]:
    """(host, path, query) naming one page of a site whatever the scheme, `www.` or trailing slash."""
    parts = urlsplit(clean_url(url))
    path = _INDEX_FILE.sub("/", parts.path).rstrip("/") or "/"
    query = "&".join(sorted(parts.query.split("&"))) if parts.query else ""
    return bare_host(url), path, query


@dataclass(order=True)
class Candidate:
    """A link waiting to be fetched; lower sort key leaves first."""

    sort_key: tuple[int, int, int]
    url: str = field(compare=False)
    depth: int = field(compare=False)


@dataclass
class SiteFrontier:
    seed_url: str
    max_pages: int
    max_depth: int
    max_queries_per_path: int = 5
    hosts: set[str] = field(default_factory=set)
    scheduled: int = 0
    limit_reached: bool = False
    trapped_paths: list[str] = field(default_factory=list)
    _seen: set[tuple[str, str, str]] = field(default_factory=set)
    _queries: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    _heap: list[Candidate] = field(default_factory=list)
    _order: int = 0
    _origins: dict[str, tuple[str, str]] = field(default_factory=dict)  # bare host -> (scheme, netloc)

    def __post_init__(self) -> None:
        self.adopt_host(self.seed_url)

    def is_same_site(self, url: str) -> bool:
        """On one of the site's hosts (and, on a shared host such as ameblo.jp, below the seed's path)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or bare_host(url) not in self.hosts:
            return False
        prefix = site_prefix(self.seed_url)
        return prefix is None or f"{parts.path.rstrip('/')}/".startswith(prefix)

    def adopt_host(self, url: str) -> None:
        """Treat the host of `url` as this site's, and request its pages there (the seed went there)."""
        parts = urlsplit(url)
        self.hosts.add(bare_host(url))
        self._origins[bare_host(url)] = (parts.scheme, parts.netloc.lower())

    def _on_site_host(self, url: str) -> str:
        """`url` where the site answers: http://x.jp/a becomes https://www.x.jp/a if the seed went there."""
        scheme, netloc = self._origins[bare_host(url)]
        return urlunsplit(urlsplit(url)._replace(scheme=scheme, netloc=netloc))

    def mark_seen(self, url: str) -> bool:
        """Record `url` as requested; False if it (or an equivalent URL) already was."""
        key = page_key(url)
        if key in self._seen:
            return False
        self._seen.add(key)
        return True

    def take_seed(self) -> Candidate:
        self.mark_seen(self.seed_url)
        self.scheduled += 1
        return Candidate((0, 0, 0), clean_url(self.seed_url), 0)

    def offer(self, url: str, text: str, depth: int) -> None:
        """Queue a link found at `depth` if it is on this site, new, within the bounds and maybe HTML."""
        if depth > self.max_depth or not self.is_same_site(url) or is_never_html(url):
            return
        host, path, query = page_key(url)
        if query and not names_a_content_page(query):
            queries = self._queries.setdefault((host, path), set())
            if query not in queries and len(queries) >= self.max_queries_per_path:
                if path not in self.trapped_paths:
                    self.trapped_paths.append(path)
                return
            queries.add(query)
        if not self.mark_seen(url):
            return
        self._order += 1
        url = self._on_site_host(clean_url(url))
        heapq.heappush(self._heap, Candidate((-link_score(url, text), depth, self._order), url, depth))

    def next(self) -> Candidate | None:
        """The best queued link, or None when the queue is empty or the page limit is reached."""
        if not self._heap:
            return None
        if self.scheduled >= self.max_pages:
            self.limit_reached = True
            return None
        self.scheduled += 1
        return heapq.heappop(self._heap)
