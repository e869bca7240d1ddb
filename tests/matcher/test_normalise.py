"""Normalisers one by one: name fields, addresses, the Latin↔katakana key (text folding: tests/jp)."""

from __future__ import annotations

import pytest

from matcher.address import kanji_to_int, parse_address
from matcher.names import split_name
from matcher.phonetic import phonetic_similarity


@pytest.mark.parametrize(
    ("raw", "legal", "corporation", "core", "places", "branch"),
    [
        ("医療法人社団翠陽会　恵比寿ルミエールクリニック", "医療法人社団", "翠陽会", "ルミエール", {"恵比寿"}, None),
        ("医療法人社団翠陽会\n恵比寿ルミエールクリニック", "医療法人社団", "翠陽会", "ルミエール", {"恵比寿"}, None),
        ("医療法人社団清嶺会 ラクシアクリニック 京都院", "医療法人社団", "清嶺会", "ラクシア", {"京都"}, "京都"),
        ("医療法人社団清嶺会　ラクシアクリニック梅田院", "医療法人社団", "清嶺会", "ラクシア", {"梅田"}, "梅田"),
        ("医療法人財団 秀明会すずらんクリニック 大宮院", "医療法人財団", "秀明会", "すずらん", {"大宮"}, "大宮"),
        ("医療法人　西澤会 にしざわ整形外科", "医療法人", "西沢会", "にしざわ", set(), None),
        ("医療法人社団OSSO FORTE 東十条整形外科", "医療法人社団", "ossoforte", "東十条", set(), None),
        ("㊩康生会 たけだクリニック", "医療法人", "康生会", "たけだ", set(), None),
        ("(医)さくら会 さくら皮膚科", "医療法人", "さくら会", "さくら", set(), None),
        ("医社 青葉会 あおばクリニック 本院", "医療法人社団", "青葉会", "あおば", set(), "本院"),
        ("ＯＲＣＨＩＤ ＳＫＩＮ ＣＬＩＮＩＣ", None, None, "orchidskin", set(), None),
        ("GINZA NOA CLINIC", None, None, "noa", {"銀座"}, None),
        ("Tenvi Clinic Ginza", None, None, "tenvi", {"銀座"}, "ginza"),
        ("みらいクリニック銀座", None, None, "みらい", {"銀座"}, "銀座"),
        ("銀座みらいクリニック", None, None, "みらい", {"銀座"}, None),
        ("東京美容外科 新宿院", None, None, "東京", {"新宿"}, "新宿"),
        ("医療法人澄明会 なかざわ内科・腫瘍内科クリニック", "医療法人", "澄明会", "なかざわ", set(), None),
    ],
)
def test_split_name(raw: str, legal: str | None, corporation: str | None, core: str, places: set[str],
                    branch: str | None) -> None:
    fields = split_name(raw)
    assert (fields.legal_form, fields.corporation, fields.core, set(fields.places), fields.branch) == (
        legal, corporation, core, places, branch
    )


def test_type_words_are_kept_as_kinds() -> None:
    assert split_name("浅野整形外科内科").types == {"orthopedic", "internal"}
    assert split_name("髙橋医院").types == {"generic"}


@pytest.mark.parametrize(
    ("raw", "hint", "municipality", "town", "numbers", "floor"),
    [
        ("東京都渋谷区恵比寿南一丁目14番8号 ルミナス恵比寿ビル5階", None, "渋谷区", "恵比寿南", ("1", "14", "8"), "5"),
        ("渋谷区恵比寿南1-14-8 5F", "東京都", "渋谷区", "恵比寿南", ("1", "14", "8"), "5"),
        ("〒150-0022 東京都渋谷区恵比寿南１－１４－８", None, "渋谷区", "恵比寿南", ("1", "14", "8"), None),
        ("兵庫県兵庫県神戸市中央区北長狭通4-6-15\nリンズエムディ神戸元町5F", None, "神戸市中央区", "北長狭通", ("4", "6", "15"), "5"),
        ("四日市市生桑584-4", "三重県", "四日市市", "生桑", ("584", "4"), None),
        ("京都市下京区烏丸通塩小路下る東塩小路町901番地 京都駅ビル6階", "京都府", "京都市下京区", "東塩小路町", ("901",), "6"),
        ("京都市下京区東洞院通七条下る二丁目東塩小路町606-3", "京都府", "京都市下京区", "東塩小路町", ("606", "3"), None),
        ("京都市下京区四条通2丁目32番11号", "京都府", "京都市下京区", "四条通", ("2", "32", "11"), None),
        ("札幌市中央区南1条西24丁目1-25 円山メディカルビル3階", "北海道", "札幌市中央区", "南", ("1条西24", "1", "25"), "3"),
        ("仙台市青葉区一番町三丁目7番23号", "宮城県", "仙台市青葉区", "一番町", ("3", "7", "23"), None),
        ("伊賀市比土字上ノ代３１５８番地１", "三重県", "伊賀市", "比土字上ノ代", ("3158", "1"), None),
        ("新宿区市谷田町1-2", "東京都", "新宿区", "市谷田町", ("1", "2"), None),
        ("北海道虻田郡倶知安町南1条西1丁目", None, "虻田郡倶知安町", "南", ("1条西1",), None),
        ("市川市八幡2-3-4", "千葉県", "市川市", "八幡", ("2", "3", "4"), None),
    ],
)
def test_parse_address(raw: str, hint: str | None, municipality: str, town: str, numbers: tuple[str, ...],
                       floor: str | None) -> None:
    address = parse_address(raw, hint)
    assert (address.municipality, address.town, address.numbers, address.floor) == (municipality, town, numbers, floor)


def test_prefecture_from_text_or_hint() -> None:
    assert parse_address("兵庫県兵庫県神戸市中央区北長狭通4-6-15").prefecture == "兵庫県"
    assert parse_address("神戸市中央区北長狭通4-6-15", "兵庫県").prefecture == "兵庫県"


@pytest.mark.parametrize(("kanji", "value"), [("三", 3), ("十", 10), ("十二", 12), ("二十三", 23), ("百五", 105)])
def test_kanji_numerals(kanji: str, value: int) -> None:
    assert kanji_to_int(kanji) == value


@pytest.mark.parametrize(
    ("latin", "kana"),
    [("belle", "ベル"), ("orchid skin", "オーキッドスキン"), ("tenvi", "テンヴィ"), ("luxia", "ラクシア"),
     ("lumiere", "ルミエール"), ("aura", "オーラ"), ("forte", "フォルテ"), ("grace", "グレイス"), ("kokoro", "ココロ"),
     ("medilotus", "メディロータス"), ("eleva", "エレヴァ")],
)
def test_latin_and_katakana_meet(latin: str, kana: str) -> None:
    assert phonetic_similarity(latin, kana) >= 0.85


@pytest.mark.parametrize(("latin", "kana"), [("orchid skin", "グランデスキン"), ("belle", "ノア"), ("helene", "ラクシア")])
def test_different_brands_stay_apart(latin: str, kana: str) -> None:
    assert phonetic_similarity(latin, kana) < 0.85


def test_a_trailing_latin_place_is_the_branch() -> None:
    fields = split_name("Clinique Haru Kyoto")
    assert (fields.core, fields.branch, set(fields.places)) == ("haru", "kyoto", {"京都"})


def test_a_room_number_does_not_join_the_block_number() -> None:
    assert parse_address("神戸市中央区元町通1丁目4番12号403号室", "兵庫県").numbers == ("1", "4", "12", "403")
