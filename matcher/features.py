"""Matching features: each a small function of a (query, facility) pair with a one-sentence docstring.

The docstring is what reports show beside the feature's value. A feature returns a value in [-1, 1]
(negative = evidence against) or None when it does not apply; its contribution is value × weight.
Adding a feature means adding one function here and one weight to FEATURES.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from rapidfuzz.distance import Indel

from matcher.address import Address
from matcher.names import NameFields, place_kind
from matcher.phonetic import phonetic_similarity

GENERIC_TYPE = "generic"
BRAND_AGREES = 0.85  # brand similarity at or above which two names are the same brand


@dataclass(frozen=True)
class Facility:
    """A registry facility as the matcher sees it."""

    id: int
    name: str  # as filed
    prefecture: str
    address_raw: str
    fields: NameFields
    address: Address
    plan_numbers: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Query:
    """What a site (or one branch of it) says about who it is, already normalised."""

    names: tuple[NameFields, ...]  # every name the site gives, any source
    addresses: tuple[Address, ...] = ()
    phones: frozenset[str] = frozenset()
    plan_numbers: frozenset[str] = frozenset()
    corporations: frozenset[str] = frozenset()
    opendata_name: NameFields | None = None
    opendata_address: Address | None = None
    branch: str | None = None
    branch_places: frozenset[str] = frozenset()
    own_names: tuple[NameFields, ...] = ()  # names from the site's header data (JSON-LD, og, title, seed)


@dataclass
class Pair:
    """A query and one candidate facility, with the comparisons several features share."""

    query: Query
    facility: Facility
    notes: dict[str, str] = field(default_factory=dict)

    @cached_property
    def best_name(self) -> tuple[NameFields | None, float]:
        """The site name closest to the facility's brand, and that similarity."""
        best: tuple[NameFields | None, float] = (None, 0.0)
        best_rank = (0.0, False)
        for name in self.query.names:
            value = core_similarity(name, self.facility.fields)
            rank = (value, bool(name.places & self.facility.fields.places))  # ties: the name naming its place
            if rank > best_rank:
                best, best_rank = (name, value), rank
        return best

    @property
    def own_name_agrees(self) -> bool:
        """False when the site states its own name and that name is not this facility's brand."""
        if not self.query.own_names:
            return True
        return any(core_similarity(name, self.facility.fields) >= BRAND_AGREES for name in self.query.own_names)

    @cached_property
    def street_value(self) -> float | None:
        values = [street_match(address, self.facility.address) for address in self.query.addresses]
        known = [value for value in values if value is not None]
        return max(known) if known else None


def core_similarity(left: NameFields, right: NameFields) -> float:
    """Similarity of two brand cores: characters within a script, phonetic key across Latin/kana."""
    if not left.core or not right.core:
        return 0.0
    if left.core == right.core:
        return 1.0
    if {left.script, right.script} == {"latin", "kana"}:
        return phonetic_similarity(left.core, right.core)
    return Indel.normalized_similarity(left.core, right.core)


def municipality_match(left: Address, right: Address) -> float | None:
    """1 same municipality, 0.5 one names only the city of the other's ward, -1 different, None unknown."""
    if left.prefecture and right.prefecture and left.prefecture != right.prefecture:
        return -1.0
    if not left.municipality or not right.municipality:
        return None
    if left.municipality == right.municipality:
        return 1.0
    if left.municipality.startswith(right.municipality) or right.municipality.startswith(left.municipality):
        return 0.5
    return -1.0


def _towns_agree(left: str, right: str) -> bool:
    if left == right:
        return True
    shorter, longer = sorted((left, right), key=len)
    return len(shorter) >= 2 and longer.endswith(shorter)


def street_match(left: Address, right: Address) -> float | None:
    """1 same town and block numbers, 0.6 one is a prefix of the other, -0.5 same 丁目 other block,
    -1 other town or 丁目; 0.3 instead of 1 when both name different floors; None when unknown."""
    if municipality_match(left, right) == -1.0:
        return -1.0
    if not left.numbers or not right.numbers or not left.town and not right.town:
        return None
    if not _towns_agree(left.town, right.town):
        return -1.0
    short, long = sorted((left.numbers, right.numbers), key=len)
    if long[: len(short)] == short:
        value = 1.0 if len(short) == len(long) or len(short) >= 3 else 0.6
        if left.floor and right.floor and left.floor != right.floor:
            return 0.3
        return value
    return -0.5 if left.numbers[0] == right.numbers[0] else -1.0


