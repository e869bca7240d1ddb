"""The visible text of a page, cut into segments (paragraphs, list items, table cells, headings).

Scripts, styles, templates and hidden elements are dropped. Each segment remembers the page region it
sits in (navigation, header, footer, sidebar or main content) and the heading that opened its section,
so the claim rules can tell a treatment page from a menu link or a news list.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import unquote

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from crawler.taxonomy import fold

DROPPED_TAGS = frozenset(
    ["script", "style", "noscript", "template", "svg", "iframe", "object", "canvas", "select"]
)
BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "li",
        "dt",
        "dd",
        "td",
        "th",
        "caption",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "aside",
        "main",
        "address",
        "blockquote",
        "figcaption",
        "table",
        "tr",
        "ul",
        "ol",
        "dl",
        "form",
        "body",
        "html",
        "pre",
    ]
)
HEADING_TAGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
REGION_TAGS = {"nav": "nav", "header": "header", "footer": "footer", "aside": "aside"}
# class/id tokens that mark a region when the page does not use the HTML5 tags.
# A bare 「menu」 class marks navigation only on a list or a layout cell; a <section class="menu"> is
# usually the clinic's treatment menu, which is content.
PLAIN_MENU_TOKENS = frozenset({"menu", "menus", "menu-list"})
LIST_TAGS = frozenset({"ul", "ol", "li", "td", "nav", "dl"})
REGION_TOKENS = [
    (
        re.compile(
            r"^(g|global|main|site|sp|pc|side|sub|bread)[-_]?(nav|navi|navigation|menu)$|^(nav|navi|navigation)$"
            r"|breadcrumbs?$"
        ),
        "nav",
    ),
    (re.compile(r"^(site|global|l|common)?[-_]?(header|head)$"), "header"),
    (re.compile(r"^(site|global|l|common)?[-_]?(footer|foot)$|^copyright$"), "footer"),
    (re.compile(r"^(sidebar|side|sidemenu|side-menu|aside)$"), "aside"),
]
# <header>/<footer> inside an article or section head that content, not the site.
SECTION_BOUND = frozenset({"header", "footer"})
CONTENT_TAGS = ["article", "main", "section"]
HIDDEN_CLASSES = frozenset({"hidden", "is-hidden", "d-none", "display-none", "u-hidden", "visually-hidden"})
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[。！？!?])|\n")
CJK_BREAK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t]*\n\s*(?=[\u3000-\u9fff\uff00-\uffef])")
# A line of links split by bars (「ホーム ｜ 診療案内 ｜ PRP療法」) is a menu even outside <nav>.
MENU_SEPARATORS = re.compile(r"[｜|│／/]")
MENU_LINK_SHARE = 0.6


@dataclass(frozen=True)
class Segment:
    """A run of visible text under one block element (raw text, whitespace collapsed, <br> kept as \\n)."""

    text: str
    tag: str
    region: str  # main | nav | header | footer | aside
    section: int  # increases at every heading
    heading: str  # the text of the heading that opened this section ('' before the first one)
    in_link: bool  # every character of the segment is link text

    @property
    def is_heading(self) -> bool:
        return self.tag in HEADING_TAGS

    def sentences(self) -> list[str]:
        """The segment cut after 。！？ and at line breaks, blank pieces dropped."""
        return [piece.strip() for piece in SENTENCE_END.split(self.text) if piece.strip()]


@dataclass
class VisiblePage:
    title: str
    meta_description: str
    meta: dict[str, str]  # og:site_name and friends, by property/name
    jsonld: list[dict[str, Any]]
    image_alts: list[tuple[str, str]]  # (alt, region)
    tel_links: list[tuple[str, str]]  # (number in a tel: link, region)
    segments: list[Segment] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(segment.text for segment in self.segments)

    def h1(self) -> str:
        return next((s.text for s in self.segments if s.tag == "h1"), "")

    def section_text(self, section: int) -> str:
        """The heading and every segment of one section, joined: the context of a sentence."""
        heading, parts = self._sections.get(section, ("", []))
        return "\n".join([heading, *parts] if heading and heading not in parts else parts)

    def section_heading(self, section: int) -> str:
        return self._sections.get(section, ("", []))[0]

    @cached_property
    def _sections(self) -> dict[int, tuple[str, list[str]]]:
        grouped: dict[int, tuple[str, list[str]]] = {}
        for segment in self.segments:
            grouped.setdefault(segment.section, (segment.heading, []))[1].append(segment.text)
        return grouped


def _is_hidden(tag: Tag) -> bool:
    if tag.has_attr("hidden") or tag.get("aria-hidden") == "true":
        return True
    if tag.name == "input" and tag.get("type") == "hidden":
        return True
    if HIDDEN_STYLE.search(str(tag.get("style", ""))):
        return True
    return bool(HIDDEN_CLASSES.intersection(tag.get("class") or []))


def _drop_invisible(soup: BeautifulSoup) -> None:
    # Plain walks over `descendants`: find_all's filters cost three times as much here.
    for tag in [t for t in soup.descendants if isinstance(t, Tag) and t.name in DROPPED_TAGS]:
        if not tag.decomposed:
            tag.decompose()
    comments: list[Comment] = []
    hidden: list[Tag] = []
    for node in soup.descendants:
        if isinstance(node, Comment):
            comments.append(node)
        elif isinstance(node, Tag) and _is_hidden(node):
            hidden.append(node)
    for comment in comments:
        comment.extract()
    for tag in hidden:
        if not tag.decomposed:
            tag.decompose()


def _region_of(tag: Tag, known: dict[int, str] | None = None) -> str:
    """The page region a tag sits in: its own marker, else its parent's; `known` caches per element."""
    known = {} if known is None else known
    unresolved: list[Tag] = []
    node: Tag | None = tag
    region = "main"
    while isinstance(node, Tag):
        if id(node) in known:
            region = known[id(node)]
            break
        own = _own_region(node)
        if own:
            region = own
            known[id(node)] = own
            break
        unresolved.append(node)
        node = node.parent
    for child in unresolved:
        known[id(child)] = region
    return region


