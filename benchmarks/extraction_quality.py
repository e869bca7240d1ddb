"""Extraction quality on a labelled set of clinic sites: per-modality precision and recall, site level.

Runs the real path: serves DIR/sites on a loopback proxy (clinicwatch.sitefarm.SiteFarm), runs
`clinicwatch crawl --seeds DIR/seeds.csv --db sqlite:///TMP` with http_proxy pointing at it, reads the
Claim and SiteFlag rows of each site from the database and compares the modalities a site advertises
with DIR/labels.json (`requires_filing` + `cell_free` per seed; `flags` for the two extraction flags).
Prints precision/recall per modality, overall for the modalities that need a filing, per flag, and
every false positive with its URL and quote, so a wrong claim can be read at once.

    .venv/bin/python benchmarks/extraction_quality.py [DIR] [--labels FILE]   # DIR: ../shared/devset

DIR layout: sites/<host>/..., seeds.csv (url,name), labels.json ({"sites": [{"seed", "requires_filing",
"cell_free", "flags"}]}). The script fails with a message naming what is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from clinicwatch.sitefarm import SiteFarm
from crawler.taxonomy import modalities
from db.models import Claim, Site, SiteCrawl, SiteFlag
from db.vocabulary import Flag

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_SET = PROJECT.parent / "shared" / "devset"
EXTRACTION_FLAGS = (Flag.CELL_FREE_AS_REGENERATIVE, Flag.APPROVAL_CLAIM)


@dataclass
class SiteResult:
    """What the crawl found on one seed site: modality -> (url, quote) evidence, flags likewise."""

    claims: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    flags: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, expected: bool, found: bool) -> None:
        self.tp += expected and found
        self.fp += found and not expected
        self.fn += expected and not found

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def load_labels(path: Path) -> dict[str, dict[str, Any]]:
    if not path.is_file():
        raise SystemExit(f"{path}: missing; a labelled set needs labels.json, seeds.csv and sites/")
    return {site["seed"]: site for site in json.loads(path.read_text(encoding="utf-8"))["sites"]}


def crawl(labelled_set: Path, db_path: Path) -> None:
    """Serve the set's sites on loopback and run `clinicwatch crawl` over its seeds into `db_path`."""
    for needed in ("sites", "seeds.csv"):
        if not (labelled_set / needed).exists():
            raise SystemExit(f"{labelled_set / needed}: missing; cannot crawl this labelled set")
    with SiteFarm(labelled_set / "sites") as farm:
        env = dict(os.environ, http_proxy=farm.proxy_url, HTTP_PROXY=farm.proxy_url, no_proxy="", NO_PROXY="")
        command = [sys.executable, "-m", "clinicwatch", "crawl", "--seeds", str(labelled_set / "seeds.csv")]
        result = subprocess.run([*command, "--db", f"sqlite:///{db_path}"], env=env, cwd=PROJECT, check=False)
    if result.returncode != 0:
        raise SystemExit(f"clinicwatch crawl exited {result.returncode}; see its messages above")


def read_results(db_path: Path) -> dict[str, SiteResult]:
    """Claims and flags per seed URL, from the latest crawl of each site."""
    results: dict[str, SiteResult] = defaultdict(SiteResult)
    engine = create_engine(f"sqlite:///{db_path}")
    with Session(engine) as session:
        claims = session.execute(
            select(Site.seed_url, Claim.modality, Claim.url, Claim.quote)
            .join(SiteCrawl, SiteCrawl.site_id == Site.id)
            .join(Claim, Claim.site_crawl_id == SiteCrawl.id)
        )
        for seed, modality_id, url, quote in claims:
            results[seed].claims[modality_id].append((url, quote))
        flags = session.execute(
            select(Site.seed_url, SiteFlag.flag, SiteFlag.url, SiteFlag.quote)
            .join(SiteCrawl, SiteCrawl.site_id == Site.id)
            .join(SiteFlag, SiteFlag.site_crawl_id == SiteCrawl.id)
        )
        for seed, flag, url, quote in flags:
            results[seed].flags[flag].append((url, quote))
    engine.dispose()
    return results


def _percent(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


def report(labels: dict[str, dict[str, Any]], results: dict[str, SiteResult]) -> bool:
    """Print the figures and the false positives; True when the filing-modality targets are met."""
    per_modality = {modality_id: Score() for modality_id in modalities()}
    per_flag = {flag: Score() for flag in EXTRACTION_FLAGS}
    false_positives: list[str] = []
    misses: list[str] = []
    for seed, label in labels.items():
        expected = set(label["requires_filing"]) | set(label["cell_free"])
        found = results.get(seed, SiteResult())
        for modality_id, score in per_modality.items():
            score.add(modality_id in expected, modality_id in found.claims)
            if modality_id in found.claims and modality_id not in expected:
                false_positives += [
                    f"  {seed} {modality_id}: {url} 「{quote}」" for url, quote in found.claims[modality_id]
                ]
            if modality_id in expected and modality_id not in found.claims:
                misses.append(f"  {seed} {modality_id}")
        for flag, score in per_flag.items():
            score.add(flag in label["flags"], flag in found.flags)
            if flag in found.flags and flag not in label["flags"]:
                false_positives += [
                    f"  {seed} flag {flag}: {url} 「{quote}」" for url, quote in found.flags[flag]
                ]
    filing = Score()
    print(f"{'modality':24} {'filing':6} {'TP':>3} {'FP':>3} {'FN':>3} {'precision':>9} {'recall':>7}")
    for modality_id, score in per_modality.items():
        needs_filing = modalities()[modality_id].requires_filing
        if needs_filing:
            filing.tp, filing.fp, filing.fn = filing.tp + score.tp, filing.fp + score.fp, filing.fn + score.fn
        print(
            f"{modality_id:24} {'yes' if needs_filing else 'no':6} {score.tp:3} {score.fp:3} {score.fn:3} "
            f"{_percent(score.precision):>9} {_percent(score.recall):>7}"
        )
    print(
        f"{'ALL needing a filing':24} {'':6} {filing.tp:3} {filing.fp:3} {filing.fn:3} "
        f"{_percent(filing.precision):>9} {_percent(filing.recall):>7}"
    )
    for flag, score in per_flag.items():
        print(
            f"{'flag ' + flag:31} {score.tp:3} {score.fp:3} {score.fn:3} "
            f"{_percent(score.precision):>9} {_percent(score.recall):>7}"
        )
    print(
        f"\nsites: {len(labels)}, sites with claims: {sum(1 for s in labels if results.get(s, SiteResult()).claims)}"
    )
    print("false positives (every claim row of the modality on that site):")
    print("\n".join(false_positives) or "  none")
    print("missed (site advertises it, no claim found):")
    print("\n".join(misses) or "  none")
    return (filing.precision or 0) >= 0.95 and (filing.recall or 0) >= 0.90


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labelled_set", nargs="?", type=Path, default=DEFAULT_SET, help="labelled set folder")
    parser.add_argument(
        "--labels", type=Path, help="labels file in the same format (default DIR/labels.json)"
    )
    args = parser.parse_args()
    labels = load_labels(args.labels or args.labelled_set / "labels.json")
    with tempfile.TemporaryDirectory(prefix="cw-extraction-") as tmp:
        db_path = Path(tmp) / "extraction.db"
        crawl(args.labelled_set, db_path)
        met = report(labels, read_results(db_path))
    print(f"\ntarget (filing modalities: precision >= 0.95, recall >= 0.90): {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
