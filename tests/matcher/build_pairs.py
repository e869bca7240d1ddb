"""Regenerates pairs.csv, the labelled set of site ↔ registry pairs (run from the project root).

`python tests/matcher/build_pairs.py` — deterministic (seeded). Each generated pair varies one or two
things real filings vary (corporation prefix and separator, width, variant kanji, Latin/katakana,
branch, address notation, building and floor) and HARD_CASES adds pairs written by hand. Labels say
whether the site and the filing are the same clinic; `kind` names the variation so a failure says
which trap was missed. All clinics, corporations and numbers are invented; places are real.
"""

from __future__ import annotations

import csv
import random
import unicodedata
from pathlib import Path

OUT = Path(__file__).parent / "pairs.csv"
COLUMNS = [
    "id", "kind", "label", "site_name", "site_address", "site_phone", "site_plan_numbers",
    "registry_name", "registry_prefecture", "registry_address", "registry_plan_numbers", "registry_phone", "note",
]

# prefecture, municipality, town, area code, place word used in names and branch labels
AREAS = [
    ("東京都", "中央区", "銀座", "03", "銀座"),
    ("東京都", "新宿区", "西新宿", "03", "新宿"),
    ("東京都", "渋谷区", "恵比寿南", "03", "恵比寿"),
    ("東京都", "港区", "北青山", "03", "表参道"),
    ("東京都", "港区", "六本木", "03", "六本木"),
    ("東京都", "豊島区", "西池袋", "03", "池袋"),
    ("東京都", "品川区", "上大崎", "03", "目黒"),
    ("神奈川県", "横浜市西区", "南幸", "045", "横浜"),
    ("神奈川県", "川崎市川崎区", "駅前本町", "044", "川崎"),
    ("埼玉県", "さいたま市大宮区", "桜木町", "048", "大宮"),
    ("千葉県", "船橋市", "本町", "047", "船橋"),
    ("千葉県", "千葉市中央区", "富士見", "043", "千葉"),
    ("愛知県", "名古屋市中区", "栄", "052", "栄"),
    ("愛知県", "名古屋市中村区", "名駅", "052", "名駅"),
    ("大阪府", "大阪市北区", "梅田", "06", "梅田"),
    ("大阪府", "大阪市中央区", "心斎橋筋", "06", "心斎橋"),
    ("大阪府", "大阪市浪速区", "難波中", "06", "難波"),
    ("京都府", "京都市下京区", "東塩小路町", "075", "京都"),
    ("兵庫県", "神戸市中央区", "三宮町", "078", "三宮"),
    ("福岡県", "福岡市中央区", "天神", "092", "天神"),
    ("福岡県", "福岡市博多区", "博多駅前", "092", "博多"),
    ("北海道", "札幌市中央区", "北一条西", "011", "札幌"),
    ("宮城県", "仙台市青葉区", "中央", "022", "仙台"),
    ("広島県", "広島市中区", "紙屋町", "082", "広島"),
    ("岡山県", "岡山市北区", "表町", "086", "岡山"),
    ("静岡県", "浜松市中央区", "砂山町", "053", "浜松"),
    ("群馬県", "高崎市", "緑町", "027", "高崎"),
    ("熊本県", "熊本市中央区", "水前寺", "096", "熊本"),
    ("沖縄県", "那覇市", "久茂地", "098", "那覇"),
    ("石川県", "金沢市", "広岡", "076", "金沢"),
]

