from datetime import timedelta

import pytest

from scrutiny.core.durations import in_words


@pytest.mark.parametrize(
    ("duration", "words"),
    [
        (timedelta(minutes=30), "30 minutes"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(hours=1, minutes=30), "1 hour and 30 minutes"),
        (timedelta(days=3), "3 days"),
        (timedelta(days=1, hours=2, minutes=5), "1 day and 2 hours"),
        (timedelta(seconds=59), "less than a minute"),
        (timedelta(0), "no time"),
    ],
)
def test_it_says_a_duration_in_words(duration: timedelta, words: str) -> None:
    assert in_words(duration) == words
