"""Broken or odd pages give an empty or partial extraction, never an exception that loses the page."""

from __future__ import annotations

import pytest

from crawler.extract import extract_page

ODD_PAGES = {
    "empty": "",
    "bare html tag": "<html>",
    "text without markup": "当院ではPRP療法を行っています。",
    "json-ld values of every shape": (
        '<script type="application/ld+json">[1, "x", {"@type": "MedicalClinic", "name": ["あおばクリニック"], '
        '"address": ["東京都港区赤坂1-2-3"], "telephone": ["03-1111-2222"], '
        '"parentOrganization": [{"name": "医療法人青葉会"}]}]</script><p>本文</p>'
    ),
    "json-ld type as an object": '<script type="application/ld+json">{"@type": {"x": 1}, "name": {"@value": 1}}</script>',
    "json-ld that is a string": '<script type="application/ld+json">"text"</script>',
    "broken json-ld": '<script type="application/ld+json">{"@type": "MedicalClinic",</script><p>本文</p>',
    "very deep nesting": "<div>" * 3000 + "<p>PRP療法を行っています。</p>" + "</div>" * 3000,
    "empty tel link and alt": '<p>PRP療法</p><a href="tel:">電話</a><img alt="">',
}


@pytest.mark.parametrize("name", sorted(ODD_PAGES))
def test_odd_page_extracts_without_error(name: str) -> None:
    extraction = extract_page(ODD_PAGES[name], "http://www.odd.example/page/")
    assert isinstance(extraction.text, str)


def test_json_ld_lists_are_read() -> None:
    facts = {
        (f.kind, f.value)
        for f in extract_page(ODD_PAGES["json-ld values of every shape"], "http://a.example/").identity
    }
    assert {("name", "あおばクリニック"), ("corporation", "医療法人青葉会"), ("phone", "0311112222")} <= facts


def test_deep_nesting_still_finds_the_claim() -> None:
    extraction = extract_page(ODD_PAGES["very deep nesting"], "http://a.example/")
    assert [claim.modality for claim in extraction.claims] == ["prp"]
