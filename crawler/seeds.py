"""Seed lists: read a `url,name` CSV and clean the website addresses people and registries type.

`clean_website` is shared with the open-data seeder: it repairs what can be repaired with certainty
(a missing scheme, "http//", full-width characters, spaces, a redirector wrapping the real address)
and refuses the rest with a reason, so a bad row is reported instead of crawled as something else.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from crawler.encoding import decode_bytes

SEED_COLUMNS = ("url", "name", "opendata_id", "opendata_name", "opendata_address")

_SCHEME_TYPOS = re.compile(r"^(?P<scheme>https?)\s*(?::|;|：)?\s*[/\\]{1,3}", re.IGNORECASE)
_HOST = re.compile(r"^(?=.{4,253}$)([\w-]{1,63}\.)+(xn--[a-z0-9-]+|[^\W\d_]{2,63})$", re.IGNORECASE)
_REDIRECT_PATH = re.compile(r"(^/url$|redirect|jump|/l\.php$|/link)", re.IGNORECASE)
_QUOTES = " \t\r\n\"'<>「」『』()（）[]"


class SeedFileError(ValueError):
    """The seed file as a whole cannot be used; the message names it and says what to fix."""


@dataclass(frozen=True)
class Seed:
    url: str
    name: str | None = None
    opendata_id: str | None = None
    opendata_name: str | None = None
    opendata_address: str | None = None


@dataclass(frozen=True)
class SeedProblem:
    """A row that was repaired (`skipped` False) or could not be used (`skipped` True)."""

    line: int
    value: str
    message: str
    skipped: bool

    def __str__(self) -> str:
        outcome = "skipped" if self.skipped else "used"
        return f'line {self.line}: {self.message} ("{self.value}"); {outcome}'

    def describe(self, source: str) -> str:
        """`seeds.csv line 7: no usable URL: … ("htp:/x"); skipped`."""
        return f"{source} {self}"


class UnusableUrl(ValueError):
    """A website address that cannot be repaired with certainty; the message says why."""


def clean_website(raw: str) -> tuple[str, list[str]]:
    """Return (cleaned http(s) URL, repairs made); raise UnusableUrl when no fix is certain."""
    repairs: list[str] = []
    value = unicodedata.normalize("NFKC", raw).strip(_QUOTES)
    if not value:
        raise UnusableUrl("no URL")
    if re.search(r"\s", value):
        if len(re.findall(r"https?\s*[:;/]", value, re.IGNORECASE)) > 1:
            raise UnusableUrl("several URLs in one field")
        value = re.sub(r"\s+", "", value)
        repairs.append("removed spaces")
    if "@" in value and "/" not in value:
        raise UnusableUrl("an e-mail address, not a website")
    value, fixed = _fix_scheme(value)
    repairs.extend(fixed)
    parts = urlsplit(value)
    host = (parts.hostname or "").rstrip(".")
    if not _HOST.match(host):
        raise UnusableUrl(f"no usable host name ({host or 'none'})")
    if (target := _unwrap_redirector(parts.path, parts.query)) is not None:
        url, _ = clean_website(target)
        return url, [*repairs, f"took the address out of a redirect link on {host}"]
    netloc = parts.netloc.lower() if parts.username is None else parts.netloc
    cleaned = urlunsplit((parts.scheme.lower(), netloc.rstrip("."), parts.path or "/", parts.query, ""))
    return cleaned, repairs


def _fix_scheme(value: str) -> tuple[str, list[str]]:
    if re.match(r"^https?://[^/\\]", value, re.IGNORECASE):
        return value, []
    if match := _SCHEME_TYPOS.match(value):
        fixed = f"{match.group('scheme').lower()}://{value[match.end() :]}"
        return fixed, [f"repaired the scheme ({match.group(0)!r})"]
    if re.match(r"^[a-z][a-z0-9+.-]*:", value, re.IGNORECASE) and not re.match(r"^[\w.-]+:\d+", value):
        raise UnusableUrl("not an http(s) address")
    if value.startswith("//"):
        return "http:" + value, ["added http:"]
    return "http://" + value, ["added http://"]


def _unwrap_redirector(path: str, query: str) -> str | None:
    if not _REDIRECT_PATH.search(path):
        return None
    for _, value in parse_qsl(query):
        if re.match(r"^(https?:/|www\.)", value, re.IGNORECASE):
            return value
    return None


def site_key(url: str) -> str:
    """What makes two seed URLs the same site page: host without `www.`, path, query; no scheme."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    path = parts.path.rstrip("/") or "/"
    return f"{host}{port}{path}" + (f"?{parts.query}" if parts.query else "")


def read_seeds(path: str | Path) -> tuple[list[Seed], list[SeedProblem]]:
    """Read a seed CSV (`url` column required; `name` and open-data columns optional).

    Rows are repaired where the fix is certain; the others are returned as problems and skipped.
    Raises SeedFileError when the file cannot be read or has no `url` column.
    """
    source = Path(path)
    try:
        body = source.read_bytes()
    except OSError as exc:
        raise SeedFileError(f"seed file {source}: cannot be read ({exc.strerror or exc})") from exc
    text, _ = decode_bytes(body)
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip().lower() for cell in next(reader, [])]
    if "url" not in header:
        raise SeedFileError(
            f"seed file {source}: no 'url' column in the header (found: {', '.join(header) or 'nothing'}); "
            "the first line must be `url,name`"
        )
    seeds: list[Seed] = []
    problems: list[SeedProblem] = []
    first_line: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        fields = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
        raw_url = fields.get("url", "")
        try:
            url, repairs = clean_website(raw_url)
        except UnusableUrl as exc:
            problems.append(SeedProblem(line, raw_url, f"no usable URL: {exc}", skipped=True))
            continue
        key = site_key(url)
        if key in first_line:
            problems.append(SeedProblem(line, raw_url, f"duplicate of line {first_line[key]}", skipped=True))
            continue
        first_line[key] = line
        if repairs:
            problems.append(SeedProblem(line, raw_url, f"{'; '.join(repairs)} -> {url}", skipped=False))
        seeds.append(Seed(url=url, **{k: fields.get(k) or None for k in SEED_COLUMNS[1:]}))
    return seeds, problems


def write_seeds(seeds: list[Seed], path: str | Path) -> None:
    """Write seeds as a CSV that `read_seeds` reads back (UTF-8, header `url,name,opendata_…`)."""
    with Path(path).open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(SEED_COLUMNS)
        for seed in seeds:
            writer.writerow(
                [
                    seed.url,
                    seed.name or "",
                    seed.opendata_id or "",
                    seed.opendata_name or "",
                    seed.opendata_address or "",
                ]
            )