# --- the features -----------------------------------------------------------------------------


def brand_similarity(pair: Pair) -> float | None:
    """How alike the clinic names are once legal form, corporation, place, type word and branch are set aside."""
    return pair.best_name[1] if pair.query.names else None


def full_name_equal(pair: Pair) -> float | None:
    """The whole clinic name (without legal form and corporation) is the same after normalisation."""
    if not pair.query.names:
        return None
    return 1.0 if any(name.facility == pair.facility.fields.facility for name in pair.query.names) else 0.0


def branch_agreement(pair: Pair) -> float | None:
    """Both names point to the same branch or place (1) or to different ones (-1), e.g. 銀座院 vs 新宿院."""
    name = pair.best_name[0]
    ours = set(pair.query.branch_places) | (set(name.places) if name else set())
    theirs = set(pair.facility.fields.places)
    if not ours or not theirs:
        return None
    if ours & theirs:
        return 1.0
    kinds = {place_kind(place) == "prefecture" for place in ours | theirs}
    if len(kinds) > 1:
        return None  # 東京 vs 銀座: a prefecture and a place inside it may both be right
    pair.notes["branch"] = f"{'/'.join(sorted(ours))} vs {'/'.join(sorted(theirs))}"
    return -1.0


def facility_type_conflict(pair: Pair) -> float | None:
    """Both names state a specialty and they differ (皮膚科 vs 整形外科): a sign of two clinics."""
    name = pair.best_name[0]
    ours = set(name.types) - {GENERIC_TYPE} if name else set()
    theirs = set(pair.facility.fields.types) - {GENERIC_TYPE}
    if not ours or not theirs or ours & theirs:
        return None
    return -1.0


def corporation_agreement(pair: Pair) -> float | None:
    """The medical corporation named on the site is the one in the filing (1) or another (-1)."""
    theirs = pair.facility.fields.corporation
    ours = set(pair.query.corporations) | {name.corporation for name in pair.query.names if name.corporation}
    if not theirs or not ours:
        return None
    return 1.0 if theirs in ours else -1.0


def municipality_agreement(pair: Pair) -> float | None:
    """The site's address is in the facility's municipality (1) or another one (-1)."""
    values = [municipality_match(address, pair.facility.address) for address in pair.query.addresses]
    known = [value for value in values if value is not None]
    return max(known) if known else None


def street_agreement(pair: Pair) -> float | None:
    """Town and block numbers agree (1, partly 0.6) or differ (-0.5 same 丁目, -1 elsewhere); building names ignored."""
    return pair.street_value


def phone_equality(pair: Pair) -> float | None:
    """The site and the filing give the same phone number (toll-free numbers shared by a chain do not count)."""
    if not pair.query.phones or not pair.facility.phones:
        return None
    return 1.0 if pair.query.phones & pair.facility.phones else None


def opendata_identity(pair: Pair) -> float | None:
    """The 医療情報ネット record seeded for the site has this facility's name and street address."""
    name, address = pair.query.opendata_name, pair.query.opendata_address
    if name is None or address is None:
        return None
    same_name = name.facility == pair.facility.fields.facility or name.core == pair.facility.fields.core
    return 1.0 if same_name and street_match(address, pair.facility.address) == 1.0 else 0.0


def plan_number_cited(pair: Pair) -> float | None:
    """A plan number the site cites belongs to this facility."""
    if not pair.query.plan_numbers:
        return None
    return 1.0 if pair.query.plan_numbers & pair.facility.plan_numbers else 0.0


Feature = Callable[[Pair], float | None]

FEATURES: list[tuple[Feature, float]] = [
    (brand_similarity, 4.0),
    (full_name_equal, 1.0),
    (branch_agreement, 3.0),
    (facility_type_conflict, 2.0),
    (corporation_agreement, 1.0),
    (municipality_agreement, 3.0),
    (street_agreement, 3.0),
    (phone_equality, 3.0),
    (opendata_identity, 2.0),
    (plan_number_cited, 4.0),
]
