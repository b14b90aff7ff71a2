"""What every demo report carries besides its statements: the area's key facts and the
inspection team. Every figure is invented for a synthetic area."""

from __future__ import annotations

from typing import Any

TEAM: list[dict[str, Any]] = [
    {"role": "Lead inspector", "body": "Care Inspectorate", "number": 1},
    {"role": "Inspector", "body": "Care Inspectorate", "number": 5},
    {"role": "Inspector", "body": "Education Scotland", "number": 1},
    {"role": "Inspector", "body": "Healthcare Improvement Scotland", "number": 2},
    {
        "role": "Inspector",
        "body": "His Majesty's Inspectorate of Constabulary in Scotland",
        "number": 1,
    },
    {"role": "Young inspection volunteer", "body": "Care Inspectorate", "number": 2},
    {"role": "Associate assessor", "body": "Care Inspectorate", "number": 2},
]


def key_facts(
    *, children: str, register: str, looked_after: dict[str, str]
) -> list[dict[str, Any]]:
    facts = [
        {
            "figure": "Children and young people aged 0 to 17",
            "value": children,
            "source": "National Records of Scotland, mid-year population estimates",
            "date": "mid-2018",
        },
        {
            "figure": "Children on the child protection register",
            "value": register,
            "source": "Scottish Government, children's social work statistics",
            "date": "31 July 2018",
        },
    ]
    facts += [
        {
            "figure": f"Looked after children: {setting}",
            "value": value,
            "source": "Scottish Government, children's social work statistics",
            "date": "31 July 2018",
        }
        for setting, value in looked_after.items()
    ]
    return facts


def statement(sid: str, text: str, evidence: list[int], plain: str | None = None) -> dict[str, Any]:
    return {"id": sid, "text": text, "evidence": [f"E-{n:03d}" for n in evidence], "plain": plain}
