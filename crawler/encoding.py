"""Decode a page or a CSV file whose encoding nobody states reliably.

Japanese sites serve Shift_JIS, EUC-JP and UTF-8, often with no charset in Content-Type and sometimes
with a wrong one. The order: byte-order mark, then the HTTP header, then <meta charset>, then a sniff
by charset-normalizer; a declared encoding that does not fit the bytes loses to the sniff. Invalid
bytes become U+FFFD instead of failing the page.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# Windows code pages are supersets of the ISO names servers declare (①, ㈱, NEC/IBM extensions).
_SUPERSETS = {"shift_jis": "cp932", "euc_jp": "euc_jis_2004", "iso8859-1": "cp1252", "ascii": "utf-8"}
_ALIASES = {
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "x-euc-jp": "euc_jp",
    "x-euc": "euc_jp",
    "ms_kanji": "cp932",
}
_SNIFF_BYTES = 64 * 1024
# A declared encoding is trusted while at most this share of the decoded text is replacement characters.
_MAX_BAD_SHARE = 0.001
# An undeclared page this damaged in its best Japanese reading is probably not Japanese at all.
_DAMAGED_SHARE = 0.01
_JAPANESE = ("utf-8", "euc_jis_2004", "cp932")  # in this order: see sniff_encoding


def codec_name(label: str) -> str | None:
    """Python's codec for an encoding label (`Shift_JIS`, `x-sjis`, `EUC-JP`…), or None if unknown."""
    try:
        label = label.strip().strip("\"'").lower()
        name = codecs.lookup(_ALIASES.get(label, label)).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def declared_encoding(body: bytes, content_type: str | None = None) -> str | None:
    """The encoding the BOM, the Content-Type header or a <meta> tag declares, in that order."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    header = _HEADER_CHARSET.search(content_type or "")
    if header and (charset := codec_name(header.group(1))):
        return charset
    if match := _META_CHARSET.search(body[:_SNIFF_BYTES]):
        return codec_name(match.group(1).decode("ascii"))
    return None


def _decodes(sample: bytes, codec: str) -> bool:
    try:
        sample.decode(codec)
    except UnicodeDecodeError as exc:
        return exc.start >= len(sample) - 4  # only a character cut at the sample's end
    return True


def _strict_fit(sample: bytes) -> str | None:
    return next((codec for codec in _JAPANESE if _decodes(sample, codec)), None)


def sniff_encoding(body: bytes) -> str:
    """The most plausible encoding of undeclared bytes; UTF-8 when nothing fits better.

    Japanese encodings are tried strictly first: Shift_JIS text (hiragana has lead byte 0x82) almost
    never decodes as EUC-JP, while EUC-JP often decodes as Shift_JIS, so EUC-JP wins when both fit.
    Damaged Japanese text keeps the Japanese reading with the fewest bad characters; anything else
    is left to charset-normalizer.
    """
    sample = body[:_SNIFF_BYTES]
    if fit := _strict_fit(sample):
        return fit
    shares = {codec: _bad_share(sample.decode(codec, errors="replace")) for codec in _JAPANESE}
    japanese = min(shares, key=shares.__getitem__)
    if shares[japanese] <= _DAMAGED_SHARE:
        return japanese
    best = from_bytes(sample).best()
    return (codec_name(best.encoding) if best is not None else None) or japanese


def _bad_share(text: str) -> float:
    return text.count("\ufffd") / max(len(text), 1)


def decode_bytes(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode `body`; return (text, codec name). Never raises on bad bytes."""
    declared = declared_encoding(body, content_type)
    if declared is None:
        codec = sniff_encoding(body)
        return _strip_bom(body.decode(codec, errors="replace")), codec
    text = body.decode(declared, errors="replace")
    if declared.startswith("utf-16") or _bad_share(text) <= _MAX_BAD_SHARE:
        return _strip_bom(text), declared
    # The declaration does not fit the bytes: an encoding that fits them exactly wins; else keep it.
    if (alternative := _strict_fit(body[:_SNIFF_BYTES])) and alternative != declared:
        return _strip_bom(body.decode(alternative, errors="replace")), alternative
    return _strip_bom(text), declared


def _strip_bom(text: str) -> str:
    return text.removeprefix("\ufeff")
