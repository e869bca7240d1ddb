"""Claims on saved clinic pages: what counts as an offer, how it is classified, and its quote."""

from __future__ import annotations

import pytest

from crawler.extract import extract_page
from crawler.taxonomy import fold
from tests.crawler.extract_pages import URLS, extraction

EXPECTED = {
    # 「幹細胞点滴」 that the page says is culture supernatant; 配合 cosmetics sold in the clinic.
    "extract_supernatant_drip": {"culture_supernatant"},
    # FAQ and news that deny stem cells, PRP, supernatant and exosomes; questions offer nothing.
    "extract_negation_faq": set(),
    # A column about iPS, donor cells, cord cells and NK research.
    "extract_research_column": set(),
    # Donor umbilical-cord cells (class I); own adipose cells named only as the foil.
    "extract_cordblood": {"stem_cell_allogeneic", "exosome"},
    "extract_adipose_stemcell": {"stem_cell", "prp"},
    # PRP+FGF is PRP, not a growth-factor treatment.
    "extract_prp_fgf": {"prp"},
    # PFC-FD is cell-free; PRP appears as its origin and in a comparison table.
    "extract_pfcfd": {"pfc_fd"},
    # Nanofat "contains stem cells"; セル豊胸/SVF explicitly not offered.
    "extract_fat_graft": {"fat_graft"},
    "extract_branches_top": {"stem_cell"},
    "extract_branch_page": {"stem_cell"},
    "extract_approval": {"stem_cell"},
    "extract_footer_only": {"prp"},
    "extract_exosome_regenerative": {"exosome", "scaffold"},
    # General explanation of the classes, a referral elsewhere, a treatment that ended, and an
    # <article><header><h1> that is content, not the site header.
    "extract_explainer": {"prp"},
    # A PRP kit named in passing on the about page is still PRP (the clinic uses it).
    "extract_profile_lines": {"prp"},
    # 「幹細胞点滴 33,000円」 is priced far below cultured cells: probably supernatant, so the page's bare
    # stem-cell mentions (its news line too) are left to the treatment's own page. 1,650,000円 with fat
    # harvest and culture is own stem cells.
    "extract_price_bare_stem_drip": set(),
    "extract_price_stem_cells": {"stem_cell"},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_modalities_offered(name: str) -> None:
    assert {claim.modality for claim in extraction(name).claims} == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_quotes_are_findable_in_the_visible_text(name: str) -> None:
    page = extraction(name)
    for claim in page.claims:
        assert 0 < len(claim.quote) <= 200
        assert claim.quote in page.text.replace("\n", " ") or claim.quote in page.text


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_one_claim_per_modality(name: str) -> None:
    modalities = [claim.modality for claim in extraction(name).claims]
    assert len(modalities) == len(set(modalities))


def test_claim_carries_the_taxonomy_columns() -> None:
    claim = next(c for c in extraction("extract_cordblood").claims if c.modality == "stem_cell_allogeneic")
    assert (claim.pillar, claim.requires_filing, claim.usual_class) == ("cellular", True, 1)
    pfc = extraction("extract_pfcfd").claims[0]
    assert (pfc.pillar, pfc.requires_filing) == ("biochemical", False)


def test_supernatant_drip_quote_names_the_supernatant() -> None:
    claim = extraction("extract_supernatant_drip").claims[0]
    assert "上清" in claim.quote
    assert claim.regenerative_wording


def test_hidden_and_script_text_is_not_read() -> None:
    text = extraction("extract_supernatant_drip").text
    assert "第二種再生医療等" not in text  # display:none block
    assert "PRP療法を開始しました" not in text  # hidden attribute
    assert "dataLayer" not in text and "content:" not in text


def test_prp_fgf_quote_and_term() -> None:
    claim = extraction("extract_prp_fgf").claims[0]
    assert claim.term == "PRP"
    assert "FGF" in fold(claim.quote)


def test_fat_graft_quote_is_an_offer_not_the_stem_cell_sentence() -> None:
    claim = extraction("extract_fat_graft").claims[0]
    assert "幹細胞" not in claim.quote


def test_claims_on_a_branch_page_name_the_branch() -> None:
    assert {c.branch for c in extraction("extract_branch_page").claims} == {"横浜院"}
    assert {c.branch for c in extraction("extract_branches_top").claims} == {None}


def test_regenerative_wording_is_recorded() -> None:
    exosome = next(c for c in extraction("extract_exosome_regenerative").claims if c.modality == "exosome")
    assert exosome.regenerative_wording
    assert not extraction("extract_pfcfd").claims[0].regenerative_wording


def test_every_saved_page_has_a_url() -> None:
    assert set(EXPECTED) == set(URLS)


def test_article_header_is_content() -> None:
    claim = extraction("extract_explainer").claims[0]
    assert claim.quote == "当院では、第三種再生医療等としてPRP療法を行っています（計画番号 PC3240777）。"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # SVF is fat plus isolated cells: its parts named with it are not offers of their own.
        ("<h1>セル豊胸</h1><p>当院のセル豊胸は、脂肪由来幹細胞を付加した脂肪注入です。</p>", ["svf"]),
        # ... but a list names separate treatments.
        ("<p>当院では脂肪注入、セル豊胸を行っています。</p>", ["svf", "fat_graft"]),
        (
            "<p>当院では幹細胞治療、エクソソーム点滴を行っています。脂肪を採取し培養します。</p>",
            ["stem_cell", "exosome"],
        ),
    ],
)
def test_parts_and_lists(body: str, expected: list[str]) -> None:
    html = f"<html><head><title>t</title></head><body><main>{body}</main></body></html>"
    assert [
        claim.modality for claim in extract_page(html, "http://www.parts.example/menu/").claims
    ] == expected
