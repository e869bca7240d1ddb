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
    if header and (name := codec_name(header.group(1))):
        return name
    if match := _META_CHARSET.search(body[:_SNIFF_BYTES]):
        return codec_name(match.group(1).decode("ascii"))
    return None


def sniff_encoding(body: bytes) -> str:
    """The most plausible encoding of undeclared bytes; UTF-8 when the sniff finds nothing."""
    try:
        body[:_SNIFF_BYTES].decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= _SNIFF_BYTES - 4:  # a character cut at the sample's end
            return "utf-8"
    best = from_bytes(body[:_SNIFF_BYTES]).best()
    return codec_name(best.encoding) if best is not None and codec_name(best.encoding) else "utf-8"


def _bad_share(text: str) -> float:
    return text.count("\ufffd") / max(len(text), 1)


def decode_bytes(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode `body`; return (text, codec name). Never raises on bad bytes."""
    declared = declared_encoding(body, content_type)
    if declared:
        text = body.decode(declared, errors="replace")
        if declared.startswith("utf-16") or _bad_share(text) <= _MAX_BAD_SHARE:
            return _strip_bom(text), declared
    sniffed = sniff_encoding(body)
    text = body.decode(sniffed, errors="replace")
    if declared and _bad_share(body.decode(declared, errors="replace")) < _bad_share(text):
        return _strip_bom(body.decode(declared, errors="replace")), declared
    return _strip_bom(text), sniffed


def _strip_bom(text: str) -> str:
    return text.removeprefix("\ufeff")