def _own_region(node: Tag) -> str | None:
    if node.name in REGION_TAGS and not (node.name in SECTION_BOUND and node.find_parent(CONTENT_TAGS)):
        return REGION_TAGS[node.name]
    tokens = [token.lower() for token in [*(node.get("class") or []), str(node.get("id") or "")] if token]
    for pattern, region in REGION_TOKENS:
        if any(pattern.search(token) for token in tokens):
            return region
    if node.name in LIST_TAGS and any(token in PLAIN_MENU_TOKENS for token in tokens):
        return "nav"
    return None


def _block_of(node: NavigableString) -> Tag | None:
    parent = node.parent
    while parent is not None and parent.name not in BLOCK_TAGS:
        parent = parent.parent
    return parent


def _source_spaces(text: str) -> str:
    """Line breaks of the HTML source are spaces (only <br> breaks a line), and none at all between two
    Japanese characters, as browsers render 「培養上清液を⏎点滴で」."""
    text = CJK_BREAK.sub("", text)
    return re.sub(r"\s", " ", text)


def _inside_link(node: NavigableString, block: Tag) -> bool:
    parent = node.parent
    while parent is not None and parent is not block:
        if parent.name == "a":
            return True
        parent = parent.parent
    return False


def _collapse(text: str) -> str:
    lines = [re.sub(r"[ \t\r\f\v\u3000]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _segments(body: Tag) -> list[Segment]:
    runs: list[tuple[Tag, list[str], list[int]]] = []  # block, text pieces, [chars, chars inside <a>]
    for node in body.descendants:
        if isinstance(node, Tag) and node.name == "br":
            if runs:
                runs[-1][1].append("\n")
            continue
        if not isinstance(node, NavigableString) or isinstance(node, Comment):
            continue
        block = _block_of(node)
        if block is None:
            continue
        if not runs or runs[-1][0] is not block:
            runs.append((block, [], [0, 0]))
        runs[-1][1].append(_source_spaces(str(node)))
        size = len(node.strip())
        runs[-1][2][0] += size
        runs[-1][2][1] += size if _inside_link(node, block) else 0
    segments: list[Segment] = []
    section, heading = 0, ""
    regions: dict[int, str] = {}
    for block, pieces, (chars, link_chars) in runs:
        text = _collapse("".join(pieces).replace("\n ", "\n"))
        if not text:
            continue
        if block.name in HEADING_TAGS:
            section, heading = section + 1, text.replace("\n", " ")
        region = _region_of(block, regions)
        link_share = link_chars / chars if chars else 0.0
        if link_share >= MENU_LINK_SHARE and len(MENU_SEPARATORS.findall(text)) >= 2:
            region = "nav"
        segments.append(Segment(text, block.name, region, section, heading, link_share == 1.0))
    return segments


def _jsonld(soup: BeautifulSoup) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except ValueError:
            continue  # a broken JSON-LD block says nothing we can trust; the rest of the page still counts
        items = (
            data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        )
        found.extend(item for item in items if isinstance(item, dict))
    return found


def parse(html: str) -> VisiblePage:
    """Parse decoded HTML into its visible segments plus title, meta tags, JSON-LD and image alts."""
    soup = BeautifulSoup(html, "lxml")
    jsonld = _jsonld(soup)
    meta = {
        str(tag.get("property") or tag.get("name")).lower(): str(tag.get("content", "")).strip()
        for tag in soup.find_all("meta")
        if (tag.get("property") or tag.get("name")) and tag.get("content")
    }
    title_tag = soup.find("title")
    title = fold(title_tag.get_text()).strip() if title_tag else ""
    _drop_invisible(soup)
    body = soup.body or soup
    tels = [
        (unquote(str(a["href"]))[4:].strip(), _region_of(a))
        for a in body.find_all("a", href=True)
        if str(a["href"]).lower().startswith("tel:")
    ]
    alts = [
        (fold(str(img.get("alt"))).strip(), _region_of(img)) for img in body.find_all("img") if img.get("alt")
    ]
    return VisiblePage(
        title=title,
        meta_description=meta.get("description", ""),
        meta=meta,
        jsonld=jsonld,
        image_alts=[(alt, region) for alt, region in alts if alt],
        tel_links=tels,
        segments=_segments(body),
    )
