"""The inspection's timetable: the programme's stages as data, and one inspection's dates.

`model` holds the shape a programme file gives its `[timetable]`; `schedule` turns it
into dates from a notification date, with the team's own changes, and says of each
stage whether it is done, in progress, due or overdue, from facts the caller supplies.
"""

from scrutiny.core.timetable.model import AskedOf, Signal, Stage, Timetable
from scrutiny.core.timetable.schedule import (
    DatedStage,
    StageStatus,
    phase_from_work,
    schedule,
)

__all__ = [
    "AskedOf",
    "DatedStage",
    "Signal",
    "Stage",
    "StageStatus",
    "Timetable",
    "phase_from_work",
    "schedule",
]
