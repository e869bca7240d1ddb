"""`clinicwatch registry` and `registry export` against saved list pages served through a loopback proxy.

Three runs on one database: a good list, a changed list (one plan removed, one added, one moved), and
a list whose page 2 of class II answers 500, which must fail and leave the second snapshot in use.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from pathlib import Path

import pytest

from clinicwatch.cli import main
from clinicwatch.commands import registry as registry_command
from clinicwatch.sitefarm import SiteFarm
from crawler.registry_job import crawl_registry
from tests.crawler.registry_site import BASE_URL, FAST_SETTINGS, PAGES, build_registry_site

HEADER = "class,facility,prefecture,address,plan_number,treatment,modalities"
# Every row of every class and page: class, facility, prefecture, address, plan number, modalities.
EXPECTED = [
    ("1", "学校法人 北辰医科大学 北辰医科大学病院", "北海道", "札幌市北区北十五条西7丁目", "PA1210045", "stem_cell_allogeneic"),
    ("1", "医療法人社団ＬＵＸ ＬＵＸ再生医療クリニック表参道", "東京都", "港区北青山三丁目6番1号 オーク表参道ビル7階", "PA3240112",
     "stem_cell_allogeneic"),
    ("1", "医療法人 寿光会 なにわセルクリニック", "大阪府", "大阪市北区梅田一丁目3番1号 大阪駅前第1ビル12階", "PA5250031",
     "stem_cell_allogeneic"),
    ("2", "医療法人社団円樹会 札幌ひざ再生クリニック", "北海道", "札幌市中央区北1条西5丁目2番 札幌興銀ビル4階", "PB1200311",
     "stem_cell"),
    ("2", "医療法人社団青葉会 青葉台スキンクリニック", "神奈川県", "横浜市青葉区青葉台二丁目5番8号", "PB3220144", "fibroblast"),
    ("2", "ＢＬＡＮＣ ＣＬＩＮＩＣ ＧＩＮＺＡ", "東京都", "中央区銀座五丁目6番12号 銀座みゆきビル6階", "PB3230219", "svf"),
    ("2", "医療法人 清和会 浪速ひざ関節クリニック", "大阪府", "大阪市中央区難波四丁目2番1号", "PB5210087", "stem_cell"),
    ("2", "医療法人博愛会 福岡セルクリニック", "福岡県", "福岡市博多区博多駅前三丁目4番8号", "PB7240052", "stem_cell;prp"),
    ("2", "医療法人社団円樹会 札幌ひざ再生クリニック", "北海道", "札幌市中央区北1条西5丁目2番 札幌興銀ビル4階", "PB1230077",
     "prp"),
    ("2", "医療法人社団翠光会 恵比寿ヴェールクリニック", "東京都", "渋谷区恵比寿一丁目8番6号 恵比寿スクエア3F", "", "stem_cell"),
    ("2", "熊本ひざと腰のクリニック", "熊本県", "熊本市中央区水前寺六丁目2番45号", "PB8250010", "stem_cell"),
    ("3", "医療法人社団表参道ソフィア会 表参道ソフィアスキンクリニック", "東京都", "渋谷区神宮前五丁目10番1号 表参道ソフィアビル2階",
     "PC3230415", "prp"),
    ("3", "医療法人 能見台会 能見台整形外科", "神奈川県", "横浜市金沢区能見台通2番5号", "PC3220098", "prp"),
    ("3", "医療法人社団十全会 十全がん免疫クリニック", "東京都", "千代田区丸の内一丁目6番2号", "PC3190233", "immune_cell"),
    ("3", "医療法人 道央会 旭川ひふ科クリニック", "北海道", "旭川市一条通8丁目108番地", "PC1240120", "prp"),
    ("3", "医療法人 南風会 那覇デンタルクリニック", "沖縄県", "那覇市久茂地三丁目1番1号", "PC9250008", "prp"),
]  # fmt: skip


def changed_class3_page2() -> bytes:
    """Class III page 2 a week later: 那覇 withdrawn, 北見 added, 旭川 moved (the total stays 5)."""
    text = (PAGES / "registry_class3_eucjp.html").read_bytes().decode("euc_jp")
    rows = text.split("<tr>")
    naha = next(i for i, row in enumerate(rows) if "PC9250008" in row)
    rows[naha] = (
        rows[naha]
        .replace("医療法人 南風会 那覇デンタルクリニック", "医療法人社団北星会　北見ひふ科")
        .replace("沖縄県", "北海道")
        .replace("那覇市久茂地三丁目1番1号", "北見市北三条東1丁目1番地")
        .replace("PC9250008", "PC1250999")
    )
    changed = "<tr>".join(rows).replace("旭川市一条通8丁目108番地", "旭川市二条通9丁目1番地")
    return changed.encode("euc_jp")


def export_csv(db_url: str, capsys: pytest.CaptureFixture[str]) -> list[list[str]]:
    capsys.readouterr()
    assert main(["registry", "export", "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == HEADER
    return list(csv.reader(io.StringIO(out)))[1:]


def crawl(
    root: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    capsys.readouterr()
    with SiteFarm(root) as farm:
        monkeypatch.setenv("http_proxy", farm.proxy_url)
        code = main(["registry", "--registry-url", BASE_URL, "--db", db_url])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def fast_crawls(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command as users run it, minus the politeness delay (the farm is on loopback)."""
    monkeypatch.setattr(
        registry_command, "crawl_registry", functools.partial(crawl_registry, settings=FAST_SETTINGS)
    )


