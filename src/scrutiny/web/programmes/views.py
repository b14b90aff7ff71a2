"""The programme-wide overview and its open data, for programme managers and
administrators. Aggregates only: nothing here links to an inspection's own pages."""

import csv
import io
from urllib.parse import urlencode

import orjson
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from scrutiny.core.programme_review import DATA_DICTIONARY, open_data_rows
from scrutiny.core.programme_review.charts import (
    evaluations_chart,
    limiters_table,
    partnerships_table,
    timelines_chart,
)
from scrutiny.core.report_charts import chart_svg
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import audit_read
from scrutiny.web.downloads import name_download
from scrutiny.web.jobs.views import job_download_name, job_file_response, job_output_path
from scrutiny.web.programmes.jobs import review_build_enqueue
from scrutiny.web.programmes.selectors import (
    REVIEW_FORMATS,
    access_programme_by_id,
    access_review_job_by_id,
    overview_for,
    parse_years,
    programme_list,
    review_file,
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
    planned = bool(overview.milestones and overview.milestones[0].planned)
    timelines = timelines_chart(overview) if planned else None
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
            "survey_returns": [
                (title, overview.survey_returns_shown.get(sid, ""))
                for sid, title, _ in overview.survey_returns
            ],
            "limiters": limiters_table(overview),
            "partnerships": partnerships_table(overview),
            "timelines": timelines,
            "timelines_svg": chart_svg(timelines) if timelines else "",
            "review_formats": [(fmt, name) for fmt, (_, name) in REVIEW_FORMATS.items()],
            "review_query": f"?{urlencode([('year', y) for y in years])}" if years else "",
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


# --- the review of findings -----------------------------------------------------------


def _review_exported(request: HttpRequest, programme_id: str, file_name: str) -> None:
    audit_read(
        actor=request.user,
        inspection=None,
        action=AuditEvent.Action.EXPORT,
        object_type="programme_review",
        object_id=programme_id,
        summary=f"Downloaded the review of findings ({file_name})",
    )


@programme_reader
def review_view(request: HttpRequest, programme_id: str, file_type: str) -> HttpResponse:
    """The review of findings of the published inspections (of the years asked for). HTML
    comes at once; a PDF or Word file is built by a job, which this page starts (POST),
    as an inspection's report is."""
    programme = access_programme_by_id(programme_id=programme_id)
    if file_type not in REVIEW_FORMATS:
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    years = parse_years(source.getlist("year"))
    if file_type == "html":
        out = review_file(programme=programme, years=years, file_type=file_type)
        _review_exported(request, programme_id, out.file_name)
        response = HttpResponse(out.content, content_type=out.content_type)
        name_download(response, out.file_name)
        return response
    if request.method == "POST":
        job = review_build_enqueue(
            actor=request.user, programme_id=programme_id, years=years, file_type=file_type
        )
        return redirect("programmes:review_job", programme_id=programme_id, job_id=job.pk)
    return render(
        request,
        "programmes/review_build.html",
        {
            "programme": programme,
            "years": years,
            "file_type": file_type,
            "format_name": REVIEW_FORMATS[file_type][1],
        },
    )


@programme_reader
def review_job_view(request: HttpRequest, programme_id: str, job_id: int) -> HttpResponse:
    """The build's progress while it runs (polled by htmx, or refreshed without
    JavaScript), then the file."""
    programme = access_programme_by_id(programme_id=programme_id)
    job = access_review_job_by_id(user=request.user, programme_id=programme_id, job_id=job_id)
    context = {"job": job, "programme": programme}
    if request.htmx and not job.finished:
        return render(request, "jobs/_progress.html", context)
    response = render(request, "programmes/review_job.html", context)
    if request.htmx:
        response["HX-Refresh"] = "true"  # the job has ended: show the whole outcome
    return response


@programme_reader
def review_job_file_view(request: HttpRequest, programme_id: str, job_id: int) -> HttpResponse:
    access_programme_by_id(programme_id=programme_id)
    job = access_review_job_by_id(user=request.user, programme_id=programme_id, job_id=job_id)
    path = job_output_path(job)
    _review_exported(request, programme_id, job_download_name(job))
    return job_file_response(job, path)
