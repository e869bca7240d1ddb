"""Visible text: what is dropped, where each segment sits, and how it is cut into sentences."""

from __future__ import annotations

from crawler.extract.visible import parse

PAGE = parse(
    """<html><head><title>ＰＲＰ療法｜テストクリニック</title>
<meta name="description" content="説明文">
<script type="application/ld+json">{"@type": "MedicalClinic", "name": "テストクリニック"}</script>
<script type="application/ld+json">{broken</script>
</head><body>
<header><img src="l.png" alt="テストクリニック"><a href="tel:03-1111-2222">03-1111-2222</a></header>
<nav><ul><li><a href="/prp/">PRP療法</a></li></ul></nav>
<div class="main">
<h1>PRP療法</h1>
<p>ご自身の血液から
多血小板血漿（PRP）を作ります。痛みは少ないです！<span style="display:none">隠し文字</span></p>
<table><tr><th>PRP（全顔）</th><td>110,000円<br>（税込）</td></tr></table>
<p class="links"><a href="/">ホーム</a> ｜ <a href="/prp/">PRP療法</a> ｜ <a href="/price/">料金</a></p>
</div>
<div id="footer"><p>テストクリニック</p></div>
<noscript>JavaScriptを有効にしてください</noscript>
</body></html>"""
)


def by_text(fragment: str):  # type: ignore[no-untyped-def]
    return next(segment for segment in PAGE.segments if fragment in segment.text)


def test_title_meta_and_jsonld() -> None:
    assert PAGE.title == "PRP療法|テストクリニック"
    assert PAGE.meta_description == "説明文"
    assert PAGE.jsonld == [{"@type": "MedicalClinic", "name": "テストクリニック"}]


def test_hidden_script_and_noscript_text_are_dropped() -> None:
    assert "隠し文字" not in PAGE.text
    assert "JavaScript" not in PAGE.text
    assert "MedicalClinic" not in PAGE.text


def test_regions() -> None:
    assert [s.region for s in PAGE.segments if s.text == "PRP療法"] == ["nav", "main"]
    assert by_text("テストクリニック").region == "footer"
    assert by_text("ホーム").region == "nav"  # a bar of links outside <nav> is a menu too


def test_source_line_breaks_join_and_sentences_split() -> None:
    segment = by_text("ご自身の血液から")
    assert segment.sentences() == ["ご自身の血液から多血小板血漿（PRP）を作ります。", "痛みは少ないです！"]
    assert segment.section == 1 and segment.heading == "PRP療法"


def test_table_cells_and_br() -> None:
    assert by_text("110,000円").text == "110,000円\n（税込）"
    assert by_text("PRP（全顔）").tag == "th"


def test_image_alts_and_tel_links() -> None:
    assert PAGE.image_alts == [("テストクリニック", "header")]
    assert PAGE.tel_links == [("03-1111-2222", "header")]


def test_a_treatment_menu_section_is_content_but_a_menu_list_is_navigation() -> None:
    page = parse(
        '<section class="menu"><h2>診療メニュー</h2><p>PRP療法</p></section>'
        '<ul class="menu"><li><a href="/prp/">PRP</a></li></ul><div class="gnav"><p>ホーム</p></div>'
    )
    assert [(s.text, s.region) for s in page.segments] == [
        ("診療メニュー", "main"),
        ("PRP療法", "main"),
        ("PRP", "nav"),
        ("ホーム", "nav"),
    ]
