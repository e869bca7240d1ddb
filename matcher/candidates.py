"""Candidate search: the few registry facilities worth scoring for each site.

Blocking by prefecture, then per prefecture a rapidfuzz `cdist` of the query's brand cores against
the facilities' cores (and of their phonetic keys, so ORCHID meets オーキッド), keeping the best few;
plus every facility at the same street block, a few with the very same brand anywhere (so a report
can show why they are not this clinic) and every facility owning a plan number the site cites.
Built once per snapshot; `candidates_many` takes a whole run's queries at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from matcher.address import Address
from matcher.features import Facility, Query
from matcher.phonetic import phonetic_keys

NAME_TOP = 8  # best facilities by brand core per query
PHONETIC_TOP = 4  # best facilities by phonetic key per query
NAME_CUTOFF = 50  # rapidfuzz ratio (0–100) below which a name is not a candidate
SAME_BRAND = 90  # every facility this close by name is a candidate (chains), up to SAME_BRAND_CAP
SAME_BRAND_CAP = 40
SAME_BRAND_ELSEWHERE = 5  # facilities with the very same brand core in other prefectures
STREET_CAP = 30  # most facilities taken from one street block
NATIONWIDE = "*"


def _phonetic(core: str) -> str:
    keys = phonetic_keys(core)
    return keys[0][1] if keys else ""


class CandidateIndex:
    """Registry facilities of one snapshot, indexed for candidate search."""

    def __init__(self, facilities: Sequence[Facility]) -> None:
        self.facilities = list(facilities)
        self._members: dict[str, list[int]] = defaultdict(list)
        self._streets: dict[tuple[str, str, tuple[str, ...]], list[int]] = defaultdict(list)
        self._plans: dict[str, list[int]] = defaultdict(list)
        self._cores_anywhere: dict[str, list[int]] = defaultdict(list)
        for position, facility in enumerate(self.facilities):
            self._members[facility.address.prefecture or facility.prefecture].append(position)
            self._members[NATIONWIDE].append(position)
            if facility.address.municipality and facility.address.numbers:
                self._streets[_street_key(facility.address)].append(position)
            for number in facility.plan_numbers:
                self._plans[number].append(position)
            if facility.fields.core:
                self._cores_anywhere[facility.fields.core].append(position)
        self._cores = {key: [self.facilities[i].fields.core for i in members] for key, members in self._members.items()}
        self._keys = {key: [_phonetic(core) for core in cores] for key, cores in self._cores.items()}

    def candidates(self, query: Query) -> list[Facility]:
        """The facilities worth scoring for one query."""
        return self.candidates_many([query])[0]

    def candidates_many(self, queries: Sequence[Query]) -> list[list[Facility]]:
        """Candidates for many queries, one cdist per prefecture block."""
        found: list[dict[int, None]] = [{} for _ in queries]
        groups: dict[str, list[int]] = defaultdict(list)
        for index, query in enumerate(queries):
            prefectures = {address.prefecture for address in query.addresses if address.prefecture}
            for prefecture in prefectures & self._members.keys() or ({NATIONWIDE} if not prefectures else set()):
                groups[prefecture].append(index)
            for address in query.addresses:
                same_street = self._streets.get(_street_key(address), [])
                for position in same_street[:STREET_CAP]:
                    if address.prefecture in (None, self.facilities[position].address.prefecture):
                        found[index][position] = None
            for number in query.plan_numbers:
                for position in self._plans.get(number, []):
                    found[index][position] = None
            for name in query.names:  # the same brand elsewhere: shown as rejected, so "unfiled" explains itself
                for position in self._cores_anywhere.get(name.core, [])[:SAME_BRAND_ELSEWHERE]:
                    found[index][position] = None
        for prefecture, members in groups.items():
            self._name_block(prefecture, [queries[i] for i in members], [found[i] for i in members])
        return [[self.facilities[position] for position in positions] for positions in found]

    def _name_block(self, prefecture: str, queries: list[Query], found: list[dict[int, None]]) -> None:
        owners, cores, keys = [], [], []
        for index, query in enumerate(queries):
            for name in query.names:
                if name.core:
                    owners.append(index)
                    cores.append(name.core)
                    keys.append(_phonetic(name.core))
        if not cores:
            return
        members = self._members[prefecture]
        for strings, choices, top in ((cores, self._cores[prefecture], NAME_TOP), (keys, self._keys[prefecture], PHONETIC_TOP)):
            matrix = cdist(strings, choices, scorer=fuzz.ratio, dtype=np.uint8, workers=-1, score_cutoff=NAME_CUTOFF)
            # Each query's names are consecutive rows: its best score per facility is one reduceat.
            starts = np.flatnonzero(np.diff(np.array(owners), prepend=-1))
            best = np.zeros((len(queries), len(choices)), dtype=np.uint8)
            best[np.array(owners)[starts]] = np.maximum.reduceat(matrix, starts, axis=0)
            count = min(top, len(choices))
            tops = np.argpartition(-best.astype(np.int16), count - 1, axis=1)[:, :count]
            rows, ranks = np.nonzero(np.take_along_axis(best, tops, axis=1) >= NAME_CUTOFF)
            for row, column in zip(rows.tolist(), tops[rows, ranks].tolist(), strict=True):
                found[row][members[column]] = None
            taken: dict[int, int] = defaultdict(int)
            for row, column in zip(*(axis.tolist() for axis in np.nonzero(best >= SAME_BRAND)), strict=True):
                if taken[row] < SAME_BRAND_CAP:
                    taken[row] += 1
                    found[row][members[column]] = None


def _street_key(address: Address) -> tuple[str, str, tuple[str, ...]]:
    """Municipality, town and the first two block numbers: where a renamed clinic is still found."""
    return (address.municipality or "", address.town, address.numbers[:2])