BRANDS = [
    "ルミエール", "みらい", "あおば", "ひかり", "さくら", "つばさ", "ソフィア", "リュクス", "エミリア", "ラフィネ",
    "こもれび", "はなみずき", "セレーネ", "アルモニ", "ヴェルデ", "やまぶき", "なごみ", "ミモザ", "カメリア", "アリュール",
    "わかば", "ひまわり", "コスモス", "シエル", "リアン", "エクラ", "ルーチェ", "フィオーレ", "すずらん", "リペア",
]
KANJI_BRANDS = ["髙橋", "高木", "山﨑", "濵田", "渡邉", "齋藤", "中村", "松本", "井上", "小林", "加藤", "吉田", "山口", "石井", "森本"]
KANJI_FOLDED = {"髙橋": "高橋", "山﨑": "山崎", "濵田": "浜田", "渡邉": "渡辺", "齋藤": "斎藤"}
LATIN_KATAKANA = [
    ("BELLE", "ベル"), ("ORCHID", "オーキッド"), ("LUXIA", "ラクシア"), ("NOA", "ノア"), ("TENVI", "テンヴィ"),
    ("GRACE", "グレイス"), ("AURA", "オーラ"), ("VITA", "ヴィータ"), ("LUMIERE", "ルミエール"), ("ELEVA", "エレヴァ"),
    ("REJOUR", "リジュール"), ("FORTE", "フォルテ"), ("HELENE", "ヘレネ"), ("CASA", "カーサ"), ("MEDILOTUS", "メディロータス"),
    ("SERENA", "セレナ"), ("ARIA", "アリア"), ("NOBLE", "ノーブル"), ("AVENUE", "アヴェニュー"), ("PRIME", "プライム"),
]
CORPS = [
    "翠陽会", "清嶺会", "康陽会", "慈映会", "晴樹会", "澄明会", "恒輝会", "博瑛会", "杜翠会", "西澤会", "青葉会", "光風会",
    "桜華会", "美健会", "湘美会", "秀明会", "誠心会", "慶友会", "悠仁会", "瑞穂会",
]
LEGAL = ["医療法人社団", "医療法人", "医療法人財団", "一般社団法人", "医社", "(医)"]
SEPARATORS = [" ", "\u3000", "\n", "", "\r\n"]
TYPES = ["クリニック", "皮膚科", "美容外科", "整形外科", "内科クリニック", "美容皮膚科", "形成外科クリニック", "医院", "スキンクリニック"]
KANJI_DIGITS = "〇一二三四五六七八九"
BUILDINGS = ["メディカルビル", "センタービル", "スクエア", "プラザ", "ウエストビル", "タワー", "第一ビル"]


def _chome_kanji(number: int) -> str:
    return KANJI_DIGITS[number] if number < 10 else "十" + (KANJI_DIGITS[number - 10] if number > 10 else "")


def _halfwidth(text: str) -> str:
    """Katakana as half-width (ｸﾘﾆｯｸ), the way old sites and some registries spell it."""
    table: dict[str, str] = {}
    for code in range(0xFF66, 0xFF9E):
        half = chr(code)
        table[unicodedata.normalize("NFKC", half)] = half
        voiced = unicodedata.normalize("NFKC", half + "\uff9e")
        if len(voiced) == 1:
            table[voiced] = half + "\uff9e"
    return "".join(table.get(ch, ch) for ch in text)


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ("\u3000" if ch == " " else ch) for ch in text)


