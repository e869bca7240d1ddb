"""Report speed: load and write report.html, findings.csv and findings.json for 10,000 clinics.

`python benchmarks/report_render.py [--clinics N ...] [--db URL] [--keep DIR]` stores N synthetic
findings (clinic objects shaped as reports/README.md describes: evidence, link candidates with
per-feature scores, matches with plans, branches, flags) for one run, then times each part of
`reports.write_report` on them: loading from the database, rendering the HTML, writing CSV and JSON,
and the whole call. It prints the seconds, file sizes and the peak RSS of the process. Without --db
each size gets a fresh SQLite file in a temporary folder.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from db.models import Finding, RegistrySnapshot, Run, Site
from db.session import Database
from db.vocabulary import Flag, RunStatus, SnapshotStatus, Status
from reports import write_report
from reports.exports import write_csv, write_json
from reports.render_html import render
from reports.report_data import load_report
from reports.status import SEVERITY

T = TypeVar("T")
FETCHED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
PREFECTURES = [
    "東京都",
    "大阪府",
    "神奈川県",
    "愛知県",
    "福岡県",
    "北海道",
    "京都府",
    "兵庫県",
    "沖縄県",
    "宮城県",
]
MODALITIES = [
    ("stem_cell", "幹細胞", True, 2),
    ("svf", "SVF（間質血管細胞群）", True, 2),
    ("prp", "PRP（多血小板血漿）", True, 3),
    ("immune_cell", "NK細胞療法", True, 3),
    ("fibroblast", "線維芽細胞", True, 3),
    ("exosome", "エクソソーム", False, None),
    ("culture_supernatant", "幹細胞培養上清液", False, None),
]
FEATURES = ["brand_similarity", "address_match", "phone_match", "prefecture_match", "plan_number_cited"]


def _quote(rng: random.Random, term: str) -> str:
    before = rng.choice(["当院では", "患者様ご自身の", "最新の", "厚生労働省に届出済みの"])
    after = rng.choice(
        ["を用いた治療を行っています。", "点滴　1回 330,000円（税込）", "による肌再生。<b>要予約</b>"]
    )
    return f"{before}{term}{after}"


def _claims(rng: random.Random, url: str, count: int) -> list[dict[str, Any]]:
    claims = []
    for _ in range(count):
        modality, term, requires, usual = rng.choice(MODALITIES)
        claims.append({
            "modality": modality, "requires_filing": requires, "pillar": "cell" if requires else "cell_free",
            "usual_class": usual, "term": term, "quote": _quote(rng, term),
            "url": f"{url}menu/{rng.randint(1, 30)}.html", "fetched_at": FETCHED.isoformat(), "branch": None,
            "regenerative_wording": rng.random() < 0.3,
        })  # fmt: skip
    return claims


def _candidate(rng: random.Random, facility_id: int, verdict: str) -> dict[str, Any]:
    features = []
    for name in FEATURES:
        value, weight = round(rng.random(), 2), rng.choice([1.0, 2.0, 3.0])
        features.append({"name": name, "value": value, "weight": weight, "contribution": round(value * weight, 2),
                         "description": f"{name.replace('_', ' ')}: how alike the site and the filing are"})  # fmt: skip
    return {
        "facility_id": facility_id, "facility": f"医療法人社団{facility_id}会 クリニック{facility_id}",
        "prefecture": rng.choice(PREFECTURES), "address": f"中央区銀座{rng.randint(1, 8)}丁目{rng.randint(1, 20)}番",
        "plan_numbers": [f"PB3{rng.randint(1000000, 9999999)}"], "score": round(rng.random(), 2),
        "verdict": verdict, "why": "the brand and the address agree" if verdict == "accepted" else "another town",
        "features": features,
    }  # fmt: skip


def clinic(rng: random.Random, index: int) -> dict[str, Any]:
    """One synthetic findings.json clinic object."""
    status = rng.choices([*SEVERITY, "error"], weights=[8, 4, 6, 30, 45, 7])[0]
    host = f"www.clinic{index:05d}.example"
    url = f"https://{host}/"
    evidence = _claims(rng, url, rng.randint(1, 8)) if status != "error" else []
    required = sorted({c["modality"] for c in evidence if c["requires_filing"]})
    flags = rng.sample(list(Flag), k=rng.choice([0, 0, 0, 1, 2]))
    accepted = status in ("filed", "not_covered")
    candidates = [
        _candidate(rng, index * 3 + n, "accepted" if accepted and n == 0 else "rejected") for n in range(3)
    ]
    link = {"decision": "match" if accepted else "no_match", "reason": "one candidate stands out", "margin": 0.4,
            "score": candidates[0]["score"], "judgement": None, "candidates": candidates}  # fmt: skip
    matches = [
        {**candidates[0], "facility_raw": candidates[0]["facility"], "branch": None,
         "plans": [{"plan_number": n, "plan_class": 2, "treatment": "自己脂肪由来幹細胞を用いた治療",
                    "modalities": required[:1]} for n in candidates[0]["plan_numbers"]],
         "explanation": {"reason": "matched", "why": candidates[0]["why"], "verdict": "accepted",
                         "features": candidates[0]["features"]}}
    ] if accepted else []  # fmt: skip
    return {
        "seed": url, "url": url, "host": host, "name": f"クリニック{index:05d}　{rng.choice(['銀座院', '梅田院', ''])}",
        "prefecture": rng.choice(PREFECTURES), "status": status, "reason": f"status {status} because …",
        "clinic_status": status, "requires_filing": required,
        "cell_free": sorted({c["modality"] for c in evidence if not c["requires_filing"]}),
        "uncovered": required if status in ("unfiled", "not_covered") else [], "flags": flags,
        "flag_evidence": [{"flag": f, "url": url, "quote": "厚生労働省認可の治療", "fetched_at": FETCHED.isoformat()}
                          for f in flags],
        "link": link, "matches": matches, "evidence": evidence, "evidence_omitted": rng.choice([0, 0, 3]),
        "branches": [],
        "crawl": {"status": "failed" if status == "error" else "ok", "errors": ["timeout on /"] if status == "error" else [],
                  "pages": rng.randint(1, 40), "started_at": FETCHED.isoformat(),
                  "finished_at": (FETCHED + timedelta(seconds=30)).isoformat()},
    }  # fmt: skip


def store(factory: sessionmaker[Session], count: int, seed: int) -> int:
    """A complete run with `count` findings; returns the run id."""
    rng = random.Random(seed)
    with factory.begin() as session:
        for table in (Finding, Run, Site, RegistrySnapshot):
            session.execute(delete(table))
        snapshot = RegistrySnapshot(base_url="https://saiseiiryo.mhlw.go.jp/published_plan/index/",
                                    status=SnapshotStatus.GOOD, finished_at=FETCHED, row_count=7000, class_counts={})  # fmt: skip
        session.add(snapshot)
        session.flush()
        run = Run(kind="run", status=RunStatus.COMPLETE, finished_at=FETCHED, registry_snapshot_id=snapshot.id)
        session.add(run)
        session.flush()
        for index in range(count):
            objects = clinic(rng, index)
            site = Site(seed_url=objects["seed"], url=objects["url"], host=objects["host"])
            session.add(site)
            session.flush()
            session.add(Finding(run_id=run.id, site_id=site.id, status=objects["status"], flags=objects["flags"],
                                clinic=objects))  # fmt: skip
        return run.id


def timed(label: str, action: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = action()
    print(f"  {label:<26} {time.perf_counter() - started:7.2f} s", flush=True)
    return result


def measure(db_url: str, count: int, out: Path) -> None:
    database = Database.open(db_url)
    factory = database.sessions
    print(f"{count} clinics ({db_url.split(':')[0]}):", flush=True)
    run_id = timed("store findings (setup)", lambda: store(factory, count, seed=count))
    with factory() as session:
        data = timed("load_report", lambda: load_report(session, run_id))
        html = timed("render report.html", lambda: render(data))
        timed("write findings.csv", lambda: write_csv(data, out / "findings.csv"))
        timed("write findings.json", lambda: write_json(data, out / "findings.json"))
    with factory() as session:
        paths = timed("write_report (all three)", lambda: write_report(session, run_id, out))
    sizes = ", ".join(f"{path.name} {path.stat().st_size / 1e6:.1f} MB" for path in paths.values())
    statuses = {s: sum(1 for c in data.clinics if c["status"] == s) for s in Status}
    print(f"  files: {sizes}; html chars {len(html):,}")
    print(f"  statuses: {statuses}")
    print(
        f"  peak RSS so far: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB", flush=True
    )
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clinics", type=int, nargs="+", default=[10_000])
    parser.add_argument("--db", help="database URL (its findings, runs, sites and snapshots are deleted)")
    parser.add_argument("--keep", type=Path, help="write the reports here instead of a temporary folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        for count in args.clinics:
            out = (args.keep or Path(work)) / f"report-{count}"
            out.mkdir(parents=True, exist_ok=True)
            measure(args.db or f"sqlite:///{Path(work) / f'bench-{count}.db'}", count, out)


if __name__ == "__main__":
    main()
