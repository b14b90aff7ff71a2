from datetime import timedelta

from django import template

from scrutiny.core.durations import in_words as _in_words

register = template.Library()


@register.filter
def in_words(duration: timedelta | None) -> str:
    """A timedelta as people say it ("30 minutes"), never "PT30M"."""
    return _in_words(duration) if duration is not None else ""
