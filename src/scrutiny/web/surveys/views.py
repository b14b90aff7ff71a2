import csv
import io

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from scrutiny.core.methodology import Survey, load_programme
from scrutiny.core.refusal import Refused
from scrutiny.core.survey_import import (
    ColumnMapping,
    Completeness,
    ValueMapping,
    match_care_group,
    match_option,
)
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import audit_read
from scrutiny.web.downloads import name_download
from scrutiny.web.evaluations.selectors import inputs_lock_reasons
from scrutiny.web.inspections import roles
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.rules import inspection_permission
from scrutiny.web.surveys.forms import (
    ColumnMappingForm,
    InclusionForm,
    SurveyUploadForm,
    ValueMappingForm,
)
from scrutiny.web.surveys.models import SurveyImport
from scrutiny.web.surveys.selectors import (
    RUNNING,
    access_survey_import_by_id,
    bundle_response_count,
    feel_safe,
    import_history,
    is_stale,
    response_list,
    results_rows,
    survey_counts,
    survey_results,
)
from scrutiny.web.surveys.services import (
    columns_of,
    current_import,
    inclusion_of,
    personal_columns,
    recognised,
    survey_import_cancel,
    survey_import_map_columns,
    survey_import_map_values,
    survey_import_start,
    survey_upload,
)
from scrutiny.web.surveys.uploads import human_size, limit_uploads, refused_size, store_upload

Status = SurveyImport.Status
LAYOUT_NAMES = {
    "limesurvey": "LimeSurvey",
    "kobotoolbox": "KoboToolbox",
    "odk": "ODK Central",
    "qualtrics": "Qualtrics",
    "surveymonkey": "SurveyMonkey",
    "microsoft_forms": "Microsoft Forms",
}


def _survey(inspection: Inspection, survey_id: str) -> Survey:
    survey = load_programme(inspection.programme).survey(survey_id)
    if survey is None:
        raise Http404
    return survey


@inspection_permission(roles.VIEW_SURVEYS)
def survey_list_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    programme = load_programme(inspection.programme)
    counts = survey_counts(inspection=inspection)
    surveys = [(s, counts.get(s.id, 0)) for s in programme.surveys]
    return render(
        request,
        "surveys/list.html",
        {
            "inspection": inspection,
            "surveys": surveys,
            "feel_safe": feel_safe(inspection=inspection, programme=programme),
            "can_import": roles.IMPORT_SURVEYS in inspection.viewer_permissions,
        },
    )


@inspection_permission(roles.VIEW_SURVEYS)
def survey_responses_view(
    request: HttpRequest, inspection: Inspection, survey_id: str
) -> HttpResponse:
    programme = load_programme(inspection.programme)
    survey = _survey(inspection, survey_id)
    page = Paginator(response_list(inspection=inspection, survey=survey.id), 25).get_page(
        request.GET.get("page")
    )
    # Answers may hold free text written by children: every view is logged.
    audit_read(
        actor=request.user,
        inspection=inspection,
        object_type="survey_response",
        summary=f"Viewed {survey.title} responses (page {page.number})",
    )
    items = {item.id: item.text for item in survey.items}
    rows = [(r, [(items.get(a.item, a.item), a.value) for a in r.answers.all()]) for r in page]
    return render(
        request,
        "surveys/responses.html",
        {
            "inspection": inspection,
            "survey": survey,
            "page": page,
            "rows": rows,
            "programme": programme,
            "care_labels": {g.id: g.label for g in programme.care_groups},
        },
    )


# --- results ----------------------------------------------------------------------


@inspection_permission(roles.VIEW_SURVEYS)
def survey_results_view(
    request: HttpRequest, inspection: Inspection, survey_id: str
) -> HttpResponse:
    programme = load_programme(inspection.programme)
    survey = _survey(inspection, survey_id)
    results = survey_results(inspection=inspection, programme=programme, survey=survey)
    safe = feel_safe(inspection=inspection, programme=programme)
    audit_read(
        actor=request.user,
        inspection=inspection,
        object_type="survey_results",
        summary=f"Viewed the {survey.title.lower()} results",
    )
    return render(
        request,
        "surveys/results.html",
        {
            "inspection": inspection,
            "survey": survey,
            "results": results,
            "responses": survey_counts(inspection=inspection).get(survey.id, 0),
            "current_import": current_import(inspection=inspection, survey=survey.id),
            "feel_safe": safe if safe and safe.statistic.survey == survey.id else None,
            "show_judgement": True,
            "can_judge": roles.MODERATE in inspection.viewer_permissions,
        },
    )


