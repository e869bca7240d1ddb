"""Registry list pages saved in pages/: each parsed once, then one small test per field or quirk.

Responses are built without a Content-Type charset, as the registry's server and the test proxy send
them, so Scrapy must find the encoding from the page itself (meta charset for Shift_JIS and EUC-JP).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html
from scrapy.http import HtmlResponse

from crawler.registry_parse import (
    FALLBACK_POSITIONS,
    ListPage,
    RegistryParseError,
    clean_address,
    clean_facility,
    declared_total,
    map_headers,
    parse_date,
    parse_list_page,
)

PAGES = Path(__file__).parent / "pages"
BASE = "http://saiseiiryo.mhlw.go.jp/published_plan/index/"


def response(name: str, path: str) -> HtmlResponse:
    return HtmlResponse(url=BASE + path, body=(PAGES / name).read_bytes())


def parse(name: str, path: str, plan_class: int) -> ListPage:
    page = response(name, path)
    return parse_list_page(page.text, page.url, plan_class, f"{BASE}{plan_class}")


PARSED = {
    "class1": parse("registry_class1.html", "1", 1),
    "class2_p1": parse("registry_class2_page1.html", "2", 2),
    "class2_p2": parse("registry_class2_page2.html", "2/page:2", 2),
    "class2_p3": parse("registry_class2_page3.html", "2/page:3", 2),
    "class3_sjis": parse("registry_class3_sjis.html", "3", 3),
    "class3_eucjp": parse("registry_class3_eucjp.html", "3/page:2", 3),
    "reordered": parse("registry_class3_reordered.html", "3", 3),
    "noheader": parse("registry_class2_noheader.html", "2", 2),
    "empty": parse("registry_class1_empty.html", "1", 1),
}

# page, row, facility, prefecture, address, plan number, accepted on
EXPECTED = [
    ("class1", 0, "学校法人 北辰医科大学 北辰医科大学病院", "北海道", "札幌市北区北十五条西7丁目", "PA1210045", "2021-05-12"),
    ("class1", 1, "医療法人社団ＬＵＸ ＬＵＸ再生医療クリニック表参道", "東京都", "港区北青山三丁目6番1号 オーク表参道ビル7階",
     "PA3240112", "2024-02-09"),
    ("class1", 2, "医療法人 寿光会 なにわセルクリニック", "大阪府", "大阪市北区梅田一丁目3番1号 大阪駅前第1ビル12階", "PA5250031",
     "2025-07-01"),
    ("class2_p1", 1, "医療法人社団青葉会 青葉台スキンクリニック", "神奈川県", "横浜市青葉区青葉台二丁目5番8号", "PB3220144",
     "2022-03-30"),
    ("class2_p1", 2, "ＢＬＡＮＣ ＣＬＩＮＩＣ ＧＩＮＺＡ", "東京都", "中央区銀座五丁目6番12号 銀座みゆきビル6階", "PB3230219",
     "2023-08-18"),
    ("class2_p2", 0, "医療法人 清和会 浪速ひざ関節クリニック", "大阪府", "大阪市中央区難波四丁目2番1号", "PB5210087", "2021-09-01"),
    ("class2_p2", 1, "医療法人博愛会 福岡セルクリニック", "福岡県", "福岡市博多区博多駅前三丁目4番8号", "PB7240052", "2024-06-03"),
    ("class2_p3", 0, "医療法人社団翠光会 恵比寿ヴェールクリニック", "東京都", "渋谷区恵比寿一丁目8番6号 恵比寿スクエア3F", None, None),
    ("class3_sjis", 0, "医療法人社団表参道ソフィア会 表参道ソフィアスキンクリニック", "東京都",
     "渋谷区神宮前五丁目10番1号 表参道ソフィアビル2階", "PC3230415", "2023-10-05"),
    ("class3_sjis", 1, "医療法人 能見台会 能見台整形外科", "神奈川県", "横浜市金沢区能見台通2番5号", "PC3220098", "2022-06-28"),
    ("class3_sjis", 2, "医療法人社団十全会 十全がん免疫クリニック", "東京都", "千代田区丸の内一丁目6番2号", "PC3190233", "2019-08-01"),
    ("class3_eucjp", 0, "医療法人 道央会 旭川ひふ科クリニック", "北海道", "旭川市一条通8丁目108番地", "PC1240120", "2024-04-22"),
    ("class3_eucjp", 1, "医療法人 南風会 那覇デンタルクリニック", "沖縄県", "那覇市久茂地三丁目1番1号", "PC9250008", "2025-01-15"),
    ("reordered", 0, "医療法人 道央会 旭川ひふ科クリニック", "北海道", "旭川市一条通8丁目108番地", "PC1240120", "2024-04-22"),
    ("reordered", 1, "医療法人 南風会 那覇デンタルクリニック", "沖縄県", "那覇市久茂地三丁目1番1号", "PC9250008", "2025-01-15"),
    ("noheader", 0, "医療法人社団円樹会 札幌ひざ再生クリニック", "北海道", "札幌市中央区北1条西5丁目2番 札幌興銀ビル4階",
     "PB1200311", "2020-11-02"),
    ("noheader", 1, "医療法人社団青葉会 青葉台スキンクリニック", "神奈川県", "横浜市青葉区青葉台二丁目5番8号", "PB3220144",
     "2022-03-30"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("page", "index", "facility", "prefecture", "address", "plan_number", "accepted_on"), EXPECTED
)
def test_row_fields(
    page: str,
    index: int,
    facility: str,
    prefecture: str,
    address: str,
    plan_number: str | None,
    accepted_on: str | None,
) -> None:
    row = PARSED[page].rows[index]
    assert (row.facility, row.prefecture, row.address) == (facility, prefecture, address)
    assert (row.plan_number, row.accepted_on) == (plan_number, accepted_on)


@pytest.mark.parametrize(
    ("page", "rows"),
    [
        ("class1", 3),
        ("class2_p1", 3),
        ("class2_p2", 3),
        ("class2_p3", 2),
        ("class3_sjis", 3),
        ("class3_eucjp", 2),
    ],
)
def test_every_row_of_a_page_is_read(page: str, rows: int) -> None:
    assert len(PARSED[page].rows) == rows
    assert all(row.treatment and row.committee and row.documents for row in PARSED[page].rows)


def test_raw_values_keep_line_breaks_and_full_width_spaces() -> None:
    first, second = PARSED["class1"].rows[:2]
    assert first.facility_raw == "学校法人\u3000北辰医科大学\n北辰医科大学病院"
    assert (
        second.facility_raw == "医療法人社団ＬＵＸ\n\nＬＵＸ再生医療クリニック表参道"
    )  # <br> then a newline
    assert second.address_raw == "港区北青山三丁目6番1号\nオーク表参道ビル7階"  # the HTML parser folds CRLF


def test_doubled_prefecture_is_stripped_but_kept_raw() -> None:
    row = PARSED["class2_p1"].rows[1]
    assert row.address_raw == "神奈川県神奈川県横浜市青葉区青葉台二丁目5番8号"
    assert row.address == "横浜市青葉区青葉台二丁目5番8号"


def test_treatment_committee_documents_and_source() -> None:
    row = PARSED["class1"].rows[0]
    assert row.treatment == "iPS細胞由来角膜内皮細胞を用いた水疱性角膜症の治療"
    assert row.committee == "北辰医科大学特定認定再生医療等委員会"
    assert row.documents == [
        {"label": "資料1", "url": "http://saiseiiryo.mhlw.go.jp/published_plan/download/01A2105012/5/0"},
        {"label": "資料2", "url": "http://saiseiiryo.mhlw.go.jp/published_plan/download/01A2105012/5/1"},
    ]
    assert row.source_url == BASE + "1"
    assert PARSED["class2_p2"].rows[0].source_url == BASE + "2/page:2"


@pytest.mark.parametrize(
    ("name", "encoding"), [("registry_class3_sjis.html", "cp932"), ("registry_class3_eucjp.html", "euc_jp")]
)
def test_meta_charset_decides_the_encoding(name: str, encoding: str) -> None:
    assert response(name, "3").encoding == encoding


def test_shift_jis_trail_bytes_decode() -> None:
    # ソ, 表 and 能 end in byte 0x5C (a backslash in ASCII): the classic Shift_JIS mojibake trap.
    names = [row.facility for row in PARSED["class3_sjis"].rows]
    assert "表参道ソフィアスキンクリニック" in names[0]
    assert "能見台整形外科" in names[1]
    assert PARSED["class3_sjis"].rows[0].treatment == "自家多血小板血漿（ＰＲＰ）を用いた皮膚の再生治療"


def test_reordered_columns_are_found_by_header() -> None:
    page = PARSED["reordered"]
    assert page.columns == {
        "plan_number": 0,
        "treatment": 1,
        "facility": 2,
        "prefecture": 3,
        "address": 4,
        "committee": 5,
        "accepted_on": 6,
        "documents": 7,
    }
    assert page.rows[1].treatment == "CGF（Concentrated Growth Factors）を用いた歯槽骨再生"
    assert page.rows[1].committee == "九州・沖縄 認定再生医療等委員会"


def test_table_without_header_uses_known_positions() -> None:
    page = PARSED["noheader"]
    assert page.columns == FALLBACK_POSITIONS
    assert page.rows[0].treatment == "自己脂肪由来間葉系幹細胞を用いた変形性膝関節症の治療"
    assert page.rows[0].committee == "北日本再生医療 特定認定再生医療等委員会"


def test_empty_table_has_no_rows_and_counts_the_message_row() -> None:
    page = PARSED["empty"]
    assert page.rows == []
    assert page.skipped_rows == 1
    assert page.declared_total == 0


def test_missing_required_column_names_page_and_columns_seen() -> None:
    with pytest.raises(RegistryParseError) as error:
        parse("registry_class3_missing_column.html", "3", 3)
    message = str(error.value)
    assert message.startswith(f"registry page {BASE}3: column 所在地 missing")
    assert "columns seen: 医療機関名, 都道府県, 計画番号, 再生医療等の名称" in message


def test_page_without_table_is_an_error() -> None:
    with pytest.raises(RegistryParseError, match=r"index/1: no plan table found"):
        parse_list_page("<html><body><p>メンテナンス中です</p></body></html>", BASE + "1", 1, BASE + "1")


@pytest.mark.parametrize(
    ("page", "links"),
    [
        ("class2_p1", [BASE + "2/page:2", BASE + "2/page:3"]),
        ("class2_p2", [BASE + "2", BASE + "2/page:3"]),  # bare `page:N` hrefs, page:1 is the list itself
        ("class2_p3", [BASE + "2/page:2"]),
        ("class3_sjis", [BASE + "3/page:2"]),
        ("class3_eucjp", []),
        ("class1", []),
    ],
)
def test_pagination_links_are_absolute_and_stay_in_the_class(page: str, links: list[str]) -> None:
    assert PARSED[page].page_links == links


@pytest.mark.parametrize(
    ("page", "total"), [("class2_p1", 8), ("class2_p3", 8), ("class3_eucjp", 5), ("noheader", None)]
)
def test_declared_total(page: str, total: int | None) -> None:
    assert PARSED[page].declared_total == total


def test_declared_total_reads_full_width_digits_and_commas() -> None:
    root = lxml_html.document_fromstring("<p>全２,５０２件中 1件目から100件目を表示</p>")
    assert declared_total(root) == 2502


def test_next_link_with_query_pagination() -> None:
    html = (
        "<table><tr><th>医療機関名</th><th>都道府県</th><th>所在地</th><th>再生医療等の名称</th></tr></table>"
    )
    html += '<a href="?page=2">次へ</a><a href="https://elsewhere.example/next">次へ</a>'
    page = parse_list_page(html, BASE + "3", 3, BASE + "3")
    assert page.page_links == [BASE + "3?page=2"]


@pytest.mark.parametrize(
    ("raw", "prefecture", "expected"),
    [
        (
            "兵庫県兵庫県神戸市中央区北長狭通4-6-15\nリンズエムディ神戸元町5F",
            "兵庫県",
            "神戸市中央区北長狭通4-6-15 リンズエムディ神戸元町5F",
        ),
        ("兵庫県 西宮市学文殿町１丁目８番２０号", "兵庫県", "西宮市学文殿町１丁目８番２０号"),
        ("京都市下京区東塩小路町579番地1", "京都府", "京都市下京区東塩小路町579番地1"),
        ("  四日市市生桑584-4\u3000", "三重県", "四日市市生桑584-4"),
    ],
)
def test_clean_address(raw: str, prefecture: str, expected: str) -> None:
    assert clean_address(raw, prefecture) == expected


def test_clean_facility_collapses_separators() -> None:
    assert clean_facility("医療法人財団　健貢会\r\n東京クリニック") == "医療法人財団 健貢会 東京クリニック"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023年3月7日", "2023-03-07"),
        ("２０２３年１２月１日", "2023-12-01"),
        ("2023/03/07", "2023-03-07"),
        ("令和5年3月7日", "2023-03-07"),
        ("平成30年1月2日", "2018-01-02"),
        ("令和元年5月1日", "2019-05-01"),
        ("受理済", None),
        ("2023年13月1日", None),
    ],
)
def test_parse_date(raw: str, expected: str | None) -> None:
    assert parse_date(raw) == expected


def test_header_words_map_each_field_once() -> None:
    labels = [
        "医療機関名",
        "都道府県",
        "所在地",
        "計画番号",
        "再生医療等の名称",
        "受理日",
        "認定再生医療等委員会",
        "資料",
    ]
    assert map_headers(labels) == FALLBACK_POSITIONS
    assert map_headers(["医療機関 名称", "住所"]) == {"facility": 0, "address": 1}


def test_shifted_columns_are_caught_by_the_prefecture() -> None:
    html = (
        "<table><tr><th>医療機関名</th><th>都道府県</th><th>所在地</th><th>再生医療等の名称</th></tr>"
        "<tr><td>札幌ひざクリニック</td><td>札幌市中央区北1条西5丁目</td><td>PB1200311</td><td>PRP療法</td></tr></table>"
    )
    with pytest.raises(
        RegistryParseError,
        match=r"index/2: 都道府県 '札幌市中央区北1条西5丁目' of '札幌ひざクリニック' is not",
    ):
        parse_list_page(html, BASE + "2", 2, BASE + "2")


def test_empty_prefecture_cell_is_taken_from_the_address() -> None:
    html = (
        "<table><tr><th>医療機関名</th><th>都道府県</th><th>所在地</th><th>再生医療等の名称</th></tr>"
        "<tr><td>札幌ひざクリニック</td><td></td><td>北海道札幌市中央区北1条西5丁目</td><td>PRP療法</td></tr></table>"
    )
    row = parse_list_page(html, BASE + "2", 2, BASE + "2").rows[0]
    assert (row.prefecture, row.address) == ("北海道", "札幌市中央区北1条西5丁目")


def test_header_repeated_inside_the_table_is_not_a_plan() -> None:
    header = "<tr><th>医療機関名</th><th>都道府県</th><th>所在地</th><th>再生医療等の名称</th></tr>"
    plan = "<tr><td>札幌ひざクリニック</td><td>北海道</td><td>札幌市中央区</td><td>PRP療法</td></tr>"
    page = parse_list_page(f"<table>{header}{plan}{header}{plan}</table>", BASE + "2", 2, BASE + "2")
    assert [row.facility for row in page.rows] == ["札幌ひざクリニック", "札幌ひざクリニック"]
    assert page.skipped_rows == 1
