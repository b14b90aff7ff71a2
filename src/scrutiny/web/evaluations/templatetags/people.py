"""People by their full name on every page, whatever the row stored (a username)."""

from django import template

from scrutiny.web.accounts.selectors import full_names

register = template.Library()


@register.filter
def full_name(username: str) -> str:
    """'Alex Morgan' for 'amorgan'; the username when no name is set, or when the
    person's account is gone (imported rows keep what the file said)."""
    if not username:
        return ""
    return full_names(usernames=[username])[username]
