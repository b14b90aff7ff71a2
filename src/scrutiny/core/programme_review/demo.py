"""A synthetic programme: many demo inspections, so the overview has something to show.

Every partnership name here is invented. Each inspection is `make_demo` with its own
seed, a size drawn from the seed, a start date spread over the programme's years, and
proposals that vary from one partnership to the next; the engine then applies the
limiters to each as it would to a real one. Its key messages and priority areas are
drawn from small pools, so that some themes recur across the programme and others do
not; and its plan (`make_programme_plans`) keeps some milestones and misses others.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
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
        _vary_findings(data["report"], random.Random(seed * 1000 + n))
        data["report"]["publication_date"] = _published(start, n).isoformat()
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


# Key messages and priority areas for improvement the demo inspections draw on: (text,
# the demo's evidence notes it cites, plain wording, how often it is drawn). The notes'
# tags decide which questions and quality indicators a theme bears on.
_KEY_MESSAGES: tuple[tuple[str, tuple[int, ...], str, int], ...] = (
    (
        "Staff across services recognised and responded well when children needed "
        "protection, and most children we heard from had a trusted adult.",
        (1, 2, 5),
        "Staff are good at noticing when children need to be kept safe, and most children "
        "have an adult they trust.",
        5,
    ),
    (
        "Children's plans, chronologies and planning for permanence were not consistently "
        "good enough, and some decisions about children's futures were delayed.",
        (3, 10, 13),
        "Some plans for children were not clear enough, and some decisions about where "
        "children will live took too long.",
        4,
    ),
    (
        "Leaders shared a clear vision for vulnerable children, but did not yet know enough "
        "about the difference services make to children's lives.",
        (20, 22),
        "The people in charge want the same good things for children, but need to check "
        "better whether children's lives are improving.",
        3,
    ),
    (
        "Families valued the help they received, and most parents and carers said it had "
        "made their child safer.",
        (7, 8),
        "Families said the help they got made their children safer.",
        3,
    ),
    (
        "Care experienced young people were well supported by aftercare workers, but too "
        "few were in education, training or employment.",
        (16, 17),
        "Young people leaving care had good support, but not enough had a job or a place "
        "in college.",
        2,
    ),
    (
        "Placement stability for children in foster care had improved, and the attainment "
        "of looked after children was closely monitored.",
        (12, 15),
        "Children in foster care moved less often, and their schools kept a close eye on "
        "how they were doing.",
        1,
    ),
)
_PRIORITY_AREAS: tuple[tuple[str, tuple[int, ...], int], ...] = (
    (
        "Improve the quality of chronologies and children's plans, so that risks and "
        "progress are clear.",
        (3, 10),
        5,
    ),
    (
        "Make timely decisions about permanence for children looked after at home and "
        "in kinship care.",
        (13,),
        3,
    ),
    (
        "Measure and report the difference services make to outcomes for children and "
        "young people.",
        (22,),
        3,
    ),
    ("Give kinship carers the practical and financial support they need.", (14,), 2),
    (
        "Start pathway planning early enough for young people leaving care to prepare for "
        "moving on.",
        (18, 17),
        2,
    ),
    (
        "Help children who have experienced neglect to recover, with support that lasts as "
        "long as they need it.",
        (6,),
        1,
    ),
)


def _drawn(rng: random.Random, weights: list[int], k: int) -> list[int]:
    """`k` of the pool's positions, the heavier more often, in the pool's order."""
    keys = sorted(range(len(weights)), key=lambda i: -(rng.random() ** (1 / weights[i])))
    return sorted(keys[:k])


def _vary_findings(report: dict[str, Any], rng: random.Random) -> None:
    """Three key messages and three priority areas from the pools, replacing the single
    demo's; everything else the report says stays as `make_demo` wrote it."""
    report["key_messages"] = [
        {
            "id": f"K-{n}",
            "text": text,
            "evidence": [f"E-{e:03d}" for e in cites],
            "plain": plain,
        }
        for n, (text, cites, plain, _) in enumerate(
            (_KEY_MESSAGES[i] for i in _drawn(rng, [w for *_, w in _KEY_MESSAGES], 3)),
            start=1,
        )
    ]
    report["priority_areas"] = [
        {"id": f"PA-{n}", "text": text, "evidence": [f"E-{e:03d}" for e in cites]}
        for n, (text, cites, _) in enumerate(
            (_PRIORITY_AREAS[i] for i in _drawn(rng, [w for *_, w in _PRIORITY_AREAS], 3)),
            start=1,
        )
    ]


# How many days early (negative) or late each demo inspection did its milestones, in
# turn: so any few inspections keep some and miss others. None: the action plan never came.
_DRAFT_LATE = (-3, 6, 0, -7, 12, 0, 3, -2)
_PUBLISHED_LATE = (-7, 0, 14, -1, 5, 0, 21, -14)
_ACTION_PLAN_LATE: tuple[int | None, ...] = (-5, 9, 0, None, -12, 20, 0, 2)


@dataclass(frozen=True)
class DemoPlan:
    """When one demo inspection was notified and did its key milestones."""

    reference: str
    notification: date
    draft_shared: date
    made_final: date
    published: date
    action_plan: date | None  # None: not received


def _notified(start: date) -> date:
    # The web app dates a new inspection's plan from its start (inspections/services.py).
    return start


def _published(start: date, n: int) -> date:
    # Publication is due in week 35: 34 weeks after the notification.
    return _notified(start) + timedelta(weeks=34, days=_PUBLISHED_LATE[n % len(_PUBLISHED_LATE)])


def make_programme_plans(bundles: list[dict[str, Any]]) -> list[DemoPlan]:
    """The plans of `make_programme_demo`'s inspections, in the same order."""
    plans = []
    for n, data in enumerate(bundles):
        start = date.fromisoformat(data["inspection"]["start"])
        notified = _notified(start)
        # The draft is due in week 28; the action plan six weeks after publication.
        shared = notified + timedelta(weeks=27, days=_DRAFT_LATE[n % len(_DRAFT_LATE)])
        published = _published(start, n)
        late = _ACTION_PLAN_LATE[n % len(_ACTION_PLAN_LATE)]
        plans.append(
            DemoPlan(
                reference=data["inspection"]["reference"],
                notification=notified,
                draft_shared=shared,
                made_final=min(shared + timedelta(weeks=3), published - timedelta(days=1)),
                published=published,
                action_plan=None if late is None else published + timedelta(weeks=6, days=late),
            )
        )
    return plans