@inspection_permission(roles.VIEW_SURVEYS)
def survey_results_export_view(
    request: HttpRequest, inspection: Inspection, survey_id: str
) -> HttpResponse:
    programme = load_programme(inspection.programme)
    survey = _survey(inspection, survey_id)
    results = survey_results(inspection=inspection, programme=programme, survey=survey)
    out = io.StringIO()
    writer = csv.writer(out)
    for row in results_rows(results=results):
        writer.writerow([_safe_cell(c) for c in row])
    if results:
        writer.writerow([results[0].tables[0].table.note])
    audit_read(
        actor=request.user,
        inspection=inspection,
        object_type="survey_results",
        action=AuditEvent.Action.EXPORT,
        summary=f"Exported the {survey.title.lower()} results as CSV",
    )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    name_download(response, f"{inspection.reference}-{survey.id}-results.csv")
    return response


def _safe_cell(value: str) -> str:
    """Text starting = + - @ runs as a formula in a spreadsheet; quote it."""
    return "'" + value if value.startswith(("=", "+", "-", "@", "\t", "\r")) else value


# --- import -----------------------------------------------------------------------


@inspection_permission(roles.IMPORT_SURVEYS)
@csrf_exempt  # checked by _upload, after the size limit is in place (see uploads.py)
def survey_upload_view(
    request: HttpRequest, inspection: Inspection, survey_id: str
) -> HttpResponse:
    limit_uploads(request, limit=settings.SURVEY_UPLOAD_MAX_BYTES)
    return _upload(request, inspection, _survey(inspection, survey_id))


@csrf_protect
def _upload(request: HttpRequest, inspection: Inspection, survey: Survey) -> HttpResponse:
    form = SurveyUploadForm(request.POST or None, request.FILES or None)
    refusal = ""
    if request.method == "POST":
        too_big = refused_size(request)
        if too_big is not None:
            refusal = (
                f"The file is {human_size(too_big)}; survey exports larger than "
                f"{human_size(settings.SURVEY_UPLOAD_MAX_BYTES)} are not accepted. Split it, "
                "or export only the survey's responses."
            )
        elif form.is_valid():
            upload = form.cleaned_data["export"]
            # Only stored here: the job worker reads it (never a web request).
            path = store_upload(upload, directory=settings.SURVEY_UPLOADS_DIR)
            job = survey_upload(
                actor=request.user,
                inspection=inspection,
                survey=survey,
                path=path,
                file_name=upload.name,
            )
            return redirect("surveys:import", inspection.pk, job.pk)
        if refusal:
            form.add_error("export", refusal)
    history = import_history(inspection=inspection, survey=survey.id)
    current = current_import(inspection=inspection, survey=survey.id)
    return render(
        request,
        "surveys/upload.html",
        {
            "inspection": inspection,
            "survey": survey,
            "form": form,
            "history": history,
            "current": current,
            "from_bundle": bundle_response_count(inspection=inspection, survey=survey.id),
            "max_size": human_size(settings.SURVEY_UPLOAD_MAX_BYTES),
        },
        status=422 if refusal or form.errors else 200,
    )


def _next_step(job: SurveyImport) -> str:
    """Where the import continues: the first step it is waiting for."""
    args = (job.inspection_id, job.pk)
    if job.status == Status.MAPPING:
        return reverse("surveys:import_columns", args=args)
    if job.status == Status.VALUES:
        return reverse("surveys:import_values", args=args)
    if job.status == Status.READY:
        return reverse("surveys:import_preview", args=args)
    return reverse("surveys:import", args=args)


def _editable(job: SurveyImport) -> bool:
    return job.status in (Status.MAPPING, Status.VALUES, Status.READY) and bool(job.staged_name)


