"""Demo scenario 2: a partnership with serious weaknesses, following the evaluations a
published report of the 2018-20 programme gave (Orkney, February 2020): leadership and
direction unsatisfactory, 1.1 and 2.1 weak, 2.2 adequate. The area, its figures and
every sentence are invented; the shape of the findings follows that report's.

The figures agree with the evaluations: the children's records read are rated lower,
a significant concern is recorded as a serious failing (so 2.1 is limited to weak), and
two care groups' wellbeing is evaluated weak or adequate.
"""

from __future__ import annotations

from typing import Any

from scrutiny.core.demos.common import TEAM, key_facts, statement

PARTNERSHIP = "Northshire Islands"
QUALITY = 3.4  # the mean rating of a child's services, on the scale (the default is 4.1)
IMMEDIATE_RESPONSE_SHIFT = -0.5  # the immediate response was rated lower still
FEEL_SAFE_WEIGHTS = [62, 24, 9, 5]  # yes, mostly, no, not sure
GROUP_EVALUATIONS = {
    "looked_after_at_home": "weak",
    "kinship_care": "adequate",
    "foster_care": "adequate",
    "residential": "good",
    "short_breaks": "good",
    "aftercare": "adequate",
}
PROPOSED = {"1.1": "weak", "2.1": "weak", "2.2": "adequate", "9": "unsatisfactory"}
CONCERNS = [
    {
        "id": "SC-1",
        "summary": "Child protection concerns about children at risk of neglect were not always passed on or acted on.",
        "serious_failing": True,
    },
    {
        "id": "SC-2",
        "summary": "Chief officers had not acted on the findings of an earlier significant case review.",
        "serious_failing": False,
    },
]

# (source, text, questions, indicators, kind), numbered E-001 ... in this order.
EVIDENCE: list[tuple[str, str, list[int], list[str], str]] = [
    (
        "record_reading",
        "In a number of records read, concerns about neglect were recorded by one service but not passed on to social work.",
        [1],
        ["5.2", "2.1"],
        "area_for_development",
    ),
    (
        "record_reading",
        "Inter-agency referral discussions were not always held when they should have been, and some were recorded only as a note of a phone call.",
        [1],
        ["5.2"],
        "area_for_development",
    ),
    (
        "focus_group",
        "Police officers and health visitors described good working relationships and knew how to raise a concern out of hours.",
        [1],
        ["5.2", "7.1"],
        "strength",
    ),
    (
        "record_reading",
        "Risk assessments were absent or out of date in almost half the records of children on the child protection register.",
        [1, 2],
        ["5.2"],
        "area_for_development",
    ),
    (
        "engagement",
        "Children told young inspection volunteers that they liked their carers and teachers, but several did not know who their social worker was.",
        [2],
        ["2.1"],
        "area_for_development",
    ),
    (
        "survey",
        "Most parents and carers who answered said staff were kind, but fewer said they got help when they needed it.",
        [2],
        ["2.2"],
        "area_for_development",
    ),
    (
        "record_reading",
        "Children's plans were often lists of meetings rather than actions, and few were reviewed when circumstances changed.",
        [2, 3],
        ["5.3"],
        "area_for_development",
    ),
    (
        "observation",
        "A school-based nurture group observed helped children who had experienced trauma to feel calm and ready to learn.",
        [2],
        ["2.1", "5.4"],
        "strength",
    ),
    (
        "document",
        "Staff turnover in children's social work was high: nearly a third of posts had changed hands in the year before the inspection.",
        [2, 5],
        ["7.1"],
        "area_for_development",
    ),
    (
        "engagement",
        "Young people in the residential house said staff listened to them and that they felt at home there.",
        [3],
        ["2.1"],
        "strength",
    ),
    (
        "meeting",
        "Permanence decisions for children looked after at home were delayed, some for more than two years.",
        [3],
        ["5.3", "6.1"],
        "area_for_development",
    ),
    (
        "survey",
        "Kinship and foster carers said support was hard to get, especially on the outer islands.",
        [3],
        ["2.2", "8.1"],
        "area_for_development",
    ),
    (
        "document",
        "Attendance of looked after children at school had improved, though attainment remained below that of their peers.",
        [3],
        ["1.1"],
        "strength",
    ),
    (
        "engagement",
        "Care leavers described aftercare workers who went out of their way to help, but said help stopped abruptly at 21.",
        [4],
        ["2.1"],
        "strength",
    ),
    (
        "document",
        "Few care leavers had a pathway plan, and the council had no clear picture of how many were entitled to continuing care.",
        [4],
        ["5.3", "6.2"],
        "area_for_development",
    ),
    (
        "meeting",
        "Housing staff had set aside tenancies for care leavers and offered them support to keep them.",
        [4],
        ["8.1"],
        "strength",
    ),
    (
        "meeting",
        "Chief officers did not share a common understanding of their collective responsibility for protecting children.",
        [5],
        ["9.2"],
        "area_for_development",
    ),
    (
        "document",
        "The child protection committee had not met for six months, and its improvement plan had not been updated since a significant case review.",
        [5],
        ["9.4", "6.4"],
        "area_for_development",
    ),
    (
        "survey",
        "Fewer than half of staff who answered said senior leaders were visible or that they understood the partnership's vision.",
        [5],
        ["9.1", "9.3"],
        "area_for_development",
    ),
    (
        "focus_group",
        "Front-line managers were committed and supportive of their staff, and worked hard to cover vacant posts.",
        [5],
        ["9.3", "7.2"],
        "strength",
    ),
    (
        "position_statement",
        "The islands have about 22,000 people, a fifth of them on islands reached only by ferry or plane.",
        [1, 2, 3, 4, 5],
        [],
        "context",
    ),
    (
        "position_statement",
        "The partnership has a new chief social work officer and an interim head of children's services.",
        [5],
        ["9.2"],
        "context",
    ),
]