class Maker:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.rows: list[dict[str, str]] = []

    def pick(self, items):  # type: ignore[no-untyped-def]
        return self.rng.choice(items)

    def block(self) -> tuple[int, int, int, int]:
        return self.rng.randint(1, 6), self.rng.randint(1, 30), self.rng.randint(1, 25), self.rng.randint(2, 9)

    def registry_address(self, area, block, style: int | None = None) -> str:  # type: ignore[no-untyped-def]
        prefecture, municipality, town, _, _ = area
        chome, ban, go, floor = block
        style = self.rng.randint(0, 3) if style is None else style
        building = f"{town[:2]}{self.pick(BUILDINGS)}{floor}階"
        if style == 0:
            return f"{municipality}{town}{_chome_kanji(chome)}丁目{ban}番{go}号 {building}"
        if style == 1:
            return f"{municipality}{town}{chome}丁目{ban}番{go}号\n{building}"
        if style == 2:
            return f"{prefecture}{municipality}{town}{chome}-{ban}-{go} {building}"
        return f"{municipality}{town}{chome}丁目{ban}番地{go} {building}"

    def site_address(self, area, block) -> str:  # type: ignore[no-untyped-def]
        prefecture, municipality, town, _, _ = area
        chome, ban, go, floor = block
        style = self.rng.randint(0, 3)
        if style == 0:
            return f"〒{self.rng.randint(100, 999)}-{self.rng.randint(1000, 9999)} {prefecture}{municipality}{town}{chome}-{ban}-{go} {floor}F"
        if style == 1:
            return _fullwidth(f"{prefecture}{municipality}{town}{chome}-{ban}-{go}") + f" {town[:2]}ビル{floor}階"
        if style == 2:
            return f"{prefecture}{municipality}{town}{chome}丁目{ban}−{go} {floor}階"
        return f"{municipality}{town}{chome}-{ban}-{go}"

    def phone(self, area) -> str:  # type: ignore[no-untyped-def]
        code = area[3]
        local = 8 - len(code) + 2
        digits = "".join(str(self.rng.randint(0, 9)) for _ in range(local))
        return f"{code}-{digits[:4]}-{digits[4:]}" if len(digits) == 8 else f"{code}-{digits[:3]}-{digits[3:]}"

    def filed(self, facility: str, corp: str | None = None) -> str:
        if corp is None:
            return facility
        return f"{self.pick(LEGAL)}{self.pick(['', ' ', '　'])}{corp}{self.pick(SEPARATORS)}{facility}"

    def add(self, kind: str, label: str, site_name: str, site_address: str, registry_name: str, area,  # type: ignore[no-untyped-def]
            registry_address: str, site_phone: str = "", note: str = "", site_plans: str = "",
            registry_plans: str = "", registry_phone: str = "") -> None:
        self.rows.append({
            "id": str(len(self.rows) + 1), "kind": kind, "label": label, "site_name": site_name,
            "site_address": site_address, "site_phone": site_phone, "site_plan_numbers": site_plans,
            "registry_name": registry_name, "registry_prefecture": area[0], "registry_address": registry_address,
            "registry_plan_numbers": registry_plans, "registry_phone": registry_phone, "note": note,
        })

    def plan(self, cls: str = "C") -> str:
        return f"P{cls}{self.rng.randint(1, 7)}{self.rng.randint(19, 26)}{self.rng.randint(1, 9999):04d}"


