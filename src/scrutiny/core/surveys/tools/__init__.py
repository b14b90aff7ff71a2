"""The survey tools whose exports are recognised, one module each."""

from __future__ import annotations

from collections.abc import Sequence

from scrutiny.core.surveys.tools import (
    kobotoolbox,
    limesurvey,
    microsoft_forms,
    odk,
    plain,
    qualtrics,
    surveymonkey,
)
from scrutiny.core.surveys.tools.base import Column, Layout, Status, StatusReader, Tool

TOOLS: tuple[Tool, ...] = (
    limesurvey.TOOL,
    kobotoolbox.TOOL,
    odk.TOOL,
    qualtrics.TOOL,
    surveymonkey.TOOL,
    microsoft_forms.TOOL,
)
PLAIN = plain.TOOL
BY_LAYOUT = {t.layout: t for t in (*TOOLS, PLAIN)}


def recognise(rows: Sequence[Sequence[str]]) -> tuple[Tool, float]:
    """Which tool wrote the file (from its first rows), and how sure."""
    best, best_score = PLAIN, 0.0
    for tool in TOOLS:
        score = tool.score(rows)
        if score > best_score:
            best, best_score = tool, score
    if best_score < 0.5:
        return PLAIN, 0.0
    return best, best_score


__all__ = ["BY_LAYOUT", "Column", "Layout", "PLAIN", "Status", "StatusReader", "TOOLS", "Tool"]
