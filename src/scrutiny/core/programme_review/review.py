"""The review of findings: a report across a programme's published inspections, laid out
in the report's own blocks (`scrutiny.core.report_layout`), so the one renderer of each
format prints it: `render_layout_html`, `render_layout_pdf`, `render_layout_docx`.

It says what the inspections found, added up: each quality indicator's evaluations, how
often each limiter applied and the figures behind it, the records read and the surveys'
returns with the programme's key figures, whether the plans' key milestones were kept,
the themes of the published key messages and priority areas for improvement (by quality
indicator and by inspection question), and each partnership's evaluations.

Public, like the reports it is drawn from: counts of people or records are hidden as the
reports hide them (and a sum that would give away a hidden one is not shown), and it
names no internal identifier: no rule, stage or statistic id, no inspection reference.
"""

from __future__ import annotations

from collections.abc import Sequence

from scrutiny.core.programme_review.charts import (
    evaluations_chart,
    limiter_figures_table,
    limiters_table,
    partnerships_table,
    timelines_chart,
)
from scrutiny.core.programme_review.overview import ProgrammeOverview
from scrutiny.core.programme_review.themes import (
    Theme,
    ThemeGroup,
    themes_by_indicator,
    themes_by_question,
    unplaced,
)
from scrutiny.core.report import number_word
from scrutiny.core.report_figures import SUPPRESSION_NOTE, DataTable
from scrutiny.core.report_layout import (
    Block,
    Contents,
    Figure,
    Heading,
    Item,
    Items,
    Layout,
    Para,
    Table,
)
from scrutiny.core.text import counted

REVIEW_TITLE = "Review of findings"


def review_title(overview: ProgrammeOverview) -> str:
    return f"{REVIEW_TITLE}: {overview.programme.title.lower()}"


def period(years: Sequence[int]) -> str:
    """ "2019", "2018 and 2019", "2018 to 2020" (several years, as a span)."""
    if not years:
        return ""
    first, last = min(years), max(years)
    if first == last:
        return str(first)
    if len(years) == 2 and last == first + 1:
        return f"{first} and {last}"
    if sorted(years) == list(range(first, last + 1)):
        return f"{first} to {last}"
    return ", ".join(str(y) for y in sorted(years)[:-1]) + f" and {max(years)}"


def review_layout(overview: ProgrammeOverview, *, years: Sequence[int] = ()) -> Layout:
    """The review of the overview's inspections (the caller chose them: published ones,
    of the `years` asked for, all when none)."""
    title = review_title(overview)
    body = _body(overview, years)
    contents = tuple((b.anchor, b.text) for b in body if isinstance(b, Heading) and b.level == 2)
    blocks: list[Block] = [Heading(1, title), *_front_matter(overview), Contents(contents), *body]
    return Layout(title, "public", tuple(blocks))


def _front_matter(overview: ProgrammeOverview) -> list[Block]:
    words = overview.programme.report
    lead = f"{words.lead_body[0].upper()}{words.lead_body[1:]}"
    n = len(overview.inspections)
    years = period(overview.years)
    return [
        Para(
            f"Prepared by {words.lead_body} in partnership with {_and(words.partner_bodies)}.",
            "lead",
        ),
        Para(
            f"Drawn from {counted(n, 'published inspection report')}"
            + (f" of inspections that began in {years}" if years else "")
            + ".",
            "cover",
        ),
        Para(
            f"{lead} and its partners publish a report of each joint inspection. This review "
            "brings together what those reports found across the programme: the figures are "
            "the sums of the inspections' own, as their published reports give them."
        ),
    ]


