"""Plain functions that read one e-再生医療 plan-list page: the table, its cells, and its pagination.

The page is an HTML table, one row per filed plan. Columns are found by their header words; when a
table has no header row the known cell positions of the real site are used instead (domain notes).
Every cleaned value keeps its raw form beside it, so a person can always see what the registry said.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

from jp import plan_numbers, prefectures

# Header words per field, checked in this order: 認定再生医療等委員会 must become `committee` and
# 医療機関名称 `facility` before the looser 名称 could claim them.
HEADER_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("plan_number", ("計画番号",)),
    ("accepted_on", ("受理",)),
    ("committee", ("委員会",)),
    ("documents", ("資料",)),
    ("address", ("所在地", "住所")),
    ("prefecture", ("都道府県",)),
    ("facility", ("医療機関",)),
    ("treatment", ("再生医療等の名称", "名称")),
)
HEADER_LABELS = {
    "facility": "医療機関名",
    "prefecture": "都道府県",
    "address": "所在地",
    "plan_number": "計画番号",
    "treatment": "再生医療等の名称",
    "accepted_on": "受理日",
    "committee": "認定再生医療等委員会",
    "documents": "資料",
}
REQUIRED_FIELDS = ("facility", "prefecture", "address", "treatment")
# Cell positions on the real site (public scraping code, 2026-09); 3, 5 and 6 are unverified, so
# their values are only kept when they look like a plan number, a date and a committee.
FALLBACK_POSITIONS = {
    "facility": 0,
    "prefecture": 1,
    "address": 2,
    "plan_number": 3,
    "treatment": 4,
    "accepted_on": 5,
    "committee": 6,
    "documents": 7,
}

MAX_LABEL_LENGTH = 16
WESTERN_DATE = re.compile(r"(\d{4})\s*(?:年|/|-|\.)\s*(\d{1,2})\s*(?:月|/|-|\.)\s*(\d{1,2})")
ERA_DATE = re.compile(r"(令和|平成)\s*(\d{1,2}|元)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
ERA_START = {"令和": 2018, "平成": 1988}
DECLARED_TOTAL = re.compile(r"全\s*([\d,]+)\s*件")
PAGE_HREF = re.compile(r"(?:^|/)page:(\d+)/?$")
NEXT_WORDS = ("次へ", "次のページ", "next")


class RegistryParseError(ValueError):
    """A list page cannot be read as a plan table; the message names the page and the problem."""


@dataclass
class RegistryRow:
    """One plan as read from a list page, cleaned, with the raw values kept."""

    plan_class: int
    facility: str
    facility_raw: str
    prefecture: str
    address: str
    address_raw: str
    plan_number: str | None
    treatment: str
    accepted_on: str | None
    committee: str | None
    documents: list[dict[str, str]]
    source_url: str
    modalities: list[str] = field(default_factory=list)


@dataclass
class ListPage:
    """What one list page holds: its rows, the pages it links to, and the total it announces."""

    url: str
    plan_class: int
    rows: list[RegistryRow]
    page_links: list[str]
    declared_total: int | None
    columns: dict[str, int]
    skipped_rows: int = 0


def collapse_spaces(text: str) -> str:
    """Line breaks, full-width and repeated spaces become one ASCII space; the ends are trimmed."""
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def clean_facility(raw: str) -> str:
    """The facility name as filed, with corporation/clinic separators collapsed to one space."""
    return collapse_spaces(raw)


def clean_prefecture(raw: str) -> str:
    return re.sub(r"\s+", "", raw)


def clean_address(raw: str, prefecture: str) -> str:
    """The address without its prefecture (which the registry has in its own column).

    The prefecture is stripped when the address repeats it, also when it is doubled (兵庫県兵庫県…).
    """
    address = collapse_spaces(raw)
    if prefecture:
        while address.startswith(prefecture):
            address = address.removeprefix(prefecture).lstrip()
    return address


def parse_date(raw: str) -> str | None:
    """An acceptance date as ISO YYYY-MM-DD, from 2023年3月7日, 2023/03/07 or 令和5年3月7日."""
    text = unicodedata.normalize("NFKC", raw)
    found = WESTERN_DATE.search(text)
    if found:
        year, month, day = (int(g) for g in found.groups())
    else:
        era = ERA_DATE.search(text)
        if not era:
            return None
        era_year = 1 if era.group(2) == "元" else int(era.group(2))
        year, month, day = ERA_START[era.group(1)] + era_year, int(era.group(3)), int(era.group(4))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def cell_text(cell: lxml_html.HtmlElement) -> str:
    """The text of a table cell with <br> turned into a line break, trimmed at the ends."""
    parts: list[str] = []

    def walk(element: lxml_html.HtmlElement) -> None:
        if element.tag == "br":
            parts.append("\n")
        elif element.text:
            parts.append(element.text)
        for child in element:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(cell)
    return "".join(parts).strip()


def header_field(label: str) -> str | None:
    """The field a header cell names, by its words (whitespace and width ignored)."""
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", label))
    for name, words in HEADER_WORDS:
        if any(unicodedata.normalize("NFKC", word) in folded for word in words):
            return name
    return None


def map_headers(labels: list[str]) -> dict[str, int]:
    """Field name -> column index for a header row; the first column naming a field wins."""
    columns: dict[str, int] = {}
    for index, label in enumerate(labels):
        name = header_field(label)
        if name and name not in columns:
            columns[name] = index
    return columns


def _rows(table: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    return [tr for tr in table.iter("tr") if tr.getparent() is table or tr.getparent().getparent() is table]


def _cells(tr: lxml_html.HtmlElement) -> list[lxml_html.HtmlElement]:
    return [child for child in tr if child.tag in ("td", "th")]


def _header_row(rows: list[lxml_html.HtmlElement]) -> tuple[int, dict[str, int], list[str]] | None:
    """The index, field map and labels of the table's header row, if it has one."""
    for index, tr in enumerate(rows[:3]):
        cells = _cells(tr)
        labels = [collapse_spaces(cell_text(c)) for c in cells]
        has_th = any(c.tag == "th" for c in cells)
        columns = map_headers(labels)
        # Without <th>, a row is a header only when it reads like labels: short cells naming columns.
        short_labels = map_headers([label if len(label) <= MAX_LABEL_LENGTH else "" for label in labels])
        if has_th or len(short_labels) >= 3:
            return index, columns, labels
    return None


