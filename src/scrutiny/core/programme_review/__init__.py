"""The picture across a whole programme: each inspection's published figures, added up.

Framework-free like the rest of the core. The web app feeds it each inspection's bundle
(the same path `scrutiny evaluate` takes), so the overview's figures are, by
construction, the sums of the inspections' own.
"""

from scrutiny.core.programme_review.figures import (
    AppliedLimiter,
    InspectionFigures,
    inspection_figures,
)
from scrutiny.core.programme_review.open_data import DATA_DICTIONARY, open_data_rows
from scrutiny.core.programme_review.overview import (
    IndicatorDistribution,
    LimiterFrequency,
    ProgrammeOverview,
    StatisticTotal,
    programme_overview,
)

__all__ = [
    "DATA_DICTIONARY",
    "AppliedLimiter",
    "IndicatorDistribution",
    "InspectionFigures",
    "LimiterFrequency",
    "ProgrammeOverview",
    "StatisticTotal",
    "inspection_figures",
    "open_data_rows",
    "programme_overview",
]
