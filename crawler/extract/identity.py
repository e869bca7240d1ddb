"""Who the clinic is: name, corporation, branches, addresses, phone numbers and plan numbers on a page.

Names come from JSON-LD, og:site_name, the <title>, the logo's alt text, the footer and 概要 tables;
the vocabulary (legal forms, clinic words, title separators, table labels) lives in identity.toml.
Addresses and phones that follow a branch's name (「梅田院」 then its 〒 and TEL) belong to that branch.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from functools import cache, lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from crawler.extract import IdentityFactData as Fact
from crawler.extract.visible import Segment, VisiblePage
from crawler.taxonomy import fold
from db.vocabulary import FactKind, NameSource
from jp import phones as jp_phones
from jp import plan_numbers as jp_plan_numbers
from jp import postal_codes, prefectures

IDENTITY_FILE = Path(__file__).with_name("identity.toml")
PHONE_SEP = r"[-‐‑–—−ー―()（） ]"
PHONE = re.compile(
    rf"(?<![\d-])0\d{{1,4}}{PHONE_SEP}{{1,2}}\d{{1,4}}{PHONE_SEP}{{1,2}}\d{{3,4}}(?![\d-])|(?<!\d)0\d{{9,10}}(?!\d)"
)
FAX_BEFORE = re.compile(r"FAX|Fax|fax|ファックス|ファクス")
# A branch name is kanji (梅田院, may follow the brand: ラクシアクリニック梅田院) or katakana (ミナミ院).
BRANCH = re.compile(r"(?:(?<![一-龥々])([一-龥々]{1,5}院)|(?<![ァ-ヶー])([ァ-ヶー]{2,6}院))(?![一-龥々])")
COPYRIGHT = re.compile(
    r"copyright|©|\(c\)|all rights reserved\.?|[0-9]{4}(\s?[-–]\s?[0-9]{4})?", re.IGNORECASE
)
POSTAL_ADDRESS = re.compile(
    postal_codes.WRITTEN + r"\s*()([一-龥々ァ-ヶぁ-んー]{1,10}?[市区郡町村])([^\n]*)"
)
EMPTIED_BRACKETS = re.compile(r"[(（][^()（）]{0,8}?[:：]?\s*[)）]")
SHORT_LINE = 40
# 「医院名：○○クリニック」 written as a line instead of a table row.
LABELLED_LINE = re.compile(r"^\s*([^:：\s]{2,8})\s*[:：]\s*(\S.{1,60})$")
# A line that is only the building and floor of the address on the line above.
BUILDING_LINE = re.compile(
    r"^[^\d:：]{0,20}(ビル|タワー|プラザ|センター|館|棟)?\s?[0-9]+(F|階|号室)\s*$|^[^:：]{1,20}(ビル|タワー)\s*$"
)
QUOTE_LIMIT = 200
JSONLD_CLINIC_TYPES = frozenset(
    {
        "MedicalClinic",
        "MedicalOrganization",
        "Physician",
        "Dentist",
        "Hospital",
        "MedicalBusiness",
        "LocalBusiness",
        "Organization",
        "HealthAndBeautyBusiness",
        "DaySpa",
        "BeautySalon",
    }
)


@cache
def _vocabulary() -> dict[str, Any]:
    return tomllib.loads(IDENTITY_FILE.read_text(encoding="utf-8"))


@cache
def _corporation_pattern() -> re.Pattern[str]:
    forms = sorted(_vocabulary()["legal_forms"], key=len, reverse=True)
    return re.compile(
        r"(" + "|".join(map(re.escape, forms)) + r")\s?([^\s、。,，()（）「」『』|｜/／:：]{1,24})"
    )


@cache
def _address_pattern() -> re.Pattern[str]:
    names = "|".join(prefectures.names())
    return re.compile(rf"({names})\s?([一-龥々ァ-ヶぁ-んー]{{1,10}}?[市区郡町村])([^\n]*)")


def _label(kind: str) -> re.Pattern[str]:
    return re.compile(_vocabulary()["table_labels"][kind])


def _quote(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text.strip())[:QUOTE_LIMIT]


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", fold(text)).strip(" 　・,、")


def looks_like_clinic(text: str) -> bool:
    """The text holds a word that names a clinic (クリニック, 医院, 皮膚科, CLINIC …) and a name of its own.

    「美容皮膚科」 or 「内科・消化器内科」 alone are specialities, not a clinic's name.
    """
    vocabulary = _vocabulary()
    words = sorted([*vocabulary["clinic_words"], *vocabulary["generic_words"]], key=len, reverse=True)
    if not any(word in text for word in vocabulary["clinic_words"]):
        return False
    rest = re.sub("|".join(map(re.escape, words)), "", text)
    return len(re.sub(r"[\s・、,/]", "", rest)) >= 2


def branch_name(text: str) -> str | None:
    """The ○○院 branch named in a short text, if exactly one is (当院, 医院, 病院 … are not branches)."""
    excluded = _vocabulary()["not_branches"]
    found = {m.group(1) or m.group(2) for m in BRANCH.finditer(fold(text))}
    names = {name for name in found if not any(name.endswith(word) for word in excluded)}
    return names.pop() if len(names) == 1 else None


def corporation(text: str, in_table: bool = False) -> tuple[str, str, int, int] | None:
    """(cleaned name, raw match, start, end) of a corporation such as 医療法人社団翠陽会 in folded text.

    Companies (株式会社 …) count only in a 概要 table's 法人名 row: elsewhere they are makers and
    management firms, not the medical institution.
    """
    vocabulary = _vocabulary()
    for match in _corporation_pattern().finditer(text):
        form, name = match.group(1), match.group(2)
        if form in vocabulary["company_forms"] and not in_table:
            continue
        if form in vocabulary["ends_with_kai"] or form.startswith(("医療法人", "特定医療", "社会医療")):
            kai = re.match(r"^.{1,12}?(会|団)", name)
            name = kai.group(0) if kai else name
        else:
            name = re.split(
                r"(?<=.)(?:が|は|を|に|で|と|も|より|から|の(?:運営|提供|製造))", name, maxsplit=1
            )[0]
        if len(name) >= 2 and name[0] not in "のがはとをにへもで":
            end = match.start(2) + len(name)
            return form + name, text[match.start() : end], match.start(), end
    return None


@lru_cache(maxsize=64)
def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """`fold(text)` built character by character, with the raw offset of each folded character.

    Facts are found in the folded text; the offsets give back the raw text as the page wrote it.
    """
    folded: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        piece = _fold_char(char)
        if piece == " " and (not folded or folded[-1] == " "):
            continue
        folded.extend(piece)
        offsets.extend([index] * len(piece))
    return "".join(folded), offsets


@cache
def _fold_char(char: str) -> str:
    return " " if char.isspace() else fold(char)


def _raw(text: str, offsets: list[int], start: int, end: int) -> str:
    return text[offsets[start] : offsets[end - 1] + 1] if end > start else ""


def phones(text: str) -> Iterator[tuple[str, str]]:
    """(digits, as written) for every phone number in the text; fax numbers are skipped."""
    folded, offsets = fold_with_offsets(text)
    for match in PHONE.finditer(folded):
        if FAX_BEFORE.search(folded[max(0, match.start() - 8) : match.start()]):
            continue
        digits = jp_phones.normalise(match.group(0))
        if digits:
            yield digits, _raw(text, offsets, match.start(), match.end())


def addresses(text: str) -> Iterator[tuple[str, str]]:
    """(NFKC prefecture + rest, as written with its 〒 code) for every postal address in the text.

    An address written without its prefecture counts only after a 〒 code, and stays without one.
    """
    folded, offsets = fold_with_offsets(text)
    stop = re.compile(_vocabulary()["address"]["stop"])
    found = list(_address_pattern().finditer(folded)) or list(POSTAL_ADDRESS.finditer(folded))
    for match in found:
        tail = match.group(3)
        rest = stop.split(tail, maxsplit=1)[0].strip().rstrip(" /|・,、")
        if not re.search(r"\d|丁目|番地", rest[:20]):
            continue  # 「大阪府大阪市出身」 is no address
        value = re.sub(r"\s+", " ", f"{match.group(1)}{match.group(2)}{rest}").strip()
        start = match.start(1) if match.group(1) else match.start(2)
        postal = postal_codes.find(folded[max(0, start - 12) : start])
        raw_start = max(0, start - 12) + postal.start() if postal else start
        end = match.start(3) + (len(tail) - len(tail.lstrip())) + len(rest)
        yield value, _raw(text, offsets, raw_start, end)


def plan_numbers(text: str) -> Iterator[tuple[str, str]]:
    """(canonical, as written) for every plan number (jp.plan_numbers: P + A/B/C + 7 digits) in the text."""
    folded, offsets = fold_with_offsets(text)
    for value, start, end in jp_plan_numbers.find(folded):
        yield value, _raw(text, offsets, start, end)


def _title_name(title: str) -> str | None:
    vocabulary = _vocabulary()
    parts = [p.strip() for p in re.split(vocabulary["title_separators"], fold(title))]
    for part in parts:
        part = re.sub(r"\s*[(（][^)）]*[)）]\s*$", "", part).strip()
        if part and looks_like_clinic(part) and not re.search(vocabulary["title_noise"], part):
            return part
    return None


def _name_and_corporation(text: str, source: NameSource, quote: str, branch: str | None) -> list[Fact]:
    """A name line such as 「医療法人社団奏樹会 横濱ヴィータクリニック」 as a corporation and a name fact."""
    folded = _clean(text)
    facts: list[Fact] = []
    corp = corporation(folded)
    if corp:
        facts.append(Fact(FactKind.CORPORATION, corp[0], corp[1], source, quote))
        folded = _clean(folded[: corp[2]] + " " + folded[corp[3] :])
        folded = _clean(
            EMPTIED_BRACKETS.sub(" ", folded)
        )  # 「(開設者:医療法人…)」 once the corporation is out
    if folded and looks_like_clinic(folded):
        facts.append(Fact(FactKind.NAME, folded, text.strip(), source, quote, branch_name(folded) or branch))
    return facts


def _texts(value: object) -> list[str]:
    """The strings of a JSON-LD value, which may be a string, a list of them, or anything else."""
    values = value if isinstance(value, list) else [value]
    return [item for item in values if isinstance(item, str) and item.strip()]


def _jsonld_address(value: object) -> str:
    if isinstance(value, dict):
        keys = ("addressRegion", "addressLocality", "streetAddress")
        return fold("".join(text for key in keys for text in _texts(value.get(key))))
    return fold("".join(_texts(value)[:1]))


def _jsonld_item_facts(item: dict[str, Any]) -> list[Fact]:
    facts: list[Fact] = []
    for name in _texts(item.get("name"))[:1]:
        facts += _name_and_corporation(name, NameSource.JSONLD, _quote(name), None)
    parents = item.get("parentOrganization")
    for parent in parents if isinstance(parents, list) else [parents]:
        for name in _texts(parent.get("name") if isinstance(parent, dict) else None)[:1]:
            facts += [
                f
                for f in _name_and_corporation(name, NameSource.JSONLD, _quote(name), None)
                if f.kind == FactKind.CORPORATION
            ]
    written = _jsonld_address(item.get("address"))
    facts += [Fact(FactKind.ADDRESS, value, written, NameSource.JSONLD, _quote(written)) for value, _ in addresses(written)]
    for telephone in _texts(item.get("telephone")):
        digits = jp_phones.normalise(telephone)
        if digits:
            facts.append(Fact(FactKind.PHONE, digits, telephone, NameSource.JSONLD, _quote(telephone)))
    return facts


def _jsonld_facts(page: VisiblePage) -> list[Fact]:
    """Facts of the page's JSON-LD clinic items (MedicalClinic, MedicalOrganization, LocalBusiness …)."""
    facts: list[Fact] = []
    for item in page.jsonld:
        if set(_texts(item.get("@type"))) & JSONLD_CLINIC_TYPES:
            facts += _jsonld_item_facts(item)
    return facts