def _pick_table(root: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    """The plan table: the first whose header names a registry column, else the one with most rows."""
    tables = list(root.iter("table"))
    for table in tables:
        found = _header_row(_rows(table))
        if found and len(found[1]) >= 2:
            return table
    wide = [t for t in tables if any(len(_cells(tr)) >= 5 for tr in _rows(t))]
    return max(wide, key=lambda t: len(_rows(t)), default=None)


def _documents(cell: lxml_html.HtmlElement, page_url: str) -> list[dict[str, str]]:
    links = []
    for anchor in cell.iter("a"):
        href = (anchor.get("href") or "").strip()
        if href:
            links.append({"label": collapse_spaces(anchor.text_content()), "url": urljoin(page_url, href)})
    return links


def _row_from_cells(
    cells: list[lxml_html.HtmlElement], columns: dict[str, int], plan_class: int, page_url: str
) -> RegistryRow | None:
    """A RegistryRow from one table row, or None when the row is not a plan (no name or treatment)."""

    def text(name: str) -> str:
        index = columns.get(name)
        return cell_text(cells[index]) if index is not None and index < len(cells) else ""

    facility_raw, treatment_raw = text("facility"), text("treatment")
    if not collapse_spaces(facility_raw) or not collapse_spaces(treatment_raw):
        return None
    address_raw = text("address")
    prefecture = clean_prefecture(text("prefecture")) or prefectures.of_address(address_raw) or ""
    if prefecture and not prefectures.is_valid(prefecture):
        # Columns have shifted (or the page is something else): guessing would mislabel every plan.
        raise RegistryParseError(
            f"registry page {page_url}: 都道府県 {prefecture[:20]!r} of {collapse_spaces(facility_raw)[:40]!r} "
            "is not a prefecture; the columns may have moved"
        )
    doc_index = columns.get("documents")
    documents = (
        _documents(cells[doc_index], page_url) if doc_index is not None and doc_index < len(cells) else []
    )
    return RegistryRow(
        plan_class=plan_class,
        facility=clean_facility(facility_raw),
        facility_raw=facility_raw,
        prefecture=prefecture,
        address=clean_address(address_raw, prefecture),
        address_raw=address_raw,
        plan_number=plan_numbers.first(text("plan_number")),
        treatment=collapse_spaces(treatment_raw),
        accepted_on=parse_date(text("accepted_on")),
        committee=collapse_spaces(text("committee")) or None,
        documents=documents,
        source_url=page_url,
    )


def parse_table(
    root: lxml_html.HtmlElement, page_url: str, plan_class: int
) -> tuple[list[RegistryRow], dict[str, int], int]:
    """The plans of a page's table, the column map used, and how many body rows were not plans.

    Raises RegistryParseError when there is no table or a required column is missing.
    """
    table = _pick_table(root)
    if table is None:
        raise RegistryParseError(f"registry page {page_url}: no plan table found")
    rows = _rows(table)
    header = _header_row(rows)
    if header is None:
        columns, body = dict(FALLBACK_POSITIONS), rows
    else:
        index, columns, labels = header
        missing = [HEADER_LABELS[name] for name in REQUIRED_FIELDS if name not in columns]
        if missing:
            seen = ", ".join(label for label in labels if label) or "none"
            raise RegistryParseError(
                f"registry page {page_url}: column {', '.join(missing)} missing (columns seen: {seen})"
            )
        body = rows[index + 1 :]
    plans: list[RegistryRow] = []
    for tr in body:
        cells = _cells(tr)
        if all(cell.tag == "th" for cell in cells):
            continue  # the header repeated inside a long table
        row = _row_from_cells(cells, columns, plan_class, page_url)
        if row is not None:
            if header is None and row.committee and "委員会" not in row.committee:
                row.committee = None  # position 6 is unverified: keep only what names a committee
            plans.append(row)
    return plans, columns, len(body) - len(plans)


def page_links(root: lxml_html.HtmlElement, page_url: str, list_url: str) -> list[str]:
    """Absolute URLs of the further pages of this list (`/page:N` links and 「次へ」 links).

    A bare `page:2` href would parse as a URL scheme, so page numbers are joined onto the list URL.
    """
    list_url = list_url.rstrip("/")
    host = urlsplit(page_url).netloc
    found: list[str] = []
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        label = collapse_spaces(anchor.text_content()).lower()
        is_next = "next" in (anchor.get("rel") or "").split() or any(word in label for word in NEXT_WORDS)
        numbered = PAGE_HREF.search(href)
        if numbered and int(numbered.group(1)) == 1:
            url = list_url  # page:1 is the list itself; the duplicate filter drops it
        elif numbered and re.match(r"^(?:\./)?page:", href):
            url = f"{list_url}/page:{numbered.group(1)}"
        elif numbered or is_next:
            url = urljoin(page_url, href)
        else:
            continue
        same_list = (
            url == list_url or url.startswith(list_url + "/") or (is_next and urlsplit(url).netloc == host)
        )
        if same_list and urlsplit(url).scheme in ("http", "https") and url not in found:
            found.append(url)
    return found


def declared_total(root: lxml_html.HtmlElement) -> int | None:
    """The row count the page announces (全52件中 …), if it announces one."""
    text = unicodedata.normalize("NFKC", root.text_content())
    found = DECLARED_TOTAL.search(text)
    return int(found.group(1).replace(",", "")) if found else None


def parse_list_page(page_html: str, page_url: str, plan_class: int, list_url: str) -> ListPage:
    """Everything the spider needs from one list page. Raises RegistryParseError naming the page."""
    root = lxml_html.document_fromstring(page_html or "<html></html>")
    rows, columns, skipped = parse_table(root, page_url, plan_class)
    return ListPage(
        url=page_url,
        plan_class=plan_class,
        rows=rows,
        page_links=page_links(root, page_url, list_url),
        declared_total=declared_total(root),
        columns=columns,
        skipped_rows=skipped,
    )
