"""link_crawl / link_run / search_registry / judgements against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from db.models import (
    IdentityFact,
    Link,
    RegistryFacility,
    RegistryPlan,
    RegistrySnapshot,
    Run,
    Site,
    SiteCrawl,
)
from db.session import transaction
from db.vocabulary import SnapshotStatus
from matcher.judgements import JudgementError, active_judgements, judge, undo
from matcher.link import link_crawl, link_run
from matcher.search import search_registry

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
SERENA = "http://www.serena-clinic.example/"
ARIA = "http://aria-sendai.example/"

FACILITIES = [
    # name as filed, prefecture, address, plan numbers
    ("医療法人社団光風会\nセレナクリニック 梅田院", "大阪府", "大阪市北区芝田一丁目2番3号 梅田ビル8階", ["PB5230001"]),
    ("医療法人社団光風会　セレナクリニック梅田院", "大阪府", "大阪市北区芝田一丁目2番3号 梅田ビル8階", ["PB5240002"]),
    ("医療法人社団光風会 セレナクリニック 京都院", "京都府", "京都府京都市下京区東塩小路町600番地1\n京都駅前ビル3階", ["PB5240003"]),
    ("医療法人社団光風会 セレナクリニック 名古屋院", "愛知県", "名古屋市中村区名駅三丁目5番1号", ["PC4240004"]),
    ("医療法人社団光風会 ひまわり整形外科", "大阪府", "大阪市北区梅田三丁目1番1号 梅田タワー2階", ["PC5240005"]),
    ("医療法人社団清流会　アリアクリニック福岡", "福岡県", "福岡市中央区天神二丁目8番38号", ["PB7240006"]),
    ("医療法人社団光風会 セレナクリニック 心斎橋院", "大阪府", "大阪市中央区心斎橋筋二丁目3番4号 5階", ["PB5250007"]),
]

SERENA_FACTS = [
    # kind, value, branch, source
    ("name", "セレナクリニック", None, "jsonld"),
    ("name", "幹細胞治療｜セレナクリニック【公式】", None, "title"),
    ("corporation", "医療法人社団光風会", None, "footer"),
    ("branch", "梅田院", "梅田院", "text"),
    ("branch", "京都院", "京都院", "text"),
    ("address", "大阪府大阪市北区芝田1-2-3 梅田ビル8F", "梅田院", "table"),
    ("address", "京都府京都市下京区東塩小路町600-1 京都駅前ビル3F", "京都院", "table"),
    ("phone", "06-6123-4567", "梅田院", "table"),
    ("phone", "0120-000-111", None, "footer"),
]
ARIA_FACTS = [
    ("name", "アリアクリニック仙台", None, "og"),
    ("address", "宮城県仙台市青葉区中央2-1-7 4F", None, "footer"),
]


@pytest.fixture
def world(session_factory: sessionmaker[Session]) -> dict[str, int]:
    """A good snapshot with seven facilities, a run, and two crawled sites with identity facts."""
    ids: dict[str, int] = {}
    with transaction(session_factory) as session:
        snapshot = RegistrySnapshot(base_url="http://saiseiiryo.mhlw.go.jp/", status=SnapshotStatus.GOOD, row_count=len(FACILITIES))
        session.add(snapshot)
        session.flush()
        ids["snapshot"] = snapshot.id
        for index, (name, prefecture, address, plans) in enumerate(FACILITIES):
            facility = RegistryFacility(
                snapshot_id=snapshot.id, name=name.replace("\n", " "), name_raw=name, prefecture=prefecture,
                address=address,
            )
            session.add(facility)
            session.flush()
            ids[f"facility{index}"] = facility.id
            for number in plans:
                session.add(RegistryPlan(
                    snapshot_id=snapshot.id, facility_id=facility.id, plan_key=number, plan_class=2,
                    facility=facility.name, facility_raw=name, prefecture=prefecture, address=address,
                    address_raw=address, plan_number=number, treatment="自己脂肪由来幹細胞を用いた治療",
                    modalities=["stem_cell"], source_url="http://saiseiiryo.mhlw.go.jp/published_plan/index/2",
                ))
        run = Run(kind="run")
        session.add(run)
        session.flush()
        ids["run"] = run.id
        for key, seed, facts in (("serena", SERENA, SERENA_FACTS), ("aria", ARIA, ARIA_FACTS)):
            host = seed.split("/")[2]
            site = Site(seed_url=seed, url=seed, host=host, seed_name=None)
            session.add(site)
            session.flush()
            crawl = SiteCrawl(run_id=run.id, site_id=site.id, status="ok")
            session.add(crawl)
            session.flush()
            ids[key] = crawl.id
            for kind, value, branch, source in facts:
                session.add(IdentityFact(
                    site_crawl_id=crawl.id, kind=kind, value=value, value_raw=value, branch=branch, source=source,
                    url=seed, quote=value,
                ))
    return ids


def _links(session: Session, crawl_id: int) -> dict[str | None, Link]:
    rows = session.scalars(select(Link).where(Link.site_crawl_id == crawl_id))
    return {link.branch: link for link in rows}


def _names(world: dict[str, int], link: Link) -> set[int]:
    return {next(i for i in range(len(FACILITIES)) if world[f"facility{i}"] == fid) for fid in link.facility_ids}


def test_two_branches_link_to_their_own_filings(session_factory: sessionmaker[Session], world: dict[str, int]) -> None:
    with transaction(session_factory) as session:
        links = link_crawl(session, world["serena"], world["snapshot"])
    assert {link.branch for link in links} == {None, "梅田院", "京都院"}
    with transaction(session_factory) as session:
        by_branch = _links(session, world["serena"])
        assert by_branch[None].decision == "match"
        assert _names(world, by_branch[None]) == {0, 1, 2}
        assert by_branch["梅田院"].decision == "match" and _names(world, by_branch["梅田院"]) == {0, 1}
        assert by_branch["京都院"].decision == "match" and _names(world, by_branch["京都院"]) == {2}


def test_explanation_has_the_documented_shape(session_factory: sessionmaker[Session], world: dict[str, int]) -> None:
    with transaction(session_factory) as session:
        link_crawl(session, world["serena"], world["snapshot"])
    with transaction(session_factory) as session:
        explanation = _links(session, world["serena"])["梅田院"].explanation
    assert explanation.keys() == {"decision", "reason", "query", "candidates", "margin", "judgement"}
    assert explanation["query"]["address"].startswith("大阪府大阪市北区芝田")
    other_branch = next(c for c in explanation["candidates"] if "心斎橋院" in c["facility"])
    assert other_branch["verdict"] == "rejected"
    assert other_branch["why"].startswith("branch conflict")
    feature = other_branch["features"][0]
    assert feature.keys() == {"name", "value", "weight", "contribution", "description"}
    assert feature["description"]


def test_same_corporation_other_clinic_is_not_matched(session_factory: sessionmaker[Session], world: dict[str, int]) -> None:
    with transaction(session_factory) as session:
        links = link_crawl(session, world["serena"], world["snapshot"])
    assert all(world["facility4"] not in link.facility_ids for link in links)


def test_same_brand_other_city_is_no_match(session_factory: sessionmaker[Session], world: dict[str, int]) -> None:
    with transaction(session_factory) as session:
        links = link_crawl(session, world["aria"], world["snapshot"])
    assert [(link.branch, link.decision) for link in links] == [(None, "no_match")]
    shown = links[0].explanation["candidates"]
    assert [(c["facility"], c["verdict"]) for c in shown] == [("医療法人社団清流会　アリアクリニック福岡", "rejected")]
    assert shown[0]["why"] == "the facility is in another prefecture (福岡県)"


def test_relinking_replaces_earlier_links(session_factory: sessionmaker[Session], world: dict[str, int]) -> None:
    for _ in range(2):
        with transaction(session_factory) as session:
            link_crawl(session, world["serena"], world["snapshot"])
    with transaction(session_factory) as session:
        count = session.scalar(select(func.count()).select_from(Link).where(Link.site_crawl_id == world["serena"]))
    assert count == 3


def test_link_run_links_every_crawl(session_factory: sessionmaker[Session], world: dict[str, int]) -> None:
    with transaction(session_factory) as session:
        summary = link_run(session, world["run"], world["snapshot"])
    assert (summary.site_crawls, summary.links) == (2, 4)
    assert summary.decisions == {"match": 3, "no_match": 1}


def test_reject_removes_a_facility_until_undone(session_factory: sessionmaker[Session], world: dict[str, int]) -> None:
    with transaction(session_factory) as session:
        judgement = judge(session, SERENA, "医療法人社団光風会 セレナクリニック 京都院", "京都府", "reject",
                          "the Kyoto branch closed", "analyst")
        link_crawl(session, world["serena"], world["snapshot"])
    with transaction(session_factory) as session:
        links = _links(session, world["serena"])
        assert _names(world, links[None]) == {0, 1}
        assert links["京都院"].decision == "no_match"
        rejected = links[None].explanation["judgement"]["rejected"]
        assert [(r["who"], r["note"]) for r in rejected] == [("analyst", "the Kyoto branch closed")]
        undo(session, judgement.id)
        link_crawl(session, world["serena"], world["snapshot"])
    with transaction(session_factory) as session:
        links = _links(session, world["serena"])
        assert _names(world, links[None]) == {0, 1, 2}
        assert links[None].explanation["judgement"] is None


def test_confirm_forces_a_match(session_factory: sessionmaker[Session], world: dict[str, int]) -> None:
    with transaction(session_factory) as session:
        judge(session, ARIA, "医療法人社団清流会 アリアクリニック福岡", None, "confirm", "moved to Sendai", "analyst")
        links = link_crawl(session, world["aria"], world["snapshot"])
    assert links[0].decision == "match"
    assert links[0].facility_ids == [world["facility5"]]
    assert links[0].explanation["judgement"]["confirmed"][0]["facility"].endswith("アリアクリニック福岡")


def test_a_new_judgement_supersedes_the_old_one(session_factory: sessionmaker[Session]) -> None:
    with transaction(session_factory) as session:
        judge(session, ARIA, "アリアクリニック福岡", None, "confirm", None, "a")
        judge(session, ARIA, "アリアクリニック　福岡", None, "reject", None, "b")
        assert [j.verdict for j in active_judgements(session, ARIA)] == ["reject"]


def test_undo_twice_is_an_error(session_factory: sessionmaker[Session]) -> None:
    with transaction(session_factory) as session:
        judgement = judge(session, ARIA, "アリアクリニック福岡", None, "confirm", None, "a")
        undo(session, judgement.id)
        with pytest.raises(JudgementError, match="already undone"):
            undo(session, judgement.id)


def test_search_registry_finds_branches_with_plans(session_factory: sessionmaker[Session], world: dict[str, int]) -> None:
    with transaction(session_factory) as session:
        results = search_registry(session, world["snapshot"], "セレナクリニック梅田院")
    assert "梅田院" in results[0]["facility"]
    assert results[0]["plans"][0]["plan_number"] in ("PB5230001", "PB5240002")
    assert results[0]["plans"][0]["modalities"] == ["stem_cell"]
    assert all("ひまわり" not in result["facility"] for result in results)
    with session_factory() as session:
        in_kyoto = search_registry(session, world["snapshot"], "セレナクリニック", prefecture="京都")
    assert [result["prefecture"] for result in in_kyoto] == ["京都府"]
