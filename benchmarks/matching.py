"""Linking speed: 5,000 synthetic clinic sites against 7,000 synthetic registry facilities.

`python benchmarks/matching.py [--sites N] [--facilities N] [--naive-sample N]` prints the time to
build the candidate index, find candidates (blocking + rapidfuzz cdist), score and decide every site;
then times a naive all-pairs loop (every site scored against every facility) on a sample of sites and
extrapolates it, and prints the ratio. It also prints how often the filed clinic was a candidate and
was matched, and how many sites were matched to a wrong facility.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import dataclass

from matcher.candidates import CandidateIndex
from matcher.features import Facility, Query
from matcher.query import make_facility, make_query
from matcher.score import decide, score_pair

MORAE = ["ア", "イ", "エ", "オ", "カ", "キ", "ク", "サ", "シ", "ス", "セ", "タ", "テ", "ナ", "ニ", "ノ", "マ", "ミ", "メ",
         "モ", "ラ", "リ", "ル", "レ", "ロ", "バ", "ベ", "ヴィ", "フィ", "ティ"]
ROMAJI = {"ア": "a", "イ": "i", "エ": "e", "オ": "o", "カ": "ka", "キ": "ki", "ク": "ku", "サ": "sa", "シ": "shi",
          "ス": "su", "セ": "se", "タ": "ta", "テ": "te", "ナ": "na", "ニ": "ni", "ノ": "no", "マ": "ma", "ミ": "mi",
          "メ": "me", "モ": "mo", "ラ": "ra", "リ": "ri", "ル": "ru", "レ": "re", "ロ": "ro", "バ": "ba", "ベ": "be",
          "ヴィ": "vi", "フィ": "fi", "ティ": "ti"}
TYPES = ["クリニック", "皮膚科", "美容外科", "整形外科", "内科クリニック", "美容皮膚科", "医院"]
AREAS = [
    ("東京都", "中央区", ["銀座", "日本橋", "八重洲", "築地"]), ("東京都", "港区", ["六本木", "赤坂", "北青山", "南青山"]),
    ("東京都", "新宿区", ["西新宿", "新宿", "高田馬場"]), ("東京都", "渋谷区", ["恵比寿南", "道玄坂", "神宮前"]),
    ("東京都", "豊島区", ["西池袋", "東池袋"]), ("東京都", "世田谷区", ["三軒茶屋", "玉川"]),
    ("神奈川県", "横浜市西区", ["南幸", "北幸"]), ("神奈川県", "横浜市中区", ["元町", "山下町"]),
    ("神奈川県", "川崎市川崎区", ["駅前本町", "砂子"]), ("埼玉県", "さいたま市大宮区", ["桜木町", "大門町"]),
    ("千葉県", "船橋市", ["本町", "湊町"]), ("千葉県", "千葉市中央区", ["富士見", "新町"]),
    ("愛知県", "名古屋市中区", ["栄", "錦", "大須"]), ("愛知県", "名古屋市中村区", ["名駅", "則武"]),
    ("大阪府", "大阪市北区", ["梅田", "芝田", "曽根崎"]), ("大阪府", "大阪市中央区", ["心斎橋筋", "難波", "北浜"]),
    ("京都府", "京都市下京区", ["東塩小路町", "四条通"]), ("兵庫県", "神戸市中央区", ["三宮町", "元町通"]),
    ("福岡県", "福岡市中央区", ["天神", "大名"]), ("福岡県", "福岡市博多区", ["博多駅前", "祇園町"]),
    ("北海道", "札幌市中央区", ["北一条西", "南一条西"]), ("宮城県", "仙台市青葉区", ["中央", "一番町"]),
    ("広島県", "広島市中区", ["紙屋町", "八丁堀"]), ("岡山県", "岡山市北区", ["表町", "駅前町"]),
    ("静岡県", "浜松市中央区", ["砂山町", "鍛冶町"]), ("群馬県", "高崎市", ["緑町", "八島町"]),
    ("熊本県", "熊本市中央区", ["水前寺", "下通"]), ("沖縄県", "那覇市", ["久茂地", "松山"]),
    ("石川県", "金沢市", ["広岡", "本町"]), ("新潟県", "新潟市中央区", ["東大通", "万代"]),
]
CORPS = ["光風会", "清嶺会", "翠陽会", "康陽会", "晴樹会", "澄明会", "博瑛会", "誠心会", "慶友会", "瑞穂会"]


@dataclass
class Synthetic:
    facilities: list[Facility]
    queries: list[Query]
    truth: list[int | None]  # the facility id each site is, or None for an unfiled site


def _brand(rng: random.Random) -> tuple[str, str]:
    morae = [rng.choice(MORAE) for _ in range(rng.randint(3, 5))]
    return "".join(morae), "".join(ROMAJI[m] for m in morae).upper()


def _address(rng: random.Random) -> tuple[str, str, str, tuple[int, int, int, int]]:
    prefecture, municipality, towns = rng.choice(AREAS)
    block = (rng.randint(1, 9), rng.randint(1, 40), rng.randint(1, 30), rng.randint(1, 12))
    return prefecture, municipality, rng.choice(towns), block


def build(sites: int, facilities: int, seed: int = 7) -> Synthetic:
    rng = random.Random(seed)
    rows = []
    for facility_id in range(facilities):
        kana, latin = _brand(rng)
        prefecture, municipality, town, (c, b, g, f) = _address(rng)
        name = latin + " CLINIC" if rng.random() < 0.1 else kana + rng.choice(TYPES)
        filed = f"医療法人社団{rng.choice(CORPS)}\u3000{name}" if rng.random() < 0.6 else name
        address = f"{municipality}{town}{c}丁目{b}番{g}号 {town}ビル{f}階"
        rows.append((facility_id, filed, name, kana, prefecture, municipality, town, (c, b, g, f), address))
    made = [make_facility(r[0], r[1], r[4], r[8], [f"PB{r[0]:07d}"]) for r in rows]
    queries: list[Query] = []
    truth: list[int | None] = []
    for _ in range(sites):
        if rng.random() < 0.5:  # a filed clinic, spelled as its site spells it
            r = rng.choice(rows)
            name = r[2] if not r[2].endswith("CLINIC") else r[3] + "クリニック"
            c, b, g, f = r[7]
            address = f"{r[4]}{r[5]}{r[6]}{c}-{b}-{g} {f}F"
            queries.append(make_query([f"{name}【公式】", name], [address]))
            truth.append(r[0])
        else:  # an unfiled clinic, sometimes with a filed clinic's brand in another city
            if rng.random() < 0.3:
                name = rng.choice(rows)[2]
            else:
                name = _brand(rng)[0] + rng.choice(TYPES)
            prefecture, municipality, town, (c, b, g, f) = _address(rng)
            queries.append(make_query([name], [f"{prefecture}{municipality}{town}{c}-{b}-{g}"]))
            truth.append(None)
    return Synthetic(made, queries, truth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=5000)
    parser.add_argument("--facilities", type=int, default=7000)
    parser.add_argument("--naive-sample", type=int, default=20)
    args = parser.parse_args()
    data = build(args.sites, args.facilities)
    started, cpu_started = time.perf_counter(), time.process_time()
    index = CandidateIndex(data.facilities)
    indexed = time.perf_counter()
    candidates = index.candidates_many(data.queries)
    searched = time.perf_counter()
    decisions = [decide([score_pair(q, f) for f in found]) for q, found in zip(data.queries, candidates, strict=True)]
    finished = time.perf_counter()
    total, cpu = finished - started, time.process_time() - cpu_started
    filed = [i for i, wanted in enumerate(data.truth) if wanted is not None]
    recall = sum(data.truth[i] in {f.id for f in candidates[i]} for i in filed) / len(filed)
    matched = sum(decisions[i].decision == "match" and data.truth[i] in decisions[i].facility_ids for i in filed)
    wrong = sum(
        d.decision == "match" and data.truth[i] not in d.facility_ids for i, d in enumerate(decisions)
    )
    per_site = sum(len(found) for found in candidates) / len(candidates)
    sample = data.queries[: args.naive_sample]
    naive_started = time.process_time()
    for query in sample:
        decide([score_pair(query, facility) for facility in data.facilities])
    naive = (time.process_time() - naive_started) / len(sample) * len(data.queries)
    print(f"sites {len(data.queries)}, registry facilities {len(data.facilities)}")
    print(f"index build {indexed - started:.2f} s, candidates {searched - indexed:.2f} s, "
          f"scoring+decisions {finished - searched:.2f} s, total {total:.2f} s wall, {cpu:.2f} s CPU")
    print(f"candidates per site {per_site:.1f}; candidate recall {recall:.4f}; "
          f"filed sites matched {matched}/{len(filed)}; sites matched to a wrong facility {wrong}")
    print(f"naive all-pairs (extrapolated from {len(sample)} sites): {naive:.0f} s CPU; ratio {naive / cpu:.0f}x")


if __name__ == "__main__":
    main()
