"""A stand-in for crawler.extract.extract_page in the spider tests (the spider runs in a child process,
so it is named by the CLINICWATCH_EXTRACTOR setting rather than monkeypatched).

A page mentioning 幹細胞 yields a stem_cell claim, a page with a 〒 postcode an address identity fact;
a page containing EXTRACTION-BOOM makes extraction fail, as a bug would.
"""

from __future__ import annotations

import re

from crawler.extract import ClaimFact, IdentityFactData, PageExtraction


def extract_page(html: str, url: str) -> PageExtraction:
    if "EXTRACTION-BOOM" in html:
        raise RuntimeError(f"cannot parse {url}")
    title_match = re.search(r"<title>(.*?)</title>", html, re.DOTALL)
    title = title_match.group(1) if title_match else ""
    text = " ".join(re.sub(r"<[^>]+>", " ", html.split("</head>")[-1]).split())
    extraction = PageExtraction(title=title.strip(), text=text)
    if "幹細胞" in text:
        quote = next(part for part in re.split("[。]", text) if "幹細胞" in part)
        extraction.claims.append(ClaimFact("stem_cell", "cell", True, 2, "幹細胞", quote[:200]))
    if postcode := re.search(r"〒\d{3}-\d{4}\s*(\S+)", text):
        extraction.identity.append(
            IdentityFactData("address", postcode.group(1), postcode.group(1), "text", postcode.group(0))
        )
    return extraction