def _and(names: Sequence[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _body(overview: ProgrammeOverview, years: Sequence[int]) -> list[Block]:
    if not overview.inspections:
        none = (
            f"No published inspection of this programme began in {period(years)}"
            if years
            else "No inspection of this programme is published yet"
        )
        return [
            Heading(2, "About this review", "about"),
            Para(f"{none}: there is nothing to review."),
        ]
    blocks = _about(overview)
    blocks += _evaluations(overview)
    blocks += _limiters(overview)
    blocks += _records_and_surveys(overview)
    blocks += _timelines(overview)
    blocks += _themes(overview)
    blocks += [
        Heading(2, "Each partnership's evaluations", "partnerships"),
        Para(
            "The published evaluation of each quality indicator in each partnership, on "
            f"{overview.programme.scale.title.lower()}."
        ),
        Table(partnerships_table(overview)),
    ]
    blocks += _appendix(overview)
    return blocks


def _about(overview: ProgrammeOverview) -> list[Block]:
    n = len(overview.inspections)
    returns = "; ".join(
        f"{title.lower()}: {overview.survey_returns_shown.get(sid, '')} returns"
        for sid, title, _ in overview.survey_returns
    )
    return [
        Heading(2, "About this review", "about"),
        Para(
            f"This review draws on {counted(n, 'joint inspection')} of the programme, in "
            f"{counted(len({f.partnership for f in overview.inspections}), 'community planning partnership')}. "
            f"Together the inspection teams read {overview.records_read_shown} children's "
            f"records and received survey returns ({returns})."
        ),
        Para(
            "Only published inspections are counted. An evaluation that an inspection has "
            "not made final is shown as not final."
        ),
        Para(
            f"{SUPPRESSION_NOTE} Where a sum across inspections would give away a number an "
            "inspection's report hid, the sum is not shown either. Counts of inspections "
            "are shown as they are: they are not counts of people."
        ),
    ]


def _evaluations(overview: ProgrammeOverview) -> list[Block]:
    chart = evaluations_chart(overview)
    return [
        Heading(2, "Evaluations", "evaluations"),
        Para(
            f"How the inspections evaluated each of the {number_word(len(overview.indicators))} "
            f"quality indicators, on {overview.programme.scale.title.lower()}."
        ),
        Heading(3, f"Figure 1: {chart.title}", chart.id),
        Figure(chart),
    ]


def _limiters(overview: ProgrammeOverview) -> list[Block]:
    applied = [lim for lim in overview.limiters if lim.applied]
    blocks: list[Block] = [
        Heading(2, "What limited evaluations", "limits"),
        Para(
            "A limiter caps an evaluation when the figures meet its rule: the evaluation "
            "can then be no higher than the limit it sets. How often each applied:"
        ),
        Table(limiters_table(overview)),
    ]
    if applied:
        blocks += [
            Heading(3, "The figures behind each limiter", "limit-figures"),
            Table(limiter_figures_table(overview)),
        ]
    else:
        blocks.append(Para("No limiter applied in these inspections."))
    return blocks


def _records_and_surveys(overview: ProgrammeOverview) -> list[Block]:
    rows = [("Children's records read", overview.records_read_shown)]
    rows += [
        (f"{title}: returns", overview.survey_returns_shown.get(sid, ""))
        for sid, title, _ in overview.survey_returns
    ]
    return [
        Heading(2, "Children's records and surveys", "records-and-surveys"),
        Table(
            DataTable(
                "What the inspections read and heard, added up", ("Source", "Number"), tuple(rows)
            )
        ),
        Heading(3, "Key figures", "key-figures"),
        Items(
            tuple(
                Item(f"{title}: {total.sentence}.")
                for total, title in zip(
                    overview.statistics,
                    (s.title for s in overview.programme.statistics),
                    strict=True,
                )
            )
        ),
    ]


def _timelines(overview: ProgrammeOverview) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Timelines kept or missed", "timelines")]
    if not overview.milestones or not overview.milestones[0].planned:
        return [*blocks, Para("No inspection in this review has a plan to measure against.")]
    chart = timelines_chart(overview)
    return [
        *blocks,
        Para(
            "Whether each inspection did its key milestones by the date its plan set. A "
            "milestone is kept when it was done on or before that date, and missed when it "
            "was done later or is still not done after it. The action plan is due six weeks "
            "after the report was actually published."
        ),
        Heading(3, f"Figure 2: {chart.title}", chart.id),
        Figure(chart),
    ]


def _themes(overview: ProgrammeOverview) -> list[Block]:
    n = len(overview.inspections)
    intro = Para(
        "The key messages and priority areas for improvement of the published reports. A "
        "statement bears on a quality indicator or an inspection question when the evidence "
        "it cites was gathered for it (a question's own key messages bear on that question). "
        "The same statement in several reports is listed once, with the number of "
        "inspections that made it; the most frequent come first."
    )
    blocks: list[Block] = [Heading(2, "Themes by quality indicator", "themes-by-indicator"), intro]
    groups = list(themes_by_indicator(overview))
    rest = unplaced(overview)
    if rest.key_messages or rest.priority_areas:
        groups.append(rest)
    for group in groups:
        blocks += _group(group, n)
    label = overview.programme.report.question_noun
    blocks += [Heading(2, f"Themes by {label}", "themes-by-question")]
    for group in themes_by_question(overview):
        blocks += _group(group, n)
    return blocks


def _group(group: ThemeGroup, inspections: int) -> list[Block]:
    blocks: list[Block] = [Heading(3, group.heading, group.anchor)]
    for themes, noun, nouns in (
        (group.key_messages, "Key message", "Key messages"),
        (group.priority_areas, "Priority area for improvement", "Priority areas for improvement"),
    ):
        if themes:
            caption = f"{nouns} {group.bearing}"
            blocks.append(Table(_themes_table(themes, noun, caption, inspections)))
        else:
            blocks.append(Para(f"No {noun.lower()} of a published report bears on this."))
    return blocks


def _themes_table(themes: Sequence[Theme], noun: str, caption: str, inspections: int) -> DataTable:
    return DataTable(
        caption=caption,
        headers=(noun, "Inspections that made it"),
        rows=tuple((t.text, f"{len(t.partnerships)} of {inspections}") for t in themes),
    )


def _appendix(overview: ProgrammeOverview) -> list[Block]:
    points = sorted(overview.programme.scale.points, key=lambda p: -p.value)
    return [
        Heading(2, "Appendix: the evaluation scale", "appendix-scale"),
        Table(
            DataTable(
                "The evaluation scale, best first",
                ("Evaluation", "What it means"),
                tuple((p.label, p.meaning) for p in points),
            )
        ),
    ]
