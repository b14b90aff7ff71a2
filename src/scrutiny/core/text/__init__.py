"""Small rules about text shown to people."""


def counted(n: int, one: str, many: str = "") -> str:
    """ "1 record", "3 records", "2 people": a count with its noun, as pages say it."""
    return f"{n} {one if n == 1 else many or one + 's'}"