def _meta_facts(page: VisiblePage) -> list[Fact]:
    facts: list[Fact] = []
    site_name = page.meta.get("og:site_name", "")
    if site_name:
        facts += _name_and_corporation(site_name, NameSource.OG, _quote(site_name), None)
    title_name = _title_name(page.title)
    if title_name:
        facts += _name_and_corporation(title_name, NameSource.TITLE, _quote(page.title), None)
    for alt, region in page.image_alts:
        if region in ("header", "main") and len(alt) <= SHORT_LINE and looks_like_clinic(alt):
            facts += _name_and_corporation(alt, NameSource.ALT, _quote(alt), None)
            break
    return facts


def _table_rows(segments: list[Segment]) -> Iterator[tuple[str, str, Segment]]:
    """(label, value, segment) for th/td and dt/dd pairs, and for 「医院名：○○」 lines."""
    for label, value in pairwise(segments):
        if label.tag in ("th", "dt", "td") and value.tag in ("td", "dd"):
            yield _clean(label.text), value.text.replace("\n", " "), value
    for segment in segments:
        for line in segment.text.split("\n"):
            labelled = LABELLED_LINE.match(fold(line))
            if labelled:
                yield labelled.group(1).strip(), labelled.group(2), segment


def _table_facts(page: VisiblePage, branch_at: dict[int, str | None]) -> list[Fact]:
    facts: list[Fact] = []
    for label, value, segment in _table_rows(page.segments):
        branch = branch_at.get(id(segment))
        quote = _quote(f"{label} {value}")
        if _label("name").search(label):
            facts += _name_and_corporation(value, NameSource.TABLE, quote, branch)
        elif _label("corporation").search(label):
            corp = corporation(_clean(value), in_table=True)
            if corp:
                facts.append(Fact(FactKind.CORPORATION, corp[0], corp[1], NameSource.TABLE, quote))
    return facts


