"""Status accuracy of the whole weekly job on a labelled set of sites: what a reader of the report sees.

Serves DIR/sites on a loopback proxy (clinicwatch.sitefarm.SiteFarm), runs `clinicwatch run` over
DIR/seeds.csv against the set's own registry into a fresh SQLite database, then compares findings.json
with DIR/labels.json:

- status accuracy: the reported status is `expected_status` or one of `accept`;
- accusations (`unfiled`, `not_covered`): precision and recall against the sites labelled so;
- review share: clinics in `review` among those with any claim;
- link recall: registry rows labelled as the clinic (`registry_facilities`) that the report matched.

Every wrong status is printed with its reason and strongest quote, so a miss can be read at once.

    .venv/bin/python benchmarks/devset_status.py ../shared/devset2 [--json OUT] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clinicwatch.sitefarm import SiteFarm

PROJECT = Path(__file__).resolve().parents[1]
REGISTRY = "http://saiseiiryo.mhlw.go.jp/published_plan/index"
ACCUSATIONS = frozenset({"unfiled", "not_covered"})


@dataclass
class Tally:
    sites: int = 0
    right: int = 0
    accused: int = 0
    accused_right: int = 0
    should_accuse: int = 0
    accused_of_those: int = 0
    with_claims: int = 0
    reviews: int = 0
    facilities: int = 0
    facilities_matched: int = 0
    misses: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        def ratio(a: int, b: int) -> float | None:
            return round(a / b, 3) if b else None

        return {
            "sites": self.sites,
            "status_accuracy": ratio(self.right, self.sites),
            "accusations": self.accused,
            "accusation_precision": ratio(self.accused_right, self.accused),
            "accusation_recall": ratio(self.accused_of_those, self.should_accuse),
            "review_share": ratio(self.reviews, self.with_claims),
            "link_recall": ratio(self.facilities_matched, self.facilities),
            "misses": self.misses,
        }


def run_set(labelled_set: Path, work: Path) -> dict[str, Any]:
    """`clinicwatch run` over the set through its loopback proxy; the findings.json it wrote."""
    for needed in ("sites", "seeds.csv", "labels.json"):
        if not (labelled_set / needed).exists():
            raise SystemExit(f"{labelled_set / needed}: missing; not a labelled set")
    out = work / "report"
    command = [
        sys.executable, "-m", "clinicwatch", "run", "--seeds", str(labelled_set / "seeds.csv"),
        "--registry-url", REGISTRY, "--db", f"sqlite:///{work / 'status.db'}", "--out", str(out),
    ]
    with SiteFarm(labelled_set / "sites") as farm:
        env = dict(os.environ, http_proxy=farm.proxy_url, HTTP_PROXY=farm.proxy_url, no_proxy="", NO_PROXY="")
        result = subprocess.run(command, env=env, cwd=PROJECT, check=False)
    if result.returncode != 0:
        raise SystemExit(f"clinicwatch run exited {result.returncode}; see its messages above")
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def _facility_key(name: str) -> str:
    return re.sub(r"\s+", "", name)


def _strongest_quote(clinic: dict[str, Any]) -> str:
    offer = clinic.get("offer") or {}
    if offer.get("quote"):
        return f"{offer.get('url')} 「{offer['quote']}」"
    evidence = [item for item in clinic.get("evidence", []) if item.get("requires_filing")]
    return f"{evidence[0]['url']} 「{evidence[0]['quote']}」" if evidence else "-"


def score(labels: list[dict[str, Any]], findings: dict[str, Any]) -> Tally:
    clinics = {clinic["seed"]: clinic for clinic in findings["clinics"]}
    tally = Tally()
    for label in labels:
        clinic = clinics.get(label["seed"])
        status = clinic["status"] if clinic else "missing"
        expected = label["expected_status"]
        accepted = {expected, *label.get("accept", [])}
        tally.sites += 1
        tally.right += status in accepted
        accused = status in ACCUSATIONS
        tally.accused += accused
        tally.accused_right += accused and expected in ACCUSATIONS
        tally.should_accuse += expected in ACCUSATIONS
        tally.accused_of_those += expected in ACCUSATIONS and accused
        if clinic and (clinic.get("requires_filing") or clinic.get("cell_free")):
            tally.with_claims += 1
            tally.reviews += status == "review"
        matched = {_facility_key(m["facility"]) for m in (clinic or {}).get("matches", [])}
        wanted = {_facility_key(name) for name in label.get("registry_facilities", [])}
        tally.facilities += len(wanted)
        tally.facilities_matched += len(wanted & matched)
        if status not in accepted:
            reason = clinic.get("reason", "") if clinic else "no finding"
            found = ",".join(clinic.get("requires_filing", [])) if clinic else ""
            tally.misses.append(
                f"{label['seed']}: {status} (expected {expected}; found [{found}], "
                f"labelled [{','.join(label['requires_filing'])}]) {reason} {_strongest_quote(clinic or {})}"
            )
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("labelled_set", type=Path, help="folder with sites/, seeds.csv, labels.json")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", type=Path, help="keep the database and report in this folder")
    args = parser.parse_args()
    labels = json.loads((args.labelled_set / "labels.json").read_text(encoding="utf-8"))["sites"]
    with tempfile.TemporaryDirectory(prefix="cw-status-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        figures = score(labels, run_set(args.labelled_set.resolve(), work)).figures()
    for key, value in figures.items():
        if key != "misses":
            print(f"{key:22} {value}")
    print("wrong statuses:")
    print("\n".join(f"  {miss}" for miss in figures["misses"]) or "  none")
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
