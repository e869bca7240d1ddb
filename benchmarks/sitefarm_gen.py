"""Generate a synthetic farm of Japanese clinic websites for benchmarks: ROOT/<host>/<path>.

Each site has a top page, an 医院概要 page (name, address, phone, director, hours) and treatment /
news pages, all linked from a navigation bar on every page, plus in-text links and one link off the
site. A share of sites advertise treatments under the Act (幹細胞, PRP, NK細胞…), some only cell-free
ones (エクソソーム, 培養上清), some nothing; some pages say a treatment is NOT offered. A tenth of the
sites are Shift_JIS. The same seed gives the same farm, byte for byte.

Writes ROOT/seeds.csv (`url,name`, as `clinicwatch crawl` reads) and ROOT/manifest.json (per host:
name, charset, pages, advertised terms), then serve ROOT with clinicwatch.sitefarm.SiteFarm or
benchmarks/fast_farm.py.

    .venv/bin/python benchmarks/sitefarm_gen.py OUT_DIR --sites 1000 --pages 10 --seed 1
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

PREFECTURES = [
    ("東京都", ["港区", "渋谷区", "新宿区", "中央区", "世田谷区"], "03"),
    ("大阪府", ["大阪市北区", "大阪市中央区", "堺市堺区", "豊中市"], "06"),
    ("愛知県", ["名古屋市中区", "名古屋市中村区", "豊田市"], "052"),
    ("福岡県", ["福岡市中央区", "福岡市博多区", "北九州市小倉北区"], "092"),
    ("北海道", ["札幌市中央区", "札幌市北区", "旭川市"], "011"),
    ("神奈川県", ["横浜市西区", "川崎市川崎区", "藤沢市"], "045"),
]
BRANDS = ["さくら", "みらい", "ルミエール", "あおば", "銀座アルファ", "栄オーラ", "ひかり", "グレース", "青山", "リバース"]
KINDS = ["クリニック", "皮フ科", "整形外科", "美容クリニック", "内科クリニック", "スキンクリニック"]
SURNAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"]
GIVEN = ["健一", "直子", "誠", "美穂", "大輔", "由美", "拓也", "恵"]

# (slug, menu title, advertised term) for treatments needing a filing, and for cell-free ones.
FILED_TREATMENTS = [
    ("stemcell", "幹細胞治療", "自己脂肪由来幹細胞"),
    ("prp", "PRP療法", "PRP（多血小板血漿）"),
    ("nk", "免疫細胞療法", "NK細胞療法"),
    ("fibroblast", "肌再生治療", "線維芽細胞移植"),
    ("knee", "ひざの再生医療", "PRP関節内注射"),
]
CELL_FREE_TREATMENTS = [
    ("exosome", "エクソソーム点滴", "エクソソーム"),
    ("supernatant", "幹細胞培養上清液", "ヒト幹細胞培養上清液"),
    ("pfc", "PFC-FD療法", "PFC-FD"),
]
PLAIN_TREATMENTS = [
    ("derma", "一般皮膚科", "湿疹・かぶれ"),
    ("laser", "レーザー治療", "シミ取りレーザー"),
    ("hyaluronic", "ヒアルロン酸注入", "ヒアルロン酸"),
    ("checkup", "健康診断", "企業健診"),
]
FILLER = (
    "当院では患者様一人ひとりのお悩みに寄り添い、丁寧なカウンセリングを行っております。"
    "治療の効果には個人差があり、腫れや内出血などの副作用が生じることがあります。"
    "ご不明な点はお気軽にスタッフまでお尋ねください。"
)


@dataclass
class SitePlan:
    """What one generated site is: identity, encoding and the treatments its pages advertise."""

    host: str
    name: str
    charset: str
    prefecture: str
    address: str
    phone: str
    director: str
    treatments: list[tuple[str, str, str]]
    negated: list[str] = field(default_factory=list)


def plan_site(rng: random.Random, index: int) -> SitePlan:
    """Draw one site: two-thirds advertise something, of those most need a filing."""
    prefecture, cities, area = rng.choice(PREFECTURES)
    brand, kind = rng.choice(BRANDS), rng.choice(KINDS)
    roll = rng.random()
    if roll < 0.45:
        treatments = rng.sample(FILED_TREATMENTS, rng.randint(1, 3)) + rng.sample(CELL_FREE_TREATMENTS, 1)
    elif roll < 0.65:
        treatments = rng.sample(CELL_FREE_TREATMENTS, rng.randint(1, 2))
    else:
        treatments = []
    treatments += rng.sample(PLAIN_TREATMENTS, 2)
    address = f"{rng.choice(cities)}{rng.randint(1, 9)}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号 {brand}ビル{rng.randint(2, 9)}F"
    return SitePlan(
        host=f"c{index:05d}-clinic.example",
        name=f"{brand}{kind}",
        charset="shift_jis" if rng.random() < 0.1 else "utf-8",
        prefecture=prefecture,
        address=address,
        phone=f"{area}-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
        director=f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
        treatments=treatments,
        negated=["幹細胞治療"] if not any(t in FILED_TREATMENTS for t in treatments) and rng.random() < 0.3 else [],
    )


def page_paths(site: SitePlan, pages: int) -> list[str]:
    """The site's page paths: top, 概要, one per treatment, then news pages up to `pages`."""
    paths = ["/", "/about/"] + [f"/menu/{slug}.html" for slug, _, _ in site.treatments]
    paths += [f"/news/{n}.html" for n in range(1, max(0, pages - len(paths)) + 1)]
    return paths[:pages]


