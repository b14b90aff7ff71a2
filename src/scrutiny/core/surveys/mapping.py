"""Proposing which column holds which survey item, the respondent id and the care group.

Columns are named as ``SurveyFile.columns`` names them (header text; a repeated header
with its column letter), so a file with two columns headed alike can still be mapped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from pydantic import BaseModel, ConfigDict

from scrutiny.core.surveys.definitions import SurveyDefinition
from scrutiny.core.surveys.tools import Column, Layout, Tool

# Headers people give the care-group question (normalised).
_CARE_GROUP_HEADERS = frozenset(
    "care group|caregroup|care setting|living situation|placement|placement type|type of care"
    "|care type|where do you live now|care status".split("|")
)
_MIN_SIMILARITY = 0.75


def norm(text: str) -> str:
    """Compare labels and answers ignoring case, punctuation, markup and spacing."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"<[^>]*>", " ", text)  # LimeSurvey exports question HTML as is
    text = re.sub(r"['\u2018\u2019`]", "", text)  # don't -> dont
    return re.sub(r"[\W_]+", " ", text).strip()


class ColumnMapping(BaseModel):
    """Which file column holds what, by the column's name.

    The web layer stores one per survey (``model_dump_json``) and offers it again
    when a later export has the same columns; the CLI reads it from ``--mapping``.
    """

    model_config = ConfigDict(frozen=True)

    items: dict[str, str]  # file column -> survey item id
    respondent: str | None = None  # None: respondents are numbered by row
    care_group: str | None = None


@dataclass(frozen=True)
class ProposedMapping:
    layout: Layout
    mapping: ColumnMapping
    # 1.0: the layout was recognised and every item matched its column exactly; the
    # web layer asks the inspector to confirm anything less.
    confidence: float
    item_scores: dict[str, float]  # item id -> how well its column matched
    unmapped_items: list[str]  # survey items with no column
    unmapped_columns: list[str]  # columns that are neither a question nor metadata
    personal: list[str]  # columns of personal data, proposed to be left out

    def refusal(self, survey: SurveyDefinition) -> str:
        """Why the columns cannot be imported without a confirmed mapping, in full."""
        texts = {i.id: i.text for i in survey.items}
        parts = []
        if self.unmapped_items:
            parts.append(
                "no column found for "
                + "; ".join(f"'{texts.get(i, i)}'" for i in self.unmapped_items)
            )
        approximate = [
            f"'{column}' for '{texts.get(item, item)}'"
            for column, item in self.mapping.items.items()
            if self.item_scores.get(item, 0) < 1.0
        ]
        if approximate:
            parts.append("matched only approximately: " + "; ".join(approximate))
        if self.unmapped_columns:
            parts.append(
                "the file's columns not matched: "
                + ", ".join(f"'{c}'" for c in self.unmapped_columns[:30])
                + (
                    f" and {len(self.unmapped_columns) - 30} more"
                    if len(self.unmapped_columns) > 30
                    else ""
                )
            )
        if self.layout is Layout.UNKNOWN:
            parts.append("the file's layout was not recognised")
        detail = "; ".join(parts) or "the columns were not recognised"
        return (
            f"The columns could not all be matched to the survey's questions automatically "
            f"({detail}). Confirm the column mapping."
        )


def propose_mapping(
    columns: Sequence[Column], survey: SurveyDefinition, tool: Tool, recognised: float
) -> ProposedMapping:
    """Match columns to the survey's items; propose the respondent and care-group columns."""
    by_key: dict[str, Column] = {}
    for c in columns:
        by_key.setdefault(tool.column_key(c.header), c)
    respondent = next(
        (by_key[name].name for name in tool.respondent if name in by_key and by_key[name].header),
        None,
    )
    personal = [c.name for c in columns if c.header and tool.is_personal(c)]
    care_group = next(
        (
            c.name
            for c in columns
            if c.header
            and not tool.is_metadata(c)
            and _CARE_GROUP_HEADERS & {norm(k) for k in tool.keys(c)}
        ),
        None,
    )
    candidates: list[tuple[float, int, str, str]] = []  # (score, position, column, item id)
    questions = []
    for column in columns:
        if not column.header or column.name in (respondent, care_group):
            continue
        if tool.is_metadata(column) or column.name in personal:
            continue
        keys = [k for k in (norm(k) for k in tool.keys(column)) if k]
        if not keys:
            continue  # only markup or punctuation (say "<br>"): nothing to match it by
        questions.append(column.name)
        for item in survey.items:
            targets = {norm(item.id), norm(item.text)}
            if targets & set(keys):
                score = 1.0
            else:
                score = max(
                    SequenceMatcher(None, key, target).ratio() for key in keys for target in targets
                )
            if score >= _MIN_SIMILARITY:
                candidates.append((score, column.index, column.name, item.id))

    # Best matches first, each column and item used once, so two similar questions
    # ("Do you feel safe?", "Do you feel listened to?") cannot claim the same column.
    items: dict[str, str] = {}
    scores: dict[str, float] = {}
    for score, _, column_name, item_id in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if column_name in items or item_id in scores:
            continue
        items[column_name] = item_id
        scores[item_id] = round(score, 3)

    ids = [item.id for item in survey.items]
    unmapped_items = [i for i in ids if i not in scores]
    unmapped_columns = [c for c in questions if c not in items]
    item_confidence = sum(scores.values()) / len(ids) if ids else 0.0
    known_layout = 1.0 if tool.layout is not Layout.UNKNOWN else 0.9
    confidence = round(item_confidence * known_layout * (recognised or 1.0), 3)
    return ProposedMapping(
        layout=tool.layout,
        mapping=ColumnMapping(items=items, respondent=respondent, care_group=care_group),
        confidence=confidence,
        item_scores=scores,
        unmapped_items=unmapped_items,
        unmapped_columns=unmapped_columns,
        personal=personal,
    )