def generated(maker: Maker) -> None:
    m = maker
    for i in range(40):  # same clinic: bare site name vs corporation-prefixed filing, address notations
        area, block = m.pick(AREAS), m.block()
        facility = f"{area[4] if i % 2 else ''}{m.pick(BRANDS)}{m.pick(TYPES)}"
        site = m.pick([facility, f"{facility}【公式】", f"幹細胞治療｜{facility}", f"{facility} | 再生医療・美容皮膚科"])
        m.add("same_corp_prefix", "same", site, m.site_address(area, block), m.filed(facility, m.pick(CORPS)), area,
              m.registry_address(area, block), m.phone(area))
    for _ in range(15):  # width: half-width katakana on the site, full-width Latin/digits in the filing
        area, block = m.pick(AREAS), m.block()
        brand = m.pick(BRANDS)
        half = _halfwidth(brand + "クリニック")
        m.add("same_width", "same", half, m.site_address(area, block), m.filed(brand + "クリニック", m.pick(CORPS)),
              area, m.registry_address(area, block), m.phone(area), note="half-width katakana on the site")
    for brand in KANJI_BRANDS:  # variant kanji
        area, block = m.pick(AREAS), m.block()
        typ = m.pick(["医院", "皮膚科", "整形外科", "クリニック"])
        folded = KANJI_FOLDED.get(brand, brand)
        site, filed = (folded + typ, brand + typ) if m.rng.random() < 0.5 else (brand + typ, folded + typ)
        m.add("same_variant_kanji", "same", site, m.site_address(area, block), m.filed(filed, m.pick(CORPS)), area,
              m.registry_address(area, block), m.phone(area))
    for latin, kana in LATIN_KATAKANA:  # Latin filing, katakana site (or the reverse)
        area, block = m.pick(AREAS), m.block()
        tail = m.pick([("CLINIC", "クリニック"), ("SKIN CLINIC", "スキンクリニック"), ("BEAUTY CLINIC", "ビューティークリニック")])
        latin_name, kana_name = f"{latin} {tail[0]}", kana + tail[1]
        if m.rng.random() < 0.5:
            site, filed = kana_name, _fullwidth(latin_name) if m.rng.random() < 0.5 else latin_name
        else:
            site, filed = latin_name.title(), kana_name
        m.add("same_latin_katakana", "same", site, m.site_address(area, block), filed, area,
              m.registry_address(area, block), m.phone(area))
    for _ in range(20):  # a branch page against that branch's filing
        area, block = m.pick(AREAS), m.block()
        brand, corp = m.pick(BRANDS), m.pick(CORPS)
        place = area[4]
        site = m.pick([f"{brand}クリニック {place}院", f"{brand}クリニック{place}院", f"{brand}クリニック {place}"])
        filed = m.filed(f"{brand}クリニック{m.pick([' ', ''])}{place}院", corp)
        m.add("same_branch", "same", site, m.site_address(area, block), filed, area, m.registry_address(area, block),
              m.phone(area))
    for _ in range(12):  # brand with its place before or after (みらいクリニック銀座 vs 銀座みらいクリニック)
        area, block = m.pick(AREAS), m.block()
        brand = m.pick(BRANDS)
        m.add("same_reordered", "same", f"{brand}クリニック{area[4]}", m.site_address(area, block),
              m.filed(f"{area[4]}{brand}クリニック", m.pick(CORPS)), area, m.registry_address(area, block))
    for _ in range(10):  # renamed: same address, floor and phone, names disagree → review counts as found
        area, block = m.pick(AREAS), m.block()
        old, new = m.rng.sample(BRANDS, 2)
        phone = m.phone(area)
        m.add("same_renamed", "same", f"{new}クリニック", m.site_address(area, block), m.filed(f"{old}クリニック", m.pick(CORPS)),
              area, m.registry_address(area, block, style=2), phone, registry_phone=phone,
              note="renamed; expected review")
    for _ in range(10):  # the site cites the facility's plan number; the filing is under another spelling
        area, block = m.pick(AREAS), m.block()
        brand = m.pick(BRANDS)
        plan = m.plan()
        m.add("same_plan_cited", "same", f"{brand}美容クリニック", "", m.filed(f"{brand}クリニック", m.pick(CORPS)), area,
              m.registry_address(area, block), site_plans=plan, registry_plans=plan, note="site gives no address")
    # --- different clinics ---
    for _ in range(40):  # same brand, another branch of the chain
        area, other = m.rng.sample(AREAS, 2)
        brand, corp = m.pick(BRANDS), m.pick(CORPS)
        m.add("other_branch", "different", f"{brand}クリニック {area[4]}院", m.site_address(area, m.block()),
              m.filed(f"{brand}クリニック {other[4]}院", corp), other, m.registry_address(other, m.block()), m.phone(area))
    for _ in range(10):  # same brand, other branch in the same municipality, other block
        area = m.pick([a for a in AREAS if a[0] == "東京都"])
        brand, corp = m.pick(BRANDS), m.pick(CORPS)
        one, two = m.block(), m.block()
        two = (one[0] + 1 if one[0] < 6 else one[0] - 1, *two[1:])
        m.add("other_branch_same_city", "different", f"{brand}クリニック {area[4]}院", m.site_address(area, one),
              m.filed(f"{brand}クリニック {area[4]}駅前院", corp), area, m.registry_address(area, two))
    for _ in range(25):  # same brand, other city, no branch word at all
        area, other = m.rng.sample(AREAS, 2)
        brand = m.pick(BRANDS)
        m.add("other_city", "different", f"{brand}クリニック", m.site_address(area, m.block()),
              m.filed(f"{brand}クリニック", m.pick(CORPS)), other, m.registry_address(other, m.block()))
    for _ in range(25):  # same corporation, its other clinic
        area = m.pick(AREAS)
        other = area if m.rng.random() < 0.5 else m.pick(AREAS)
        one, two = m.rng.sample(BRANDS, 2)
        corp = m.pick(CORPS)
        m.add("same_corporation_other_clinic", "different", f"{m.filed(one + '整形外科', corp)}",
              m.site_address(area, m.block()), m.filed(f"{two}{m.pick(['ひざ関節クリニック', 'スキンクリニック'])}", corp),
              other, m.registry_address(other, m.block()))
    for _ in range(20):  # another clinic in the same building (other floor)
        area, block = m.pick(AREAS), m.block()
        one, two = m.rng.sample(BRANDS, 2)
        other_floor = (*block[:3], block[3] + 1)
        m.add("same_building_other_clinic", "different", f"{one}{m.pick(TYPES)}", m.site_address(area, block),
              m.filed(f"{two}{m.pick(TYPES)}", m.pick(CORPS)), area, m.registry_address(area, other_floor))
    for _ in range(20):  # similar name in the same area
        area, block = m.pick(AREAS), m.block()
        brand = m.pick(BRANDS)
        kinds = m.rng.sample(["皮膚科", "整形外科", "内科", "眼科", "歯科医院"], 2)
        m.add("similar_name_same_area", "different", f"{brand}{kinds[0]}", m.site_address(area, block),
              m.filed(f"{brand}{kinds[1]}", m.pick(CORPS)), area, m.registry_address(area, m.block()))
    for _ in range(12):  # one kanji apart in the same municipality (高橋医院 vs 高田医院)
        area = m.pick(AREAS)
        one, two = m.rng.sample(["高橋", "高田", "高木", "髙山", "中村", "中川", "中西", "松本", "松田", "松井"], 2)
        m.add("similar_surname", "different", f"{one}医院", m.site_address(area, m.block()),
              m.filed(f"{two}医院"), area, m.registry_address(area, m.block()))
    for latin, kana in LATIN_KATAKANA[:10]:  # Latin brand elsewhere vs a katakana clinic
        area, other = m.rng.sample(AREAS, 2)
        m.add("latin_katakana_other_city", "different", f"{kana}クリニック", m.site_address(area, m.block()),
              _fullwidth(f"{latin} CLINIC"), other, m.registry_address(other, m.block()))