s = statement


def report_section() -> dict[str, Any]:
    return {
        "status": "draft",
        "publication_date": "2020-02-18",
        "key_facts": key_facts(
            children="3,836",
            register="21",
            looked_after={
                "at home with parents": "12",
                "with kinship carers": "9",
                "with foster carers": "17",
                "in residential care": "8",
            },
        ),
        "team": TEAM,
        "context": [],
        "geography_and_demography": [
            s(
                "C-1",
                "Northshire Islands is a group of about seventy islands, twenty of them inhabited. About 22,000 people live there, and about 3,800 of them are children and young people under 18. One person in five lives on an island reached from the main town only by ferry or plane, and some services are provided on the mainland.",
                [21],
            ),
        ],
        "social_and_economic": [
            s(
                "C-2",
                "Employment is high, but many jobs are seasonal or part time and living costs are higher than on the mainland. Fuel poverty is among the highest in Scotland. Child poverty is lower than the national average but is hidden in small, scattered communities.",
                [21],
            ),
        ],
        "the_partnership": [
            s(
                "C-3",
                "The council, the NHS board and Police Scotland lead the community planning partnership with the third sector. Its chief officers group and child protection committee oversee services for children in need of care and protection. At the time of the inspection the partnership had a new chief social work officer and an interim head of children's services.",
                [22],
            ),
        ],
        "key_messages": [
            s(
                "K-1",
                "Children and young people were not always protected when they needed to be, because concerns were not consistently passed on, assessed and acted on.",
                [1, 2, 4],
                "Some children were not kept safe quickly enough. Worries about them were not always passed on.",
            ),
            s(
                "K-2",
                "Many children and young people had caring adults in their lives, and those in residential care felt at home, but too many plans did not lead to change.",
                [5, 7, 10],
                "Many children have caring adults. But plans to help them did not always make things better.",
            ),
            s(
                "K-3",
                "Chief officers did not provide the collective leadership needed to keep children safe and to improve services.",
                [17, 18],
                "The people in charge did not work together well enough to keep children safe.",
            ),
        ],
        "summary_strengths": [
            s(
                "SS-1",
                "Police officers and health visitors worked well together and knew how to raise a concern.",
                [3],
            ),
            s("SS-2", "Young people in residential care felt listened to and at home.", [10]),
            s(
                "SS-3",
                "Aftercare workers and housing staff went out of their way to help care leavers.",
                [14, 16],
            ),
            s(
                "SS-4",
                "Front-line managers were committed and supported their staff through a difficult period.",
                [20],
            ),
        ],
        "priority_areas": [
            s(
                "PA-1",
                "Make sure that concerns about children are shared, assessed and acted on, so that children are protected.",
                [1, 2],
            ),
            s(
                "PA-2",
                "Improve the quality of risk assessments and children's plans, and review plans when circumstances change.",
                [4, 7],
            ),
            s(
                "PA-3",
                "Make timely decisions about permanence for children looked after at home.",
                [11],
            ),
            s(
                "PA-4",
                "Give care leavers pathway plans and the continuing care they are entitled to.",
                [15],
            ),
            s(
                "PA-5",
                "Chief officers should lead collectively, with clear governance, oversight of performance and a shared plan for improvement.",
                [17, 18, 19],
            ),
        ],
        "progress_review": {
            "intention": "The Care Inspectorate and its partners will carry out a progress review of the partnership's work on the priority areas for improvement",
            "timescale": "within twelve months of the publication of this report",
        },
        "questions": [
            {
                "question": 1,
                "key_messages": [
                    s(
                        "Q1-K1",
                        "Staff did not consistently recognise and respond to concerns about neglect, and some children were left at risk for too long.",
                        [1, 2],
                        "Some children were not kept safe quickly enough when they were neglected.",
                    ),
                ],
                "prose": [
                    s(
                        "Q1-P1",
                        "Police officers, health visitors and school staff were confident about how to raise a concern about a child, including out of hours. They described good working relationships with each other, and in some records we read, a concern raised by a school or a health visitor led quickly to an inter-agency referral discussion and to action that kept a child safe. Where this happened, it was because individual staff knew each other well and took responsibility.",
                        [3],
                    ),
                    s(
                        "Q1-P2",
                        "This was not consistent. In a number of the records we read, concerns about neglect were recorded by one service but were not passed on to social work, or were passed on but not acted on. Inter-agency referral discussions were not always held when they should have been; some were recorded only as a note of a phone call, with no record of what was decided, by whom, or why. As a result, some children were left in situations of risk for longer than they should have been.",
                        [1, 2],
                    ),
                    s(
                        "Q1-P3",
                        "The immediate response to child protection concerns was weaker than in other partnerships we have inspected. A significant concern, that child protection concerns about children at risk of neglect were not always passed on or acted on, was recorded as a serious failing in the partnership's systems, processes and practice. We reported it to the partnership's chief officers during the inspection, and they took immediate steps to review the children concerned.",
                        [1, 2],
                    ),
                    s(
                        "Q1-P4",
                        "Risk assessments were absent or out of date in almost half the records of children on the child protection register. Where assessments had been completed, few analysed the risks to the child or drew on the chronology, and few considered the cumulative impact of neglect. Staff told us that the lack of a shared approach to assessing risk made it hard to agree when a concern should lead to a child protection investigation.",
                        [4],
                    ),
                ],
                "strengths": [
                    s(
                        "Q1-S1",
                        "Police officers and health visitors worked well together and knew how to raise a concern out of hours.",
                        [3],
                    ),
                ],
                "areas_for_development": [
                    s(
                        "Q1-A1",
                        "Concerns about neglect were not always passed on to social work, or acted on when they were.",
                        [1],
                    ),
                    s(
                        "Q1-A2",
                        "Inter-agency referral discussions were not always held or recorded.",
                        [2],
                    ),
                    s(
                        "Q1-A3",
                        "Risk assessments were absent or out of date for too many children on the child protection register.",
                        [4],
                    ),
                ],
            },
            {
                "question": 2,
                "key_messages": [
                    s(
                        "Q2-K1",
                        "Many children had caring adults around them, but the help they received was not well planned, and too few plans led to lasting change.",
                        [5, 7],
                        "Many children have caring adults. But help was not always planned well.",
                    ),
                ],
                "prose": [
                    s(
                        "Q2-P1",
                        "Many children and young people told us about adults who cared about them: carers, teachers, health staff and youth workers. A school-based nurture group we observed helped children who had experienced trauma to feel calm and ready to learn, and teachers described its effect on children's attendance and behaviour. These relationships were an important protective factor for children in small communities.",
                        [8],
                    ),
                    s(
                        "Q2-P2",
                        "However, several children told young inspection volunteers that they did not know who their social worker was, or that their social worker had changed several times. Staff turnover in children's social work was high: nearly a third of posts had changed hands in the year before the inspection. Children and families told us that they had to tell their story again each time a worker changed, and some had stopped trusting that help would last.",
                        [5, 9],
                    ),
                    s(
                        "Q2-P3",
                        "Children's plans were often lists of meetings rather than actions. Few said what would change for the child, who would do what, or by when, and few were reviewed when a child's circumstances changed. Core groups met regularly but spent much of their time sharing information rather than checking whether the child was safer. This made it hard for anyone to know whether the help children received was making a difference.",
                        [7],
                    ),
                    s(
                        "Q2-P4",
                        "Most parents and carers who answered our survey said staff were kind and treated them with respect, but fewer said they got help when they needed it. Some families on the outer islands said specialist help, such as mental health support for children, meant a long journey or a long wait. We evaluated the impact on families as adequate: there were strengths, but they only just outweighed the weaknesses.",
                        [6, 12],
                    ),
                ],
                "strengths": [
                    s(
                        "Q2-S1",
                        "A school-based nurture group helped children who had experienced trauma to feel calm and ready to learn.",
                        [8],
                    ),
                    s(
                        "Q2-S2",
                        "Most parents and carers who answered our survey said staff were kind and respectful.",
                        [6],
                    ),
                ],
                "areas_for_development": [
                    s(
                        "Q2-A1",
                        "Children's plans did not set out clear actions and were not reviewed when circumstances changed.",
                        [7],
                    ),
                    s(
                        "Q2-A2",
                        "Frequent changes of social worker made it hard for children and families to build trusting relationships.",
                        [5, 9],
                    ),
                ],
            },
            {
                "question": 3,
                "key_messages": [
                    s(
                        "Q3-K1",
                        "Young people in residential care felt at home, but children looked after at home waited too long for decisions about their futures.",
                        [10, 11],
                        "Young people in the children's house feel at home. But some children waited too long to know where they will live.",
                    ),
                ],
                "prose": [
                    s(
                        "Q3-P1",
                        "Young people in the residential house told us that staff listened to them and that they felt at home there. Staff knew the young people well and had helped several of them to return to school and to keep in touch with their families. We evaluated the wellbeing of young people in residential care as good.",
                        [10],
                    ),
                    s(
                        "Q3-P2",
                        "Children looked after at home did less well. Permanence decisions were delayed, some for more than two years, and several children had experienced repeated periods of being looked after and returning home without a plan for their future. We evaluated the wellbeing of children looked after at home as weak, and that of children in kinship and foster care as adequate.",
                        [11],
                    ),
                    s(
                        "Q3-P3",
                        "Kinship and foster carers said support was hard to get, especially on the outer islands, where carers could wait weeks for a visit and had little access to training or respite. The partnership had too few foster carers to give children a choice of placement on the islands, and some children had to move to the mainland.",
                        [12],
                    ),
                    s(
                        "Q3-P4",
                        "The attendance of looked after children at school had improved over three years, and education staff tracked their progress closely. Their attainment remained below that of their peers, and the gap had not narrowed.",
                        [13],
                    ),
                ],
                "strengths": [
                    s(
                        "Q3-S1",
                        "Young people in residential care felt listened to and at home.",
                        [10],
                    ),
                    s(
                        "Q3-S2",
                        "The school attendance of looked after children had improved.",
                        [13],
                    ),
                ],
                "areas_for_development": [
                    s(
                        "Q3-A1",
                        "Permanence decisions for children looked after at home were delayed, some for more than two years.",
                        [11],
                    ),
                    s(
                        "Q3-A2",
                        "Kinship and foster carers needed better access to support, especially on the outer islands.",
                        [12],
                    ),
                ],
            },
            {
                "question": 4,
                "key_messages": [
                    s(
                        "Q4-K1",
                        "Care leavers were helped by committed workers, but few had a pathway plan, and the partnership did not know how many were entitled to continuing care.",
                        [14, 15],
                        "Workers help young people leaving care. But most did not have a plan for leaving care.",
                    ),
                ],
                "prose": [
                    s(
                        "Q4-P1",
                        "Care leavers described aftercare workers who went out of their way to help them, and housing staff had set aside tenancies for care leavers, with support to keep them. Young people valued being able to stay in touch with workers they knew.",
                        [14, 16],
                    ),
                    s(
                        "Q4-P2",
                        "Few care leavers had a pathway plan, and those that existed were often written shortly before the young person left care. The council had no clear picture of how many young people were entitled to continuing care or aftercare, and several young people told us help stopped abruptly when they reached 21.",
                        [14, 15],
                    ),
                    s(
                        "Q4-P3",
                        "The partnership had not yet planned how it would meet its duties to care leavers as corporate parents. Young people had few chances to influence the services they received, and the corporate parenting group had not met with care experienced young people in the year before the inspection.",
                        [15],
                    ),
                ],
                "strengths": [
                    s(
                        "Q4-S1",
                        "Aftercare workers and housing staff went out of their way to help care leavers.",
                        [14, 16],
                    ),
                ],
                "areas_for_development": [
                    s("Q4-A1", "Few care leavers had a pathway plan.", [15]),
                    s(
                        "Q4-A2",
                        "The partnership did not know how many young people were entitled to continuing care or aftercare.",
                        [15],
                    ),
                ],
            },
            {
                "question": 5,
                "key_messages": [
                    s(
                        "Q5-K1",
                        "Chief officers had not provided collective leadership, governance or oversight of services for children in need of care and protection.",
                        [17, 18],
                        "The people in charge did not work together well enough, or check that children were safe.",
                    ),
                ],
                "prose": [
                    s(
                        "Q5-P1",
                        "Chief officers did not share a common understanding of their collective responsibility for protecting children. They had not set a clear vision for children in need of care and protection, and fewer than half of staff who answered our survey said senior leaders were visible or that they understood the partnership's vision.",
                        [17, 19],
                    ),
                    s(
                        "Q5-P2",
                        "Governance was weak. The child protection committee had not met for six months before the inspection, and its improvement plan had not been updated since a significant case review. Chief officers had not acted on that review's findings. Performance information reported to chief officers was limited, and they could not tell us whether services were keeping children safe.",
                        [18],
                    ),
                    s(
                        "Q5-P3",
                        "High staff turnover and vacant posts had placed front-line services under pressure. Front-line managers were committed and supportive of their staff, and worked hard to cover vacant posts, but without direction from senior leaders their efforts could not bring about the change needed.",
                        [9, 20],
                    ),
                    s(
                        "Q5-P4",
                        "The partnership's new chief social work officer and interim head of children's services had begun to address these weaknesses, and chief officers accepted our findings. They will need to act quickly and together to give staff the direction, support and oversight they need to keep children safe.",
                        [22],
                    ),
                ],
                "strengths": [
                    s(
                        "Q5-S1",
                        "Front-line managers were committed and supported their staff.",
                        [20],
                    ),
                ],
                "areas_for_development": [
                    s(
                        "Q5-A1",
                        "Chief officers did not share an understanding of their collective responsibility for protecting children.",
                        [17],
                    ),
                    s(
                        "Q5-A2",
                        "The child protection committee had not met for six months and had not acted on a significant case review.",
                        [18],
                    ),
                    s(
                        "Q5-A3",
                        "Senior leaders were not visible to staff and had not communicated a clear vision.",
                        [19],
                    ),
                ],
            },
        ],
    }
