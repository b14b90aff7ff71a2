"""Template source checks that no page test would notice until a person reads the page."""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "scrutiny" / "web" / "templates"


def test_no_template_comment_spans_lines() -> None:
    # Django's {# #} comments end at the line's end: one spanning lines is printed on the
    # page as text. Longer comments need {% comment %}.
    spanning = []
    for path in TEMPLATES.rglob("*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            opened = line.rfind("{#")
            if opened != -1 and "#}" not in line[opened:]:
                spanning.append(f"{path.relative_to(TEMPLATES)}:{number}")
    assert spanning == []
