"""Which links of a clinic site to fetch first, and which never to fetch: vocabulary in linkrank.toml."""

from __future__ import annotations

import tomllib
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

LINKRANK_FILE = Path(__file__).with_name("linkrank.toml")


@cache
def _data() -> dict[str, Any]:
    return tomllib.loads(LINKRANK_FILE.read_text(encoding="utf-8"))


@cache
def _vocabulary() -> tuple[dict[str, int], tuple[str, ...]]:
    data = _data()
    weights = {unicodedata.normalize("NFKC", word).lower(): int(w) for word, w in data["weights"].items()}
    return weights, tuple(ext.lower() for ext in data["skip_extensions"]["extensions"])


def names_a_content_page(query: str) -> bool:
    """True when every parameter of `query` is one that names a page (?p=12, ?page_id=34)."""
    names = {name.lower() for name, _ in parse_qsl(query, keep_blank_values=True)}
    return bool(names) and names <= set(_data()["query"]["content_parameters"])


def link_score(url: str, text: str = "") -> int:
    """Sum of the weights of the priority words in the link's path, query and text (host ignored)."""
    weights, _ = _vocabulary()
    parts = urlsplit(url)
    haystack = unicodedata.normalize("NFKC", f"{unquote(parts.path)}?{unquote(parts.query)} {text}").lower()
    return sum(weight for word, weight in weights.items() if word in haystack)


def is_never_html(url: str) -> bool:
    """True for links to files (PDF, images, archives, media…) that are not worth requesting."""
    _, extensions = _vocabulary()
    return urlsplit(url).path.lower().endswith(extensions)


def site_prefix(url: str) -> str | None:
    """For a URL on a shared host (ameblo.jp/<blog>/…), the path prefix that is one site; else None."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    depth = _data()["shared_hosts"].get(host)
    if depth is None:
        return None
    segments = [segment for segment in parts.path.split("/") if segment][:depth]
    return "/" + "".join(f"{segment}/" for segment in segments)