def _nav(site: SitePlan, paths: list[str]) -> str:
    titles = {f"/menu/{slug}.html": title for slug, title, _ in site.treatments}
    items = []
    for path in paths:
        label = {"/": "トップ", "/about/": "医院概要"}.get(path) or titles.get(path) or f"お知らせ {path[6:-5]}"
        items.append(f'<li><a href="{path}">{label}</a></li>')
    return "<nav><ul>\n" + "\n".join(items) + "\n</ul></nav>"


def _wrap(site: SitePlan, title: str, nav: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="ja"><head><meta charset="{site.charset}">'
        f"<title>{title}｜{site.name}</title>"
        f'<meta name="description" content="{site.name}（{site.prefecture}）の公式サイトです。"></head>\n'
        f"<body><header><h1>{site.name}</h1><p>TEL {site.phone}</p></header>\n{nav}\n"
        f"<main>\n{body}\n</main>\n<footer><p>{site.name}　{site.prefecture}{site.address}</p>"
        f'<p><a href="https://www.instagram.com/{site.host.split(".")[0]}/">Instagram</a></p>'
        f"<p>&copy; {site.name}</p></footer></body></html>\n"
    )


def _paragraphs(rng: random.Random, count: int) -> str:
    return "\n".join(f"<p>{FILLER[rng.randint(0, 30):]}{FILLER}</p>" for _ in range(count))


def page_html(rng: random.Random, site: SitePlan, path: str, paths: list[str]) -> str:
    """The HTML of one page of `site`; about 8-15 KB, as a small real clinic page."""
    nav = _nav(site, paths)
    if path == "/about/":
        body = (
            "<h2>医院概要</h2><table>\n"
            f"<tr><th>医院名</th><td>{site.name}</td></tr>\n"
            f"<tr><th>院長</th><td>{site.director}</td></tr>\n"
            f"<tr><th>所在地</th><td>〒{rng.randint(100, 999)}-{rng.randint(1000, 9999)}<br>\n"
            f"{site.prefecture}{site.address}</td></tr>\n"
            f"<tr><th>電話番号</th><td>{site.phone}</td></tr>\n"
            "<tr><th>診療時間</th><td>10:00～19:00（土曜は17:00まで）<br>休診日：日曜・祝日</td></tr>\n"
            "</table>" + _paragraphs(rng, 14)
        )
        return _wrap(site, "医院概要", nav, body)
    for slug, title, term in site.treatments:
        if path == f"/menu/{slug}.html":
            body = (
                f"<h2>{title}</h2><p>当院では{term}による治療を行っています。{term}は{FILLER}</p>"
                f'<p>料金は<a href="/about/">医院概要</a>をご覧ください。</p>' + _paragraphs(rng, 20)
            )
            return _wrap(site, title, nav, body)
    if path == "/":
        offers = "、".join(term for _, _, term in site.treatments)
        negation = "".join(f"<p>当院では{term}は行っておりません。</p>" for term in site.negated)
        body = f"<h2>診療案内</h2><p>{offers}を行っています。</p>{negation}" + _paragraphs(rng, 18)
        return _wrap(site, "トップ", nav, body)
    body = (
        f"<h2>お知らせ</h2><p>{rng.randint(1, 12)}月の休診日のお知らせです。</p>"
        f'<p><a href="/">トップへ戻る</a></p>' + _paragraphs(rng, 18)
    )
    return _wrap(site, "お知らせ", nav, body)


def write_site(root: Path, rng: random.Random, site: SitePlan, pages: int) -> int:
    """Write every page of `site` under ROOT/<host>/; return the number of pages."""
    paths = page_paths(site, pages)
    for path in paths:
        target = root / site.host / (path.lstrip("/") + "index.html" if path.endswith("/") else path.lstrip("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        html = page_html(rng, site, path, paths)
        target.write_bytes(html.encode(site.charset, errors="xmlcharrefreplace"))
    return len(paths)


def generate_farm(root: Path, sites: int, pages: int = 10, seed: int = 1) -> list[SitePlan]:
    """Write `sites` sites of `pages` pages each under `root`, with seeds.csv and manifest.json."""
    if sites < 1 or pages < 2:
        raise ValueError(f"a farm needs at least 1 site of 2 pages (got {sites} sites × {pages} pages)")
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    plans = [plan_site(rng, index) for index in range(sites)]
    manifest = {}
    for site in plans:
        count = write_site(root, rng, site, pages)
        manifest[site.host] = {
            "name": site.name,
            "charset": site.charset,
            "pages": count,
            "advertised": [term for _, _, term in site.treatments],
            "negated": site.negated,
        }
    with (root / "seeds.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["url", "name"])
        for index, site in enumerate(plans):
            writer.writerow([f"http://{site.host}/", site.name if index % 2 == 0 else ""])
    (root / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return plans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="output folder (ROOT/<host>/...)")
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=10, help="pages per site (at least 2)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    plans = generate_farm(args.root, args.sites, args.pages, args.seed)
    print(f"{len(plans)} sites × {args.pages} pages written to {args.root} (seeds: {args.root / 'seeds.csv'})")


if __name__ == "__main__":
    main()
