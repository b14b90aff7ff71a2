"""The programme-wide overview and its open data, for programme managers and
administrators. Aggregates only: nothing here links to an inspection's own pages."""

import csv
import io

import orjson
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from scrutiny.core.programme_review import DATA_DICTIONARY, open_data_rows
from scrutiny.core.programme_review.charts import (
    evaluations_chart,
    limiters_table,
    partnerships_table,
)
from scrutiny.core.report_charts import chart_svg
from scrutiny.web.downloads import name_download
from scrutiny.web.programmes.selectors import (
    access_programme_by_id,
    overview_for,
    parse_years,
    programme_list,
)
from scrutiny.web.rules import programme_reader


@programme_reader
def programme_list_view(request: HttpRequest) -> HttpResponse:
    return render(request, "programmes/list.html", {"programmes": programme_list()})


@programme_reader
def overview_view(request: HttpRequest, programme_id: str) -> HttpResponse:
    programme = access_programme_by_id(programme_id=programme_id)
    years = parse_years(request.GET.getlist("year"))
    # Evaluations are public once published; before that only administrators may look.
    unpublished = request.user.is_administrator and request.GET.get("unpublished") == "on"
    overview, all_years = overview_for(
        programme=programme, years=years, include_unpublished=unpublished
    )
    chart = evaluations_chart(overview) if overview.inspections else None
    return render(
        request,
        "programmes/overview.html",
        {
            "programme": programme,
            "overview": overview,
            "all_years": all_years,
            "years": years,
            "unpublished": unpublished,
            "chart": chart,
            "chart_svg": chart_svg(chart) if chart else "",
            "limiters": limiters_table(overview),
            "partnerships": partnerships_table(overview),
        },
    )


@programme_reader
def open_data_view(request: HttpRequest, programme_id: str, fmt: str) -> HttpResponse:
    """Published evaluations by partnership, as CSV or JSON with its data dictionary."""
    programme = access_programme_by_id(programme_id=programme_id)
    overview, _ = overview_for(programme=programme)
    rows = open_data_rows(overview)
    name = f"evaluations-{programme.short_title.lower().replace(' ', '-')}"
    if fmt == "json":
        body = orjson.dumps(
            {"programme": programme.title, "dictionary": DATA_DICTIONARY, "rows": rows},
            option=orjson.OPT_INDENT_2,
        )
        response = HttpResponse(body, content_type="application/json")
        name_download(response, f"{name}.json")
        return response
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(DATA_DICTIONARY), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv")
    name_download(response, f"{name}.csv")
    return response


@programme_reader
def data_dictionary_view(request: HttpRequest, programme_id: str) -> HttpResponse:
    programme = access_programme_by_id(programme_id=programme_id)
    return render(
        request,
        "programmes/data_dictionary.html",
        {"programme": programme, "dictionary": DATA_DICTIONARY},
    )
