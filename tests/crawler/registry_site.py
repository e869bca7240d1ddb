"""A saved copy of the registry's list pages laid out for SiteFarm, for tests that crawl over HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PAGES = Path(__file__).parent / "pages"
HOST = "saiseiiryo.mhlw.go.jp"
BASE_URL = f"http://{HOST}/published_plan/index/"
# Path under BASE_URL -> saved page: class II over three pages, class III in Shift_JIS then EUC-JP.
LAYOUT = {
    "1": "registry_class1.html",
    "2": "registry_class2_page1.html",
    "2/page:2": "registry_class2_page2.html",
    "2/page:3": "registry_class2_page3.html",
    "3": "registry_class3_sjis.html",
    "3/page:2": "registry_class3_eucjp.html",
}
# Politeness delays make no sense against a loopback farm; everything else stays as configured.
FAST_SETTINGS = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False}


def build_registry_site(
    root: Path, replace: dict[str, bytes] | None = None, rules: dict[str, dict[str, Any]] | None = None
) -> Path:
    """Write the list pages under ROOT/<host>/published_plan/index/; `replace` swaps a page's bytes by
    path, `rules` become the farm's _meta.json (e.g. {"/published_plan/index/2/page:2": {"status": 500}})."""
    for path, name in LAYOUT.items():
        target = root / HOST / "published_plan" / "index" / path / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((replace or {}).get(path, (PAGES / name).read_bytes()))
    meta = root / HOST / "_meta.json"
    meta.unlink(missing_ok=True)
    if rules:
        meta.write_text(json.dumps(rules), encoding="utf-8")
    return root