@inspection_permission(roles.IMPORT_SURVEYS)
def import_columns_view(
    request: HttpRequest, inspection: Inspection, import_id: int
) -> HttpResponse:
    job = access_survey_import_by_id(inspection=inspection, import_id=import_id)
    if not _editable(job):
        return redirect("surveys:import", inspection.pk, job.pk)
    survey = _survey(inspection, job.survey)
    mapping = ColumnMapping.model_validate(job.column_mapping)
    form = ColumnMappingForm(
        request.POST if request.method == "POST" else None,
        survey=survey,
        columns=columns_of(job),
        initial=ColumnMappingForm.initial_from(mapping),
    )
    if request.method == "POST" and form.is_valid():
        survey_import_map_columns(actor=request.user, job=job, mapping=form.mapping())
        return redirect(_next_step(job))
    return render(
        request,
        "surveys/import_columns.html",
        {
            "inspection": inspection,
            "survey": survey,
            "job": job,
            "form": form,
            "recognised": recognised(job),
            "personal": personal_columns(job),
            "layout": LAYOUT_NAMES.get(job.layout, "an unrecognised tool"),
        },
        status=422 if form.errors else 200,
    )


@inspection_permission(roles.IMPORT_SURVEYS)
def import_values_view(
    request: HttpRequest, inspection: Inspection, import_id: int
) -> HttpResponse:
    job = access_survey_import_by_id(inspection=inspection, import_id=import_id)
    if job.status != Status.VALUES or not job.staged_name:
        return redirect(_next_step(job))
    programme = load_programme(inspection.programme)
    survey = _survey(inspection, job.survey)
    form = ValueMappingForm(
        request.POST if request.method == "POST" else None,
        survey=survey,
        unmapped=job.unmapped or {},
        care_labels={g.id: g.label for g in programme.care_groups},
    )
    if request.method == "POST" and form.is_valid():
        survey_import_map_values(actor=request.user, job=job, chosen=form.mapping())
        return redirect(_next_step(job))
    # The raw answers are children's words as typed: viewing them is logged.
    audit_read(
        actor=request.user,
        inspection=inspection,
        object_type="survey_import",
        object_id=job.pk,
        summary=f"Viewed the unmatched answers in {job.file_name[:120]}",
    )
    return render(
        request,
        "surveys/import_values.html",
        {
            "inspection": inspection,
            "survey": survey,
            "job": job,
            "form": form,
            "automatic": _automatic_matches(job, survey),
        },
        status=422 if form.errors else 200,
    )


def _automatic_matches(job: SurveyImport, survey: Survey) -> list[tuple[str, str, str]]:
    values = ValueMapping.model_validate(job.value_mapping or {})
    texts = {i.id: i.text for i in survey.items}
    rows = [
        (texts.get(item, item), raw, option or "No answer")
        for item, raws in values.answers.items()
        for raw, option in raws.items()
        if raw != option
    ]
    rows += [
        ("Care group", raw, g or "Not care experienced") for raw, g in values.care_groups.items()
    ]
    return rows


