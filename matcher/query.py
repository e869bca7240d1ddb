"""Building the matcher's records from raw strings: a site's noisy facts, a registry facility's row."""

from __future__ import annotations

import re
from collections.abc import Iterable

from jp import phones as jp_phones
from jp import plan_numbers as jp_plan_numbers
from jp.text import compact, fold
from matcher.address import parse_address
from matcher.features import Facility, Query
from matcher.names import NameFields, branch_places, split_name

# Title fragments: 「幹細胞治療｜恵比寿ルミエールクリニック」, 「… - 公式サイト」, 「【公式】…」.
_SEPARATORS = re.compile(r"[|｜│¦/／:：【】\[\]「」『』()（）<>＜＞〈〉《》]|\s[-–—]\s|©|copyright", re.IGNORECASE)

# Slogans before the name: 「恵比寿の幹細胞治療なら恵比寿ルミエールクリニック」.
_LEAD_IN = re.compile(r"なら|は|、|。|!|\?")


def name_variants(values: Iterable[str]) -> tuple[NameFields, ...]:
    """Each distinct name and each fragment of a title-like name, split into fields."""
    seen: dict[str, NameFields] = {}
    for value in values:
        text = fold(value)
        pieces = [text] + [piece.strip() for piece in _SEPARATORS.split(text)]
        pieces += [_LEAD_IN.split(piece)[-1] for piece in pieces if _LEAD_IN.search(piece)]
        for piece in pieces:
            piece = re.sub(r"\b(?:all rights reserved|19|20)\d*\.?", "", piece).strip(" .,")
            if len(compact(piece)) >= 2 and piece not in seen:
                seen[piece] = split_name(piece)
    return tuple(seen.values())


def make_query(
    names: Iterable[str],
    addresses: Iterable[str] = (),
    phones: Iterable[str] = (),
    plan_numbers: Iterable[str] = (),
    corporations: Iterable[str] = (),
    prefecture: str | None = None,
    opendata_name: str | None = None,
    opendata_address: str | None = None,
    branch: str | None = None,
    secondary_names: Iterable[str] = (),
) -> Query:
    """A Query from what a site says (several candidate names and addresses are fine).

    `names` are the site's own (header data, title, seed); `secondary_names` come from footers, tables
    and body text, where a sister clinic may be named too: a match through them alone is a review.
    """
    own = [*names, *([opendata_name] if opendata_name else [])]
    parsed_names = name_variants([*own, *secondary_names])
    parsed_addresses = tuple(
        parse_address(text, prefecture) for text in [*addresses, *([opendata_address] if opendata_address else [])]
    )
    corporation_keys = {_corporation_key(text) for text in corporations}
    label = compact(branch).removesuffix("院") if branch else None
    return Query(
        names=parsed_names,
        addresses=tuple(address for address in parsed_addresses if address.municipality or address.numbers),
        phones=identifying_phones(phones),
        plan_numbers=_plan_numbers(plan_numbers),
        corporations=frozenset(key for key in corporation_keys if key),
        opendata_name=split_name(opendata_name) if opendata_name else None,
        opendata_address=parse_address(opendata_address, prefecture) if opendata_address else None,
        branch=label,
        branch_places=frozenset(branch_places(label)) if label else frozenset(),
        own_names=name_variants(own) if secondary_names else (),
    )


def identifying_phones(values: Iterable[str]) -> frozenset[str]:
    """The distinct valid numbers among raw phone strings, without those a chain shares (0120 …)."""
    found = {jp_phones.normalise(value) for value in values}
    return frozenset(digits for digits in found if digits and not jp_phones.is_shared(digits))


def _plan_numbers(values: Iterable[str]) -> frozenset[str]:
    found = {jp_plan_numbers.normalise(value) for value in values if value}
    return frozenset(number for number in found if number)


def _corporation_key(text: str) -> str | None:
    fields = split_name(text)
    return fields.corporation or fields.facility or None


def make_facility(
    facility_id: int,
    name: str,
    prefecture: str,
    address: str,
    plan_numbers: Iterable[str] = (),
    phones: Iterable[str] = (),
) -> Facility:
    """A Facility from a registry row: name as filed, prefecture column, address (often without prefecture)."""
    return Facility(
        id=facility_id,
        name=name,
        prefecture=prefecture,
        address_raw=address,
        fields=split_name(name),
        address=parse_address(address, prefecture),
        plan_numbers=_plan_numbers(plan_numbers),
        phones=identifying_phones(phones),
    )
