"""The words the report shows for statuses, flags and modality ids, read from labels.toml."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LABELS_FILE = Path(__file__).with_name("labels.toml")


@cache
def labels() -> dict[str, Any]:
    return tomllib.loads(LABELS_FILE.read_text(encoding="utf-8"))


def status_label(status: str) -> dict[str, str]:
    """{ja, en, meaning_ja, meaning_en} for a status; an unknown status is shown as its id."""
    return labels()["status"].get(status, {"ja": status, "en": status, "meaning_ja": "", "meaning_en": ""})


def flag_label(flag: str) -> dict[str, str]:
    return labels()["flag"].get(flag, {"ja": flag, "en": flag, "meaning_ja": "", "meaning_en": ""})


def modality_label(modality: str) -> str:
    return str(labels()["modality"].get(modality, modality))
