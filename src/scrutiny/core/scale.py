"""The six-point scale, and how raw input becomes a point on it.

Input may name a point in any case ("Very good", "GOOD") or give its number (6..1);
output always uses the lowercase names. `None` and "not applicable" mean the item
does not apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

NOT_APPLICABLE: Final = "not applicable"


class NotAScalePoint(ValueError):
    """Raised for a value that is neither a point of the scale nor "not applicable"."""


def build_lookup(names: Mapping[int, str]) -> dict[object, int | None]:
    """A lookup from every accepted raw spelling to the point's number (None: not applicable).

    Exact spellings are looked up first, so the common case costs one dict access;
    only odd casing falls back to `str.lower`.
    """
    lookup: dict[object, int | None] = {None: None, NOT_APPLICABLE: None}
    for value, name in names.items():
        lookup[value] = value
        lookup[name] = value
        lookup[name.capitalize()] = value
    return lookup


def parse_point(raw: object, lookup: Mapping[object, int | None]) -> int | None:
    """The number of the point `raw` names, None for not applicable, or NotAScalePoint."""
    if isinstance(raw, bool):  # True == 1 in Python, but true is not a point of the scale
        raise NotAScalePoint(raw)
    try:
        return lookup[raw]
    except (KeyError, TypeError):
        pass
    if isinstance(raw, str):
        folded = " ".join(raw.split()).lower()
        if folded in lookup:
            return lookup[folded]
    raise NotAScalePoint(raw)
