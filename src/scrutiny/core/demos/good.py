"""The default demo's report beyond its statements: a partnership doing well, with two
indicators capped by a care group's adequate wellbeing. Every sentence is invented."""

from __future__ import annotations

from typing import Any

from scrutiny.core.demos.common import TEAM, key_facts, statement

s = statement

PROSE: dict[int, list[dict[str, Any]]] = {
    1: [
        s(
            "Q1-P1",
            "Staff across services were confident in recognising when a child or young person might need protection. Police, health and social work staff described a shared understanding of the signs of abuse and neglect and of how to raise a concern. In most of the records we read, concerns were passed on promptly and inter-agency referral discussions were held without delay, with each service contributing what it knew about the child.",
            [1, 2],
        ),
        s(
            "Q1-P2",
            "The quality of chronologies was not consistent. Several listed events without analysing what they meant for the child, which made it harder for staff to see patterns of risk building over time. The partnership's own self-evaluation had identified the need for more consistent risk assessment across localities, and work to improve it had begun.",
            [3, 4],
        ),
    ],
    2: [
        s(
            "Q2-P1",
            "Most children and young people we heard from had an adult they trusted and could talk to when they were worried. Parents and carers who answered our survey mostly said that staff listened to them and that their child was safer because of the help they received. Core group meetings we observed were well chaired, and children's views were brought into them by advocacy workers.",
            [5, 7, 9],
        ),
        s(
            "Q2-P2",
            "Children who had experienced neglect were helped to recover through therapeutic support, but some waited too long for specialist mental health services. Children's plans did not always set out clear, measurable actions, which made it hard for reviews to judge whether things were getting better for the child.",
            [6, 10],
        ),
    ],
    3: [
        s(
            "Q3-P1",
            "Young people living in residential houses told us they felt cared for by staff who stayed with them for a long time. Placement stability for children in foster care had improved over three years, and a virtual school head teacher tracked the attendance and attainment of looked after children, whose results were improving.",
            [11, 12, 15],
        ),
        s(
            "Q3-P2",
            "Planning for permanence was too slow for some children looked after at home: decisions about their futures were delayed for more than a year. Kinship carers told us they wanted more practical and financial support and quicker access to help when they needed it.",
            [13, 14],
        ),
    ],
    4: [
        s(
            "Q4-P1",
            "Aftercare workers kept in touch with care experienced young people and helped them find and keep their first tenancy. Care experienced young people sat on the corporate parenting board and had influenced the council's housing policy.",
            [16, 19],
        ),
        s(
            "Q4-P2",
            "Fewer care leavers were in education, training or employment nine months after leaving care than the national average. Pathway planning often started late, leaving young people little time to prepare for moving on.",
            [17, 18],
        ),
    ],
    5: [
        s(
            "Q5-P1",
            "Chief officers shared a clear vision for vulnerable children, which had shaped the integrated children's services plan. Staff said senior leaders were visible and approachable, and managers described a culture of learning in which learning reviews led to changes in practice guidance.",
            [20, 21, 23],
        ),
        s(
            "Q5-P2",
            "Performance reports to the chief officers group focused on processes and said little about outcomes for children. Leaders did not yet know enough about the difference their services made to children's lives.",
            [22],
        ),
    ],
}


def extend(report: dict[str, Any]) -> dict[str, Any]:
    """The default demo report with every part a published report has."""
    context = report.pop("context")
    report.update(
        {
            "context": [],
            "publication_date": "2019-10-15",
            "key_facts": key_facts(
                children="27,412",
                register="96",
                looked_after={
                    "at home with parents": "118",
                    "with kinship carers": "142",
                    "with foster carers": "171",
                    "in residential care": "37",
                },
            ),
            "team": TEAM,
            "geography_and_demography": [context[0]],
            "social_and_economic": [
                s(
                    "C-3",
                    "Around one child in five lives in a household with low income. Deprivation is concentrated in two towns, while rural families can be far from services.",
                    [24],
                )
            ],
            "the_partnership": [context[1]],
            "summary_strengths": [
                s(
                    "SS-1",
                    "Staff across services recognised and responded promptly when children needed protection.",
                    [1, 2],
                ),
                s(
                    "SS-2",
                    "Most children and young people had a trusted adult, and young people in residential care felt cared for.",
                    [5, 11],
                ),
                s(
                    "SS-3",
                    "Leaders shared a clear vision for vulnerable children and promoted a culture of learning.",
                    [20, 23],
                ),
            ],
            "priority_areas": [
                s(
                    "PA-1",
                    "Improve the quality of chronologies and children's plans, so that risks and progress are clear.",
                    [3, 10],
                ),
                s(
                    "PA-2",
                    "Make timely decisions about permanence for children looked after at home.",
                    [13],
                ),
                s(
                    "PA-3",
                    "Measure and report the difference services make to outcomes for children and young people.",
                    [22],
                ),
            ],
        }
    )
    for q in report["questions"]:
        q["prose"] = PROSE[q["question"]]
    return report