@inspection_permission(roles.IMPORT_SURVEYS)
def import_preview_view(
    request: HttpRequest, inspection: Inspection, import_id: int
) -> HttpResponse:
    job = access_survey_import_by_id(inspection=inspection, import_id=import_id)
    if request.method == "POST" and request.POST.get("action") == "cancel" and _editable(job):
        survey_import_cancel(actor=request.user, job=job)
        messages.success(request, f"The import of {job.file_name} was cancelled.")
        return redirect("surveys:upload", inspection.pk, job.survey)
    if job.status != Status.READY or not job.staged_name:
        return redirect(_next_step(job))
    counts = Completeness.from_json(job.completeness or {})
    form = InclusionForm(request.POST if request.method == "POST" else None, completeness=counts)
    if request.method == "POST" and request.POST.get("action") == "import" and form.is_valid():
        try:
            survey_import_start(
                actor=request.user,
                job=job,
                inclusion=form.inclusion(),
                reason=form.cleaned_data.get("reason", ""),
            )
        except Refused as refused:
            for reason in refused.reasons:
                messages.error(request, f"Nothing was imported. {reason}.")
        return redirect("surveys:import", inspection.pk, job.pk)
    survey = _survey(inspection, job.survey)
    audit_read(
        actor=request.user,
        inspection=inspection,
        object_type="survey_import",
        object_id=job.pk,
        summary=f"Previewed the first rows of {job.file_name[:120]}",
    )
    return render(
        request,
        "surveys/import_preview.html",
        {
            "inspection": inspection,
            "survey": survey,
            "job": job,
            **_preview_table(job, survey),
            "counts": counts,
            "form": form,
            # The survey's answers are an input the engine counts: while the evaluations
            # are agreed or signed off the page says why, instead of refusing the import.
            "locked": inputs_lock_reasons(inspection=inspection),
            "layout": LAYOUT_NAMES.get(job.layout, "an unrecognised tool"),
            "replaces": survey_counts(inspection=inspection).get(survey.id, 0),
            "same_as_superseded": import_history(inspection=inspection, survey=survey.id)
            .filter(content_hash=job.content_hash, status=Status.DONE)
            .exclude(pk=job.pk)
            .first(),
        },
        status=422 if form.errors else 200,
    )


def _preview_table(job: SurveyImport, survey: Survey) -> dict[str, object]:
    """The first responses as they will be stored: mapped columns, mapped answers."""
    mapping = ColumnMapping.model_validate(job.column_mapping)
    values = ValueMapping.model_validate(job.value_mapping or {})
    position = {c.name: c.index for c in columns_of(job)}
    first = [(n, cells) for n, cells in job.sample or []]
    items = [
        (i, next((c for c, v in mapping.items.items() if v == i.id), None)) for i in survey.items
    ]
    items = [(i, c) for i, c in items if c is not None]

    def cell(cells: list[str], column: str | None) -> str:
        i = position.get(column or "", -1)
        return cells[i].strip() if 0 <= i < len(cells) else ""

    rows = []
    for number, cells in first:
        raw_group = cell(cells, mapping.care_group)
        group = (
            values.care_groups.get(raw_group, match_care_group(raw_group)) if raw_group else None
        )
        answers = []
        for item, column in items:
            raw = cell(cells, column)
            if item.free_text or not raw:
                answers.append(raw)
            else:
                manual = values.answers.get(item.id, {})
                answers.append(
                    str(manual[raw] if raw in manual else match_option(raw, item.options))
                )
        rows.append(
            (
                number,
                cell(cells, mapping.respondent) if mapping.respondent else f"row-{number}",
                group if isinstance(group, str) else "None",
                answers,
            )
        )
    return {"columns": [i.text for i, _ in items], "rows": rows}


@inspection_permission(roles.IMPORT_SURVEYS)
def import_view(request: HttpRequest, inspection: Inspection, import_id: int) -> HttpResponse:
    """An import's state: progress while it runs (polled), then its outcome."""
    job = access_survey_import_by_id(inspection=inspection, import_id=import_id)
    running = job.status in RUNNING and not is_stale(job)
    if request.htmx and not running:
        # The progress panel asks again until the job ends; then the whole page changes.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = _next_step(job) if _editable(job) else request.path
        return response
    if not running and _editable(job):
        return redirect(_next_step(job))
    if job.status == Status.FAILED and job.problems:
        # Problem messages can quote the answers in the file.
        audit_read(
            actor=request.user,
            inspection=inspection,
            object_type="survey_import",
            object_id=job.pk,
            summary=f"Viewed the problems found in {job.file_name[:120]}",
        )
    percent = None
    if job.rows_total:
        percent = min(100, round(100 * job.rows_done / job.rows_total))
    context = {
        "inspection": inspection,
        "survey": _survey(inspection, job.survey),
        "job": job,
        "running": running,
        "stale": is_stale(job),
        "percent": percent,
        "inclusion": inclusion_of(job),
        "counts": Completeness.from_json(job.completeness or {}) if job.completeness else None,
    }
    if request.htmx:
        return render(request, "surveys/_progress.html", context)
    return render(request, "surveys/import.html", context)