def _footer_facts(page: VisiblePage) -> list[Fact]:
    facts: list[Fact] = []
    for segment in page.segments:
        if segment.region != "footer" or segment.in_link:
            continue
        for line in segment.text.split("\n"):
            stripped = _clean(COPYRIGHT.sub(" ", fold(line))).rstrip(".")
            if (
                len(stripped) > SHORT_LINE
                or re.search(r"\d|〒|TEL|電話|:", stripped)
                or _about_elsewhere(line)
            ):
                continue
            facts += _name_and_corporation(stripped, NameSource.FOOTER, _quote(line), branch_name(stripped))
    return facts


def _about_elsewhere(line: str) -> bool:
    """The line is about another institution: a doctor's career or a partner clinic."""
    return re.search(_vocabulary()["other_institutions"]["line"], fold(line)) is not None


def _source_of(segment: Segment) -> NameSource:
    if segment.region == "footer":
        return NameSource.FOOTER
    return NameSource.TABLE if segment.tag in ("td", "dd", "th", "dt") else NameSource.TEXT


def _located_facts(page: VisiblePage, page_branch: str | None) -> tuple[list[Fact], dict[int, str | None]]:
    """Addresses, phones, plan numbers and corporations in page order, each with the branch it follows."""
    facts: list[Fact] = []
    branch_at: dict[int, str | None] = {}
    current = page_branch
    previous: Segment | None = None
    for segment in page.segments:
        fax_cell = previous is not None and _is_fax_label(previous, segment)
        previous = segment
        if segment.is_heading:
            current = branch_name(segment.text) or page_branch
        lines = segment.text.split("\n")
        for index, line in enumerate(lines):
            if index + 1 < len(lines) and BUILDING_LINE.search(fold(lines[index + 1])):
                line = f"{line} {lines[index + 1]}"  # 〒 and street on one line, the building below
            folded = fold(line)
            named = branch_name(folded) if len(folded) <= SHORT_LINE and segment.region != "nav" else None
            current = named or current
            branch_at[id(segment)] = current
            source, quote = _source_of(segment), _quote(line)
            corp = corporation(folded) if not _about_elsewhere(folded) else None
            if corp:
                facts.append(Fact(FactKind.CORPORATION, corp[0], corp[1], source, quote))
            if not re.search(r"\d", folded):
                continue  # addresses, phones and plan numbers all have digits
            facts += [Fact(FactKind.ADDRESS, v, raw, source, quote, current) for v, raw in addresses(line)]
            if not fax_cell:
                facts += [Fact(FactKind.PHONE, v, raw, source, quote, current) for v, raw in phones(line)]
            # A plan number belongs to a branch only on its page or beside its name, never by mere order.
            plan_branch = page_branch or branch_name(folded)
            facts += [
                Fact(FactKind.PLAN_NUMBER, v, raw, source, quote, plan_branch) for v, raw in plan_numbers(line)
            ]
    return facts, branch_at


