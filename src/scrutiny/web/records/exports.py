"""The results tables as CSV and XLSX, safe to open in a spreadsheet."""

import csv
import io
from collections.abc import Iterator

from scrutiny.core.methodology import Programme
from scrutiny.web.records.selectors import ResultsPage

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text starting = + - @ runs as a formula in a spreadsheet; quote it. Numbers pass."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def results_rows(*, page: ResultsPage, programme: Programme) -> Iterator[list[object]]:
    points = sorted(programme.scale.points, key=lambda p: p.value)
    yield [
        "Item id",
        "Item",
        "Care group",
        *[p.label for p in points],
        "Not applicable",
        "Rated",
        "Good or better",
        "Share good or better",
        "Weak or unsatisfactory",
        "Share weak or unsatisfactory",
    ]
    for item in page.items:
        for d in [item.overall, *item.by_group]:
            good, weak = d.good_or_better, d.weak_or_unsatisfactory
            yield [
                item.id,
                item.title,
                d.label,
                *d.counts,
                d.not_applicable,
                d.rated,
                good,
                _share(d.share(good)),
                weak,
                _share(d.share(weak)),
            ]


def _share(value: float | None) -> float | str:
    return "" if value is None else round(value, 4)


def results_csv(*, page: ResultsPage, programme: Programme) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in results_rows(page=page, programme=programme):
        writer.writerow([safe_cell(c) for c in row])
    # A byte-order mark so Excel reads the UTF-8 correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def results_xlsx(*, page: ResultsPage, programme: Programme) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Results")
    for row in results_rows(page=page, programme=programme):
        # openpyxl stores a string starting "=" as a formula; quoted, it stays text.
        sheet.append([safe_cell(c) for c in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
