"""A synthetic programme: many demo inspections, so the overview has something to show.

Every partnership name here is invented. Each inspection is `make_demo` with its own
seed, a size drawn from the seed, a start date spread over the programme's years, and
proposals that vary from one partnership to the next; the engine then applies the
limiters to each as it would to a real one.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from scrutiny.core.demo import make_demo

_PLACES = (
    "Aldermoor",
    "Ashby Vale",
    "Ballantrae Glen",
    "Birchfield",
    "Braeside",
    "Carrick Water",
    "Clachan Ridge",
    "Corriedale",
    "Drumlin Bay",
    "Dunmore Forth",
    "Eastervale",
    "Fairlie Cross",
    "Glenhaven",
    "Greyfriars Moss",
    "Harlaw",
    "Inverbrae",
    "Kelvinside Fields",
    "Kilbride Moor",
    "Lochmarsh",
    "Lowther Hills",
    "Merchiston",
    "Millbank",
    "Nethercraig",
    "Northshire",
    "Oldmeldrum Vale",
    "Pennan Coast",
    "Quarrywood",
    "Rowanlea",
    "Southfield",
    "Strathmoray",
    "Tweedbank",
    "Westerhall",
)
PROGRAMME_SIZE = len(_PLACES)  # 32, as many as the 2012-17 programme's review drew on
_FIRST_START = date(2018, 9, 3)
_SPREAD_DAYS = 2 * 365  # autumn 2018 to autumn 2020
_POINTS = ("very good", "good", "good", "adequate", "adequate", "weak")
_GROUP_POINTS = ("very good", "good", "good", "good", "adequate")


def make_programme_demo(
    *, inspections: int = PROGRAMME_SIZE, records: int = 30, seed: int = 1
) -> list[dict[str, Any]]:
    """`inspections` synthetic bundles (at most 32), deterministic for `seed`."""
    if not 1 <= inspections <= PROGRAMME_SIZE:
        raise ValueError(f"a demo programme has 1 to {PROGRAMME_SIZE} inspections")
    rng = random.Random(seed)
    bundles = []
    for n in range(inspections):
        size = max(6, records + rng.randint(-records // 3, records // 3))
        data = make_demo(seed=seed * 100 + n + 1, records=size)
        start = _FIRST_START + timedelta(days=round(n * _SPREAD_DAYS / PROGRAMME_SIZE))
        data["inspection"]["reference"] = f"JI-P{start.year}-{n + 1:02d}"
        data["inspection"]["partnership"] = _PLACES[n]
        data["inspection"]["start"] = start.isoformat()
        data["proposed_evaluations"] = {
            indicator: rng.choice(_POINTS) for indicator in data["proposed_evaluations"]
        }
        data["group_evaluations"] = {
            group: rng.choice(_GROUP_POINTS) for group in data["group_evaluations"]
        }
        _cite_everything(data["report"], data["evidence"][0]["id"])
        # A published report with a weak evaluation says whether a progress review may follow.
        data["report"]["progress_review"] = {
            "intention": "We will ask the partnership to report on its progress, and may "
            "carry out a progress review.",
            "timescale": "within 12 months of publication",
        }
        bundles.append(data)
    return bundles


def _cite_everything(section: Any, note: str) -> None:
    """A published report cites evidence for every statement: the single demo draft
    leaves one uncited on purpose, which a published one cannot."""
    if isinstance(section, dict):
        if section.get("evidence") == []:
            section["evidence"] = [note]
        for value in section.values():
            _cite_everything(value, note)
    elif isinstance(section, list):
        for value in section:
            _cite_everything(value, note)
