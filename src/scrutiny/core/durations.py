"""Durations as people say them: "30 minutes", "1 hour and 30 minutes", "3 days".

Pages and messages never show ISO 8601 ("PT30M") or seconds counts.
"""

from datetime import timedelta

_UNITS = (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))


def in_words(duration: timedelta) -> str:
    """The two largest non-zero units, rounded down; "less than a minute" below one."""
    seconds = int(duration.total_seconds())
    if seconds <= 0:
        return "no time"
    parts: list[str] = []
    for name, size in _UNITS:
        count, seconds = divmod(seconds, size)
        if count and (name != "second" or not parts):
            parts.append(f"{count} {name}{'' if count == 1 else 's'}")
    if parts[0].endswith(("second", "seconds")):
        return "less than a minute"
    return " and ".join(parts[:2])