# Written by hand: the traps the generator does not produce.
HARD_CASES = [
    ("same", "same_corp_prefix", "恵比寿ルミエールクリニック", "東京都渋谷区恵比寿南1-14-8 ルミナス恵比寿ビル5F", "03-5456-7788",
     "医療法人社団翠陽会\n恵比寿ルミエールクリニック", "東京都", "渋谷区恵比寿南一丁目14番8号 ルミナス恵比寿ビル5階", "", "", ""),
    ("same", "same_width", "ＡＢＣクリニック新宿院", "東京都新宿区西新宿1-3-5", "",
     "医療法人社団ABC会 ABCクリニック 新宿院", "東京都", "新宿区西新宿一丁目3番5号", "", "", ""),
    ("same", "same_latin_katakana", "オーキッドスキンクリニック", "大阪府大阪市中央区東心斎橋1-7-22 東心斎橋ウエストビル4F", "",
     "ＯＲＣＨＩＤ ＳＫＩＮ ＣＬＩＮＩＣ", "大阪府", "大阪市中央区東心斎橋1丁目7番22号 東心斎橋ウエストビル4階", "", "", ""),
    ("same", "same_latin_katakana", "ベルクリニック", "東京都中央区銀座2-4-6 銀座ベルビル7F", "",
     "BELLE CLINIC", "東京都", "中央区銀座二丁目4番6号", "", "", ""),
    ("same", "same_latin_katakana", "GINZA NOA CLINIC", "東京都中央区銀座5-1-2", "",
     "一般社団法人創生会 銀座ノアクリニック", "東京都", "中央区銀座五丁目1番2号", "", "", ""),
    ("same", "same_latin_katakana", "テンヴィクリニック銀座", "東京都中央区銀座1-8-19 3F", "",
     "一般社団法人天美会 Tenvi Clinic Ginza", "東京都", "中央区銀座一丁目8番19号 キラリト3階", "", "", ""),
    ("same", "same_address_format", "ラクシアクリニック 京都院", "京都府京都市下京区東塩小路町579-1 京都駅前ウエストビル5F", "",
     "医療法人社団清嶺会\nラクシアクリニック 京都院", "京都府", "京都府京都市下京区東塩小路町579番地1\n京都駅前ウエストビル5階", "", "", ""),
    ("same", "same_address_format", "たけだ膠原病リウマチクリニック", "京都市下京区東塩小路町606-3 三旺京都駅前ビル1F", "",
     "医療法人財団康生会 たけだ膠原病リウマチクリニック", "京都府", "京都市下京区東洞院通七条下る二丁目東塩小路町606-3 \n三旺京都駅前ビル1階", "", "", ""),
    ("same", "same_address_format", "神戸ルミヴィアクリニック", "兵庫県神戸市中央区北長狭通4丁目6番15号", "",
     "医療法人　研樹会　神戸ルミヴィアクリニック", "兵庫県", "兵庫県兵庫県神戸市中央区北長狭通4-6-15\nリンズエムディ神戸元町5F", "", "", ""),
    ("same", "same_address_format", "円山リペアクリニック", "北海道札幌市中央区南1条西24丁目1-25 円山メディカルビル3F", "",
     "医療法人社団円山会　円山リペアクリニック", "北海道", "札幌市中央区南一条西24丁目1-25 円山メディカルビル3階", "", "", ""),
    ("same", "same_kana_variant", "名戸ケ谷整形外科クリニック", "千葉県柏市名戸ヶ谷1-1-2", "",
     "社会医療法人社団蛍水会 名戸ヶ谷整形外科クリニック", "千葉県", "柏市名戸ケ谷一丁目1番2号", "", "", ""),
    ("same", "same_kana_variant", "リ－ジェンクリニック", "福岡県福岡市中央区天神2-8-38", "",
     "リージェンクリニック", "福岡県", "福岡市中央区天神二丁目8番38号", "", "", ""),
    ("same", "same_corp_prefix", "にしざわ整形外科", "群馬県高崎市緑町3-8-15", "027-345-6789",
     "医療法人　西澤会\nにしざわ整形外科", "群馬県", "高崎市緑町三丁目8番15号", "", "", ""),
    ("same", "same_corp_prefix", "おおみや駅前ひふ科・美容皮膚科", "埼玉県さいたま市大宮区桜木町2-3-4", "",
     "㊩慈映会 おおみや駅前ひふ科・美容皮膚科", "埼玉県", "さいたま市大宮区桜木町二丁目3番4号", "", "", ""),
    ("same", "site_name_with_corporation", "医療法人社団 福亀会 札幌中央整形外科クリニック", "北海道札幌市中央区北一条西3-2", "",
     "医療法人社団福亀会　札幌中央整形外科クリニック", "北海道", "札幌市中央区北一条西三丁目2番地", "", "", ""),
    ("same", "same_plan_cited", "なかざわ内科・腫瘍内科クリニック", "静岡県浜松市中央区砂山町350-1", "",
     "医療法人澄明会 なかざわ内科・腫瘍内科クリニック", "静岡県", "浜松市中央区砂山町350番地の1", "PC4230074", "PC4230074", ""),
    ("different", "same_corporation_other_clinic", "ふなばし北口整形外科", "千葉県船橋市本町4-2-1 3F", "",
     "医療法人社団康陽会　ちば中央ひざ関節クリニック", "千葉県", "千葉市中央区富士見二丁目14番1号 千葉富士見ビル6階", "", "", ""),
    ("different", "other_city", "エレヴァクリニック仙台", "宮城県仙台市青葉区中央2-1-7 4F", "",
     "医療法人社団博瑛会\u3000エレヴァクリニック福岡", "福岡県", "福岡市中央区天神2丁目8番38号 天神MSビル6階", "", "", ""),
    ("different", "other_branch", "東京美容外科 新宿院", "東京都新宿区西新宿1-5-1", "",
     "東京美容外科 銀座院", "東京都", "中央区銀座四丁目2番1号", "", "", ""),
    ("different", "other_branch", "ラクシアクリニック 梅田院", "大阪府大阪市北区芝田1-4-8 梅田芝田ビル10F", "",
     "医療法人社団清嶺会\nラクシアクリニック 京都院", "京都府", "京都府京都市下京区東塩小路町579番地1\n京都駅前ウエストビル5階", "", "", ""),
    ("different", "other_branch", "銀座みらいクリニック", "東京都中央区銀座3-2-1", "",
     "新宿みらいクリニック", "東京都", "新宿区新宿三丁目2番1号", "", "", ""),
    ("different", "similar_surname", "髙橋医院", "東京都品川区上大崎2-10-5", "",
     "高田医院", "東京都", "品川区上大崎二丁目12番5号", "", "", ""),
    ("different", "similar_name_same_area", "栄スキンケアクリニック", "愛知県名古屋市中区栄3-5-12", "",
     "医療法人社団栄和会\n栄ひざ関節クリニック", "愛知県", "名古屋市中区栄三丁目20番1号 栄パークサイドプレイス4階", "", "", ""),
    ("different", "same_corporation_other_clinic", "西沢皮フ科クリニック", "神奈川県川崎市川崎区駅前本町12-1", "",
     "医療法人西澤会　にしざわ整形外科", "群馬県", "高崎市緑町三丁目8番15号", "", "", ""),
    ("different", "other_city", "オーラクリニック", "愛知県名古屋市中区栄3-12-4", "",
     "オーラ整形外科", "愛媛県", "松山市大街道二丁目5番3号", "", "", ""),
    ("different", "same_building_other_clinic", "仙台青葉デンタルオフィス", "宮城県仙台市青葉区中央2-1-7 2F", "",
     "エレヴァクリニック", "宮城県", "仙台市青葉区中央二丁目1番7号 4階", "", "", ""),
    # --- harder hand-written cases: mixed scripts, partial addresses, names only a reading would link ---
    ("same", "same_latin_katakana", "Ebisu Lumiere Clinic", "東京都渋谷区恵比寿南1-14-8", "",
     "医療法人社団翠陽会　恵比寿ルミエールクリニック", "東京都", "渋谷区恵比寿南一丁目14番8号 ルミナス恵比寿ビル5階", "", "", ""),
    ("same", "same_latin_katakana", "ミラクリニック", "北海道札幌市西区宮の沢1条1丁目1-1 3F", "",
     "医療法人社団 M \n宮の沢総合クリニック・Miraclinic", "北海道", "札幌市西区宮の沢一条1丁目1-1 3階", "", "", ""),
    ("same", "same_address_format", "さくら皮フ科クリニック", "東京都世田谷区玉川3丁目", "",
     "医療法人社団桜華会 さくら皮膚科クリニック", "東京都", "世田谷区玉川三丁目11番5号 玉川ビル2階", "", "", ""),
    ("same", "same_branch", "アリアクリニック 表参道", "東京都港区北青山3-6-12 4F", "",
     "医療法人社団白翠会 アリアクリニック表参道院", "東京都", "港区北青山三丁目6番12号 青山フェリスビル4階", "", "", ""),
    ("same", "same_reading_only", "あおばクリニック", "宮城県仙台市青葉区一番町3-7-23 5F", "",
     "医療法人青葉杜会 青葉クリニック", "宮城県", "仙台市青葉区一番町三丁目7番23号 一番町スクエア5階", "", "", ""),
    ("same", "same_reading_only", "ひだまり内科", "福岡県福岡市博多区博多駅前3-25-21 10F", "",
     "陽だまり内科", "福岡県", "福岡市博多区博多駅前三丁目25番21号 博多駅前ビジネスセンター10階", "", "", ""),
    ("same", "same_corp_glued", "銀座クリニック", "東京都中央区銀座4-2-11 7F", "",
     "医療法人ネオポリス診療所銀座クリニック", "東京都", "中央区銀座四丁目2番11号 銀座ビル7階", "", "", ""),
    ("same", "same_width", "ＳＫＩＮ　ＬＡＢ　ＣＬＩＮＩＣ", "大阪府大阪市北区梅田1-2-2 8F", "",
     "スキンラボクリニック", "大阪府", "大阪市北区梅田一丁目2番2号 大阪駅前第2ビル8階", "", "", ""),
    ("same", "same_phone", "ルーチェ美容クリニック", "", "052-222-3333",
     "医療法人秀明会 ルーチェクリニック", "愛知県", "名古屋市中区錦三丁目15番1号", "", "", "052-222-3333"),
    ("same", "same_title_noise", "【公式】セレーネ皮膚科｜横浜駅西口徒歩3分の皮膚科・美容皮膚科", "神奈川県横浜市西区南幸2-8-4 6F", "",
     "医療法人社団悠仁会\r\nセレーネ皮膚科", "神奈川県", "横浜市西区南幸二丁目8番4号 横浜南幸ビル6階", "", "", ""),
    ("different", "same_title_noise", "【公式】セレーネ皮膚科｜横浜駅西口徒歩3分の皮膚科・美容皮膚科", "神奈川県横浜市西区南幸2-8-4 6F", "",
     "横浜セレーネ整形外科", "神奈川県", "横浜市西区南幸二丁目1番1号 4階", "", "", ""),
    ("different", "same_corporation_other_clinic", "ミライズクリニック南青山", "東京都港区南青山5-1-1", "",
     "医療法人社団光風会 ミライズクリニック銀座", "東京都", "中央区銀座五丁目1番1号", "", "", ""),
    ("different", "other_branch", "SBC湘南整形外科 横浜院", "神奈川県横浜市西区南幸1-4-8", "",
     "医療法人湘美会 SBC湘南整形外科 大宮院", "埼玉県", "さいたま市大宮区桜木町1-7-5", "", "", ""),
    ("different", "other_branch", "ひざのセルクリニック札幌院", "北海道札幌市中央区北一条西3-3 5F", "",
     "医療法人社団再星会 ひざのセルクリニック東京院", "東京都", "中央区八重洲一丁目5番3号", "", "", ""),
    ("different", "similar_name_same_area", "銀座セルクリニック", "東京都中央区銀座2-4-6 3F", "",
     "銀座スキンクリニック", "東京都", "中央区銀座二丁目4番6号 8階", "", "", ""),
    ("different", "similar_name_same_area", "つくば学園整形外科", "茨城県つくば市研究学園5-12-3", "",
     "医療法人社団研学会　つくば研究学園クリニック", "茨城県", "つくば市研究学園五丁目19番2号", "", "", ""),
    ("different", "same_building_other_clinic", "表参道セルクリニック", "東京都港区北青山3-6-12 2F", "",
     "表参道スキンクリニック", "東京都", "港区北青山三丁目6番12号 青山フェリスビル4階", "", "", ""),
    ("different", "latin_katakana_other_city", "グランデスキンクリニック", "大阪府大阪市中央区東心斎橋1-7-22", "",
     "ＯＲＣＨＩＤ ＳＫＩＮ ＣＬＩＮＩＣ", "大阪府", "大阪市中央区東心斎橋1丁目9番3号 4階", "", "", ""),
    ("different", "plan_number_of_other_facility", "くまもとリジュールクリニック", "熊本県熊本市中央区水前寺1-9-6", "",
     "医療法人社団清流会 くまもと再生医療クリニック", "熊本県", "熊本市中央区水前寺一丁目2番1号", "PB7220088", "PB7220081", ""),
]


def main() -> None:
    maker = Maker(20261126)
    generated(maker)
    for label, kind, site, site_address, phone, registry, prefecture, address, site_plans, plans, reg_phone in HARD_CASES:
        maker.add(kind, label, site, site_address, registry, (prefecture,), address, phone, "hand-written",
                  site_plans, plans, reg_phone)
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(maker.rows)
    print(f"{len(maker.rows)} pairs written to {OUT}")


if __name__ == "__main__":
    main()
