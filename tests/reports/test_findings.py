"""compute_findings on a real database (SQLite and PostgreSQL): every status, branch and flag."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from db.models import Finding, Run, SiteCrawl
from reports.findings import clinic_object, compute_findings
from tests.reports.conftest import World

STEM = ("PB3130001", 2, "自己脂肪由来間葉系幹細胞を用いた変形性膝関節症の治療", ["stem_cell"])
PRP = ("PC3130002", 3, "多血小板血漿（PRP）を用いた皮膚の若返り治療", ["prp"])
CORD_II = ("PB3130003", 2, "臍帯由来間葉系幹細胞を用いた治療", ["stem_cell_allogeneic"])
CORD_I = ("PA3130004", 1, "臍帯由来間葉系幹細胞を用いた治療", ["stem_cell_allogeneic"])


def _clinic(world: World, crawl: SiteCrawl) -> dict[str, Any]:
    run = world.session.get_one(Run, crawl.run_id)
    assert run.registry_snapshot_id is not None
    findings = compute_findings(world.session, run.id, run.registry_snapshot_id)
    return next(f.clinic for f in findings if f.site_id == crawl.site_id)


def test_unfiled_when_no_facility_is_the_clinic(world: World) -> None:
    snap = world.snapshot()
    world.facility(snap, "医療法人社団白樺会 白樺クリニック", [STEM])
    crawl = world.site(world.run(snap), "aoba-stem.example", "青葉ステムセルクリニック")
    world.claim(crawl, "stem_cell", "脂肪由来幹細胞を点滴で投与します。")
    world.link(crawl, snap, "no_match")
    clinic = _clinic(world, crawl)
    assert clinic["status"] == "unfiled"
    assert clinic["uncovered"] == ["stem_cell"]
    assert clinic["evidence"][0]["quote"] == "脂肪由来幹細胞を点滴で投与します。"
    assert clinic["evidence"][0]["fetched_at"] == "2026-11-20T09:30:00+00:00"
    assert clinic["matches"] == []


def test_filed_when_the_matched_facility_covers_every_required_modality(world: World) -> None:
    snap = world.snapshot()
    facility = world.facility(snap, "医療法人社団青葉会 青葉クリニック", [STEM, PRP])
    crawl = world.site(world.run(snap), "aoba.example", "青葉クリニック")
    world.claim(crawl, "stem_cell")
    world.claim(crawl, "prp")
    world.link(crawl, snap, "match", [facility])
    clinic = _clinic(world, crawl)
    assert clinic["status"] == "filed"
    assert clinic["requires_filing"] == ["prp", "stem_cell"]
    [match] = clinic["matches"]
    assert match["facility"] == "医療法人社団青葉会 青葉クリニック"
    assert match["plan_numbers"] == ["PB3130001", "PC3130002"]
    assert match["explanation"]["features"][0]["name"] == "brand_similarity"
    assert clinic["link"]["decision"] == "match"


def test_not_covered_when_a_required_modality_is_in_no_plan(world: World) -> None:
    snap = world.snapshot()
    facility = world.facility(snap, "ひかり皮膚科クリニック", [PRP])
    crawl = world.site(world.run(snap), "hikari.example", "ひかり皮膚科クリニック")
    world.claim(crawl, "prp")
    world.claim(crawl, "stem_cell")
    world.link(crawl, snap, "match", [facility])
    clinic = _clinic(world, crawl)
    assert (clinic["status"], clinic["uncovered"]) == ("not_covered", ["stem_cell"])


def test_cord_cells_filed_as_class_two_are_not_covered_and_class_one_is_filed(world: World) -> None:
    snap = world.snapshot()
    class_two = world.facility(snap, "さくら再生クリニック", [CORD_II])
    class_one = world.facility(snap, "つばき再生クリニック", [CORD_I], address="港区芝5-6-7")
    run = world.run(snap)
    sakura = world.site(run, "sakura.example", "さくら再生クリニック")
    world.claim(sakura, "stem_cell_allogeneic", "臍帯由来の幹細胞を使用します。")
    world.link(sakura, snap, "match", [class_two])
    tsubaki = world.site(run, "tsubaki.example", "つばき再生クリニック")
    world.claim(tsubaki, "stem_cell_allogeneic", "臍帯由来の幹細胞を使用します。")
    world.link(tsubaki, snap, "match", [class_one])
    statuses = {f.clinic["host"]: f.status for f in compute_findings(world.session, run.id, snap.id)}
    assert statuses == {"sakura.example": "not_covered", "tsubaki.example": "filed"}


def test_review_when_the_link_is_ambiguous(world: World) -> None:
    snap = world.snapshot()
    first = world.facility(snap, "みらいクリニック銀座", [STEM])
    second = world.facility(snap, "みらいクリニック新宿", [STEM], address="新宿区西新宿1-1-1")
    crawl = world.site(world.run(snap), "mirai.example", "みらいクリニック")
    world.claim(crawl, "stem_cell")
    world.link(crawl, snap, "review", candidates=[first, second])
    clinic = _clinic(world, crawl)
    assert clinic["status"] == "review"
    assert [c["facility"] for c in clinic["link"]["candidates"]] == [
        "みらいクリニック銀座",
        "みらいクリニック新宿",
    ]


def test_none_lists_cell_free_claims_and_keeps_flags(world: World) -> None:
    snap = world.snapshot()
    crawl = world.site(world.run(snap), "exo.example", "エクソ美容クリニック")
    world.claim(crawl, "exosome", "最新の再生医療、エクソソーム点滴。")
    world.flag(crawl, "cell_free_as_regenerative", "最新の再生医療、エクソソーム点滴。")
    world.link(crawl, snap, "no_match")
    clinic = _clinic(world, crawl)
    assert clinic["status"] == "none"
    assert clinic["cell_free"] == ["exosome"]
    assert clinic["requires_filing"] == []
    assert clinic["flags"] == ["cell_free_as_regenerative"]
    assert clinic["flag_evidence"][0]["quote"] == "最新の再生医療、エクソソーム点滴。"


def test_a_failed_crawl_is_error_never_unfiled(world: World) -> None:
    snap = world.snapshot()
    crawl = world.site(
        world.run(snap),
        "down.example",
        "ダウン美容外科",
        crawl_status="failed",
        errors=["https://down.example/: connection refused"],
    )
    world.claim(crawl, "stem_cell")
    world.link(crawl, snap, "no_match")
    clinic = _clinic(world, crawl)
    assert clinic["status"] == "error"
    assert clinic["crawl"]["errors"] == ["https://down.example/: connection refused"]
    assert clinic["uncovered"] == [] and clinic["flags"] == []


def test_approval_claim_flag_carries_its_quote(world: World) -> None:
    snap = world.snapshot()
    facility = world.facility(snap, "青葉クリニック", [STEM])
    crawl = world.site(world.run(snap), "aoba.example", "青葉クリニック")
    world.claim(crawl, "stem_cell")
    world.flag(crawl, "approval_claim", "厚生労働省承認の幹細胞治療")
    world.link(crawl, snap, "match", [facility])
    clinic = _clinic(world, crawl)
    assert clinic["status"] == "filed"
    assert clinic["flags"] == ["approval_claim"]
    assert clinic["flag_evidence"] == [
        {
            "flag": "approval_claim",
            "url": "https://aoba.example/menu/",
            "quote": "厚生労働省承認の幹細胞治療",
            "fetched_at": "2026-11-20T09:30:00+00:00",
        }
    ]


def test_plan_number_flags(world: World) -> None:
    snap = world.snapshot()
    own = world.facility(snap, "青葉クリニック", [STEM])
    world.facility(snap, "白樺クリニック", [PRP], address="渋谷区神宮前2-2-2")
    crawl = world.site(world.run(snap), "aoba.example", "青葉クリニック")
    world.claim(crawl, "stem_cell")
    world.identity(crawl, "plan_number", "PB3130001")  # its own: no flag
    world.identity(crawl, "plan_number", "ＰＣ３１３０００２")  # 白樺クリニック's
    world.identity(crawl, "plan_number", "PB9990000")  # nobody's
    world.link(crawl, snap, "match", [own])
    clinic = _clinic(world, crawl)
    assert clinic["flags"] == ["plan_number_not_in_registry", "plan_number_other_facility"]
    other = next(item for item in clinic["flag_evidence"] if item["flag"] == "plan_number_other_facility")
    assert other["plan_number"] == "PC3130002"
    assert other["filed_by"][0]["facility"] == "白樺クリニック"
    assert other["quote"] == "plan_number: ＰＣ３１３０００２"
    assert other["fetched_at"] == "2026-11-20T09:30:00+00:00"


def test_a_plan_number_of_a_review_candidate_is_not_called_another_facilitys(world: World) -> None:
    snap = world.snapshot()
    candidate = world.facility(snap, "みらいクリニック", [STEM])
    crawl = world.site(world.run(snap), "mirai.example", "みらいクリニック")
    world.claim(crawl, "stem_cell")
    world.identity(crawl, "plan_number", "PB3130001")
    world.link(crawl, snap, "review", candidates=[candidate])
    assert _clinic(world, crawl)["flags"] == []


def test_branches_get_their_own_status_and_the_clinic_the_most_serious(world: World) -> None:
    snap = world.snapshot()
    umeda = world.facility(
        snap, "みどり美容クリニック梅田院", [PRP], prefecture="大阪府", address="大阪市北区梅田1-1"
    )
    crawl = world.site(world.run(snap), "midori.example", "みどり美容クリニック")
    world.claim(crawl, "prp", "梅田院ではPRP療法を行っています。", branch="梅田院")
    world.claim(crawl, "stem_cell", "難波院では幹細胞治療を行っています。", branch="難波院")
    world.link(crawl, snap, "no_match")
    world.link(crawl, snap, "match", [umeda], branch="梅田院")
    world.link(crawl, snap, "no_match", branch="難波院")
    clinic = _clinic(world, crawl)
    branches = {branch["name"]: branch for branch in clinic["branches"]}
    assert branches["梅田院"]["status"] == "filed"
    assert (branches["難波院"]["status"], branches["難波院"]["uncovered"]) == ("unfiled", ["stem_cell"])
    assert clinic["clinic_status"] == "none"
    assert clinic["status"] == "unfiled"
    assert clinic["uncovered"] == ["stem_cell"]
    assert clinic["matches"][0]["branch"] == "梅田院"


def test_a_branch_without_its_own_link_is_judged_as_the_clinic(world: World) -> None:
    snap = world.snapshot()
    facility = world.facility(snap, "みどり美容クリニック", [PRP])
    crawl = world.site(world.run(snap), "midori.example", "みどり美容クリニック")
    world.claim(crawl, "prp", branch="梅田院")
    world.link(crawl, snap, "match", [facility])
    [branch] = _clinic(world, crawl)["branches"]
    assert (branch["status"], branch["link"]["inherited"]) == ("filed", True)


def test_clinic_level_claims_are_covered_by_a_branchs_matched_facility(world: World) -> None:
    snap = world.snapshot()
    umeda = world.facility(snap, "みどり美容クリニック梅田院", [PRP])
    crawl = world.site(world.run(snap), "midori.example", "みどり美容クリニック")
    world.claim(crawl, "prp")
    world.link(crawl, snap, "no_match")
    world.link(crawl, snap, "match", [umeda], branch="梅田院")
    clinic = _clinic(world, crawl)
    assert (clinic["clinic_status"], clinic["status"]) == ("filed", "filed")


def test_a_facility_matched_for_the_clinic_and_a_branch_is_listed_once(world: World) -> None:
    snap = world.snapshot()
    umeda = world.facility(snap, "みどり美容クリニック梅田院", [PRP])
    crawl = world.site(world.run(snap), "midori.example", "みどり美容クリニック")
    world.claim(crawl, "prp")
    world.link(crawl, snap, "match", [umeda])
    world.link(crawl, snap, "match", [umeda], branch="梅田院")
    clinic = _clinic(world, crawl)
    assert [match["facility_id"] for match in clinic["matches"]] == [umeda.id]


def test_a_site_without_any_link_is_review(world: World) -> None:
    snap = world.snapshot()
    crawl = world.site(world.run(snap), "nolink.example", "リンクなしクリニック")
    world.claim(crawl, "svf")
    assert _clinic(world, crawl)["status"] == "review"


def test_compute_findings_replaces_the_runs_findings(world: World) -> None:
    snap = world.snapshot()
    run = world.run(snap)
    crawl = world.site(run, "aoba.example", "青葉クリニック")
    world.claim(crawl, "stem_cell")
    world.link(crawl, snap, "no_match")
    compute_findings(world.session, run.id, snap.id)
    facility = world.facility(snap, "青葉クリニック", [STEM])
    world.link(crawl, snap, "match", [facility])
    compute_findings(world.session, run.id, snap.id)
    rows = world.session.scalars(select(Finding).where(Finding.run_id == run.id)).all()
    assert [(row.status, row.flags) for row in rows] == [("filed", [])]


def test_clinic_object_has_the_documented_keys(world: World) -> None:
    snap = world.snapshot()
    crawl = world.site(world.run(snap), "aoba.example", "青葉クリニック")
    world.identity(crawl, "address", "東京都港区南青山1-2-3")
    world.claim(crawl, "prp")
    world.link(crawl, snap, "no_match")
    clinic = clinic_object(world.session, crawl.id, snap.id)
    documented = {
        "seed",
        "url",
        "name",
        "status",
        "requires_filing",
        "cell_free",
        "flags",
        "matches",
        "evidence",
        "branches",
        "prefecture",
        "crawl",
        "uncovered",
        "flag_evidence",
        "link",
    }
    assert documented <= clinic.keys()
    assert (clinic["seed"], clinic["name"], clinic["prefecture"]) == (
        "https://aoba.example/",
        "青葉クリニック",
        "東京都",
    )
    assert {"decision", "reason", "margin"} <= clinic["link"].keys()
    assert {"status", "errors", "pages"} <= clinic["crawl"].keys()
    assert {"url", "quote", "modality", "fetched_at"} <= clinic["evidence"][0].keys()