def _is_fax_label(label: Segment, value: Segment) -> bool:
    """A table cell that follows a FAX label (「FAX」 then 「082-228-3571」)."""
    text = fold(label.text)
    return value.tag in ("td", "dd") and bool(FAX_BEFORE.search(text)) and not re.search(r"TEL|電話", text)


def _branch_facts(located: list[Fact]) -> list[Fact]:
    """A branch fact for each ○○院 that has an address or phone of its own on the page."""
    seen: dict[str, Fact] = {}
    for fact in located:
        if fact.branch and fact.kind in (FactKind.ADDRESS, FactKind.PHONE) and fact.branch not in seen:
            seen[fact.branch] = Fact(FactKind.BRANCH, fact.branch, fact.branch, fact.source, fact.quote, fact.branch)
    return list(seen.values())


def _tel_link_facts(page: VisiblePage) -> list[Fact]:
    facts: list[Fact] = []
    for number, region in page.tel_links:
        digits = jp_phones.normalise(number)
        if digits:
            source = NameSource.FOOTER if region == "footer" else NameSource.TEXT
            facts.append(Fact(FactKind.PHONE, digits, number, source, _quote(number)))
    return facts


def page_branch(page: VisiblePage) -> str | None:
    """The branch a page is about: the one ○○院 its h1 or its title names (「幹細胞治療｜○○クリニック 梅田院」).

    A title naming several branches (「【梅田院・京都院】」) is about the clinic as a whole.
    """
    return branch_name(page.h1()) or branch_name(page.title)


def identity_facts(page: VisiblePage) -> list[Fact]:
    """Every identity fact on the page, without duplicates (the first source of a value wins)."""
    located, branch_at = _located_facts(page, page_branch(page))
    facts = (
        _jsonld_facts(page)
        + _table_facts(page, branch_at)
        + _meta_facts(page)
        + _footer_facts(page)
        + _branch_facts(located)
        + located
        + _tel_link_facts(page)
    )
    unique: dict[tuple[str, str], Fact] = {}
    for fact in facts:
        key = (fact.kind, fact.value)
        if key not in unique or (fact.branch and not unique[key].branch):
            unique[key] = fact
    return list(unique.values())
