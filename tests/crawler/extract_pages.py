"""The saved clinic pages of the extraction tests, each with the URL it is served under, parsed once."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from crawler.extract import PageExtraction, extract_page

PAGES = Path(__file__).with_name("pages")
URLS = {
    "extract_supernatant_drip": "http://www.mm-wellness.example/drip/stemcell/",
    "extract_negation_faq": "http://www.yamate-hifu.example/faq/",
    "extract_research_column": "http://www.sakuragawa-seikei.example/column/ips-2026/",
    "extract_cordblood": "http://www.shirokane-rebirth.example/menu/cordblood/",
    "extract_adipose_stemcell": "http://www.ginza-eterna.example/stemcell/",
    "extract_prp_fgf": "http://www.sakae-renaissance.example/menu/prp-fgf/",
    "extract_pfcfd": "http://www.midoridai-sports.example/pfc-fd/",
    "extract_fat_graft": "http://www.tenjin-grace.example/fat/nanofat/",
    "extract_branches_top": "http://www.celeste-saisei.example/",
    "extract_branch_page": "http://www.celeste-saisei.example/yokohama/",
    "extract_approval": "http://www.shinsaibashi-ange.example/stemcell/safety/",
    "extract_footer_only": "http://www.kanazawa-ekinishi.example/price/",
    "extract_exosome_regenerative": "http://www.sapporo-lumina.example/menu/exosome/",
    "extract_explainer": "http://www.konosu-seikei.example/saisei/about/",
    "extract_profile_lines": "http://www.hamanasu-hifu.example/about/",
    "extract_price_bare_stem_drip": "http://www.namba-bihada.example/price/",
    "extract_price_stem_cells": "http://www.hakata-regene.example/price/",
}


def html(name: str) -> str:
    return (PAGES / f"{name}.html").read_text(encoding="utf-8")


@cache
def extraction(name: str) -> PageExtraction:
    """The extraction of one saved page (computed once per test session)."""
    return extract_page(html(name), URLS[name])