@pytest.mark.usefixtures("fast_crawls")
def test_registry_then_export_then_changes_then_guard(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # 1. A good list: every row of every class and page, with the right fields.
    code, out, err = crawl(build_registry_site(tmp_path / "week1"), db_url, monkeypatch, capsys)
    assert code == 0, err
    assert out.splitlines()[:5] == [
        "registry snapshot 1: 16 plans from 6 pages",
        "  第一種: 3",
        "  第二種: 8",
        "  第三種: 5",
        "first good snapshot: no changes to report",
    ]
    rows = export_csv(db_url, capsys)
    assert [(r[0], r[1], r[2], r[3], r[4], r[6]) for r in rows] == EXPECTED
    assert rows[0][5] == "iPS細胞由来角膜内皮細胞を用いた水疱性角膜症の治療"

    # 2. A week later: one plan withdrawn, one added, one moved.
    week2 = build_registry_site(tmp_path / "week2", replace={"3/page:2": changed_class3_page2()})
    code, out, err = crawl(week2, db_url, monkeypatch, capsys)
    assert code == 0, err
    assert "changes since snapshot 1: 1 added, 1 removed, 1 changed" in out
    assert "  added    第三種 PC1250999 医療法人社団北星会 北見ひふ科" in out
    assert "  removed  第三種 PC9250008 医療法人 南風会 那覇デンタルクリニック" in out
    assert "address: 旭川市一条通8丁目108番地 -> 旭川市二条通9丁目1番地" in out
    week2_rows = export_csv(db_url, capsys)
    assert len(week2_rows) == 16
    assert ["3", "医療法人社団北星会 北見ひふ科", "北海道", "北見市北三条東1丁目1番地", "PC1250999"] in [
        r[:5] for r in week2_rows
    ]
    assert "PC9250008" not in {r[4] for r in week2_rows}

    # 3. Class II page 2 fails mid-pagination: the guard fails the snapshot, snapshot 2 stays in use.
    broken = build_registry_site(
        tmp_path / "week3",
        replace={"3/page:2": changed_class3_page2()},
        rules={"/published_plan/index/2/page:2": {"status": 500}},
    )
    code, out, err = crawl(broken, db_url, monkeypatch, capsys)
    assert code == 1
    assert f"clinicwatch: error: registry page {BASE_URL}2/page:2: HTTP 500" in err
    assert "; keeping snapshot 2 of " in err
    assert export_csv(db_url, capsys) == week2_rows


@pytest.mark.usefixtures("fast_crawls")
def test_export_json_to_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db_url = f"sqlite:///{tmp_path / 'clinicwatch.db'}"
    code, _, err = crawl(build_registry_site(tmp_path / "farm"), db_url, monkeypatch, capsys)
    assert code == 0, err
    out_file = tmp_path / "plans.json"
    assert main(["registry", "--db", db_url, "export", "--format", "json", "--out", str(out_file)]) == 0
    plans = json.loads(out_file.read_text(encoding="utf-8"))
    assert len(plans) == 16
    assert plans[7] == {
        "class": 2,
        "facility": "医療法人博愛会 福岡セルクリニック",
        "prefecture": "福岡県",
        "address": "福岡市博多区博多駅前三丁目4番8号",
        "plan_number": "PB7240052",
        "treatment": "自己脂肪由来幹細胞及び多血小板血漿（PRP）を用いた慢性腱障害の治療",
        "modalities": ["stem_cell", "prp"],
    }


def test_export_without_snapshot_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["registry", "export", "--db", f"sqlite:///{tmp_path / 'empty.db'}"]) == 1
    assert (
        "no good registry snapshot in the database yet; run `clinicwatch registry` first"
        in capsys.readouterr().err
    )


def test_max_drop_must_be_a_fraction(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["registry", "--max-drop", "30", "--db", f"sqlite:///{tmp_path / 'x.db'}"]) == 1
    assert "--max-drop 30.0 must be a fraction between 0 and 1" in capsys.readouterr().err
