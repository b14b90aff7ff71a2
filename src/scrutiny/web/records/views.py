from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from scrutiny.core.methodology import Programme, load_programme
from scrutiny.core.refusal import Refused
from scrutiny.web.accounts.selectors import full_names
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import audit_read
from scrutiny.web.downloads import name_download
from scrutiny.web.evaluations.selectors import inputs_lock_reasons
from scrutiny.web.inspections import roles
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.inspections.services import StaleEdit
from scrutiny.web.jobs.models import Job
from scrutiny.web.jobs.selectors import access_job_by_id
from scrutiny.web.jobs.services import stage_upload
from scrutiny.web.partnership.selectors import pairing_by_reader
from scrutiny.web.records.exports import results_csv, results_xlsx
from scrutiny.web.records.forms import (
    NOT_APPLICABLE,
    AgreedReadingForm,
    AssignForm,
    ReadingForm,
    SampleUploadForm,
    SecondReadingForm,
)
from scrutiny.web.records.jobs import (
    sample_check_enqueue,
    sample_check_run,
    sample_store_enqueue,
    sample_store_run,
)
from scrutiny.web.records.models import Assignment, RecordReading
from scrutiny.web.records.selectors import (
    access_assignment_by_id,
    access_reading_by_id,
    agreement_for,
    can_manage,
    comparison_pair,
    item_titles,
    reading_list,
    results_for,
    sample_overview,
    team_readers,
)
from scrutiny.web.records.services import (
    ReadingIncomplete,
    agreed_reading_record,
    assignments_balance,
    reading_save,
    reading_submit,
    second_readings_choose,
)
from scrutiny.web.rules import inspection_permission


def _seen(
    request: HttpRequest,
    inspection: Inspection,
    what: str,
    summary: str,
    oid: Any = "",
    action: str = AuditEvent.Action.VIEW,
) -> None:
    """Every view or export of children's data goes in the audit trail."""
    audit_read(
        actor=request.user,
        inspection=inspection,
        object_type=what,
        object_id=oid,
        summary=summary,
        action=action,
    )


@inspection_permission(roles.VIEW_RECORDS)
def reading_list_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    readings = reading_list(inspection=inspection, user=request.user)
    page = Paginator(readings, 50).get_page(request.GET.get("page"))
    _seen(
        request,
        inspection,
        "record_reading",
        f"Viewed the list of record readings (page {page.number})",
    )
    programme = load_programme(inspection.programme)
    names = full_names(usernames=(r.reader for r in page))
    rows = [(r, names[r.reader]) for r in page]
    return render(
        request,
        "records/list.html",
        {"inspection": inspection, "page": page, "rows": rows, "programme": programme},
    )


@inspection_permission(roles.VIEW_RECORDS)
def reading_detail_view(
    request: HttpRequest, inspection: Inspection, reading_id: int
) -> HttpResponse:
    reading = access_reading_by_id(inspection=inspection, user=request.user, reading_id=reading_id)
    _seen(
        request,
        inspection,
        "record_reading",
        f"Viewed the reading of record {reading.record}",
        reading.pk,
    )
    programme = load_programme(inspection.programme)
    # Items of an earlier version of the tool keep their id as a title.
    items = {item.id: item.title for item in programme.reading_items}
    ratings = [
        (
            items.get(r.item, r.item),
            "Not applicable" if r.value is None else programme.scale.label(r.value),
        )
        for r in reading.ratings.all()
    ]
    return render(
        request,
        "records/detail.html",
        {
            "inspection": inspection,
            "reading": reading,
            "ratings": ratings,
            "care_group": programme.care_group_label(reading.care_group),
        },
    )


# --- the sample ---------------------------------------------------------------------


@inspection_permission(roles.VIEW_RECORDS)
def sample_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    overview = sample_overview(inspection=inspection, user=request.user)
    _seen(request, inspection, "sample", "Viewed the record sample and reading progress")
    programme = load_programme(inspection.programme)
    # Each partnership reader reads with an inspector (scrutiny.web.partnership).
    pairings = pairing_by_reader(inspection=inspection) if can_manage(inspection) else {}
    for p in overview.progress:
        p.paired_with = pairings.get(p.reader.pk)  # type: ignore[attr-defined]
    rows = []
    for r in overview.records:
        r.group_label = programme.care_group_label(r.care_group)  # type: ignore[attr-defined]
        kinds = overview.assignments.get(r.pk, {})
        first, second = kinds.get("first"), kinds.get("second")
        done = Assignment.Status.SUBMITTED
        read_twice = bool(first and second and first.status == second.status == done)
        rows.append((r, first, second, read_twice))
    return render(
        request,
        "records/sample.html",
        {
            "inspection": inspection,
            "overview": overview,
            "rows": rows,
            "manage": can_manage(inspection),
            "pairings": pairings,
        },
    )


SAMPLE_CHECK = f"{sample_check_run.__module__}.{sample_check_run.__qualname__}"
SAMPLE_STORE = f"{sample_store_run.__module__}.{sample_store_run.__qualname__}"


def _sample_job(request: HttpRequest, inspection: Inspection, job_id: Any) -> Job | None:
    """The sample-import job named in the request, of this inspection; 404 otherwise."""
    if not job_id or not str(job_id).isdigit():
        return None
    job = access_job_by_id(user=request.user, inspection_id=inspection.pk, job_id=int(job_id))
    if job.handler not in (SAMPLE_CHECK, SAMPLE_STORE):
        raise Http404
    return job


@inspection_permission(roles.MANAGE_READINGS)
def sample_import_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    """Upload, preview, confirm. Checking the file and storing the records are jobs
    (records/jobs.py); this page follows them, so nothing is stored until the lead says so."""
    programme = load_programme(inspection.programme)
    form = SampleUploadForm(request.POST or None, request.FILES or None)
    action = request.POST.get("action")
    if request.method == "POST" and action == "confirm":
        checked = _sample_job(request, inspection, request.POST.get("job"))
        if checked is None or checked.handler != SAMPLE_CHECK or checked.status != "done":
            raise Http404
        job = sample_store_enqueue(actor=request.user, inspection=inspection, checked=checked)
        return redirect(job.next_url)
    if request.method == "POST" and action == "cancel":
        return redirect("records:sample_import", inspection_id=inspection.pk)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["sample"]
        staged = stage_upload(upload.chunks(), suffix=Path(upload.name).suffix[:10])
        job = sample_check_enqueue(
            actor=request.user, inspection=inspection, staged=staged, file_name=upload.name
        )
        return redirect(job.next_url)
    job = (
        _sample_job(request, inspection, request.GET.get("job"))
        if request.method == "GET"
        else None
    )
    if job is not None and request.htmx:
        if not job.finished:
            return render(request, "jobs/_progress.html", {"job": job})
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"  # the job ended: load the whole page
        return response
    if job is not None and job.handler == SAMPLE_STORE and job.status == "done":
        messages.success(request, job.result["summary"])
        return redirect("records:sample", inspection_id=inspection.pk)
    failed = job is not None and job.status == "failed"
    preview = job.result if job and job.handler == SAMPLE_CHECK and job.status == "done" else None
    status = 422 if failed or form.errors else 200
    return render(
        request,
        "records/sample_import.html",
        {
            "inspection": inspection,
            "form": form,
            "job": job,
            "failed": failed,
            "problems": (job.result or {}).get("problems", []) if failed and job else [],
            "preview": preview,
            "preview_rows": [
                {**r, "group_label": programme.care_group_label(r["care_group"])}
                for r in (preview or {}).get("records", [])
            ],
        },
        status=status,
    )


@inspection_permission(roles.MANAGE_READINGS)
def assign_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    readers = team_readers(inspection=inspection)
    form = AssignForm(
        request.POST or None, readers=readers, initial={"readers": [str(u.pk) for u in readers]}
    )
    if request.method == "POST" and form.is_valid():
        chosen = [u for u in readers if str(u.pk) in form.cleaned_data["readers"]]
        made = assignments_balance(
            actor=request.user,
            inspection=inspection,
            readers=chosen,
            programme=load_programme(inspection.programme),
        )
        messages.success(request, f"{made} record{'s' if made != 1 else ''} assigned.")
        return redirect("records:sample", inspection_id=inspection.pk)
    return render(request, "records/assign.html", {"inspection": inspection, "form": form})


@inspection_permission(roles.MANAGE_READINGS)
def second_readings_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    overview = sample_overview(inspection=inspection, user=request.user)
    choosable = [
        (str(r.pk), r.record)
        for r in overview.records
        if "first" in overview.assignments.get(r.pk, {})
        and "second" not in overview.assignments.get(r.pk, {})
    ]
    form = SecondReadingForm(request.POST or None, records=choosable)
    if request.method == "POST" and form.is_valid():
        picked = form.cleaned_data["how"] == "picked"
        made = second_readings_choose(
            actor=request.user,
            inspection=inspection,
            readers=team_readers(inspection=inspection),
            programme=load_programme(inspection.programme),
            share=None if picked else form.cleaned_data["share"] / 100,
            record_ids=[int(pk) for pk in form.cleaned_data["records"]] if picked else (),
        )
        messages.success(
            request,
            f"{len(made)} record{'s' if len(made) != 1 else ''} chosen for a second reading.",
        )
        return redirect("records:sample", inspection_id=inspection.pk)
    return render(
        request,
        "records/second_readings.html",
        {"inspection": inspection, "form": form, "choosable": len(choosable)},
        status=422 if form.errors else 200,
    )


# --- reading a record ------------------------------------------------------------------


@inspection_permission(roles.READ_RECORDS)
def reading_form_view(
    request: HttpRequest, inspection: Inspection, assignment_id: int
) -> HttpResponse:
    """The reading form. Plain POSTs save or submit; the page's script also posts
    `action=autosave` as the reader goes and gets JSON back."""
    assignment = access_assignment_by_id(
        inspection=inspection, user=request.user, assignment_id=assignment_id
    )
    programme = load_programme(inspection.programme)
    items = item_titles(programme, assignment.ratings)
    record = assignment.sampled_record
    context: dict[str, Any] = {
        "inspection": inspection,
        "assignment": assignment,
        "record": record,
        "care_group": programme.care_group_label(record.care_group),
        "programme": programme,
    }
    if assignment.status == Assignment.Status.SUBMITTED:
        context["can_compare"] = (
            RecordReading.objects.filter(inspection=inspection, record=record.record).count() >= 2
        )
        _seen(
            request,
            inspection,
            "reading_draft",
            f"Viewed the submitted reading of record {record.record}",
            assignment.pk,
        )
        # The reader's next record still to read, so they go straight on.
        context["next_assignment"] = (
            Assignment.objects.filter(
                inspection=inspection,
                reader=request.user,
                status__in=(Assignment.Status.ASSIGNED, Assignment.Status.DRAFT),
            )
            .select_related("sampled_record")
            .order_by("sampled_record__position", "kind")
            .first()
        )
        return render(request, "records/reading_submitted.html", context)
    if request.method != "POST":
        _seen(
            request,
            inspection,
            "reading_draft",
            f"Opened the reading form for record {record.record}",
            assignment.pk,
        )
        form = ReadingForm(
            programme=programme,
            items=items,
            initial=ReadingForm.initial_from(
                ratings=assignment.ratings, notes=assignment.notes, version=assignment.version
            ),
        )
        return _render_reading(request, context, form, items, programme)
    form = ReadingForm(request.POST, programme=programme, items=items)
    action = request.POST.get("action", "save")
    autosave = action == "autosave"
    if not form.is_valid():
        if autosave:
            return JsonResponse({"error": "The entries could not be read."}, status=400)
        return _render_reading(request, context, form, items, programme, status=400)
    args = {
        "actor": request.user,
        "assignment": assignment,
        "expected_version": form.cleaned_data["version"],
        "ratings": form.ratings(),
        "notes": form.notes(),
    }
    try:
        if action == "submit":
            reading_submit(**args, programme=programme)
            messages.success(request, f"Your reading of record {record.record} is submitted.")
            return redirect(
                "records:reading", inspection_id=inspection.pk, assignment_id=assignment.pk
            )
        saved = reading_save(**args)
    except StaleEdit:
        if autosave:
            return JsonResponse({"error": StaleEdit.message}, status=409)
        form.add_error(None, StaleEdit.message)
        return _render_reading(request, context, form, items, programme, status=409)
    except Refused as refused:
        # The evaluations are agreed or signed off: the draft is kept, not submitted.
        for reason in refused.reasons:
            form.add_error(None, f"Your reading is not submitted. {reason}.")
        try:
            saved = reading_save(**args)
            form.data = form.data.copy()
            form.data["version"] = str(saved.version)
        except StaleEdit:
            form.add_error(None, StaleEdit.message)
            return _render_reading(request, context, form, items, programme, status=409)
        return _render_reading(request, context, form, items, programme, status=422)
    except ReadingIncomplete as exc:
        missing = {title for title in exc.missing}
        for item, title in items:
            if title in missing:
                form.add_error(f"rating-{item}", "Rate this item, or mark it not applicable.")
        form.add_error(
            None,
            f"Your draft is saved, but the reading cannot be submitted yet: "
            f"{len(exc.missing)} item{'s' if len(exc.missing) != 1 else ''} not rated.",
        )
        # Save what there is, so an incomplete submit still loses nothing.
        try:
            saved = reading_save(**args)
            form.data = form.data.copy()
            form.data["version"] = str(saved.version)
        except StaleEdit:
            form.add_error(None, StaleEdit.message)
            return _render_reading(request, context, form, items, programme, status=409)
        return _render_reading(request, context, form, items, programme, status=422)
    if autosave:
        return JsonResponse({"version": saved.version, "saved": saved.updated_at.isoformat()})
    messages.success(request, "Draft saved.")
    return redirect("records:reading", inspection_id=inspection.pk, assignment_id=assignment.pk)


def _render_reading(
    request: HttpRequest,
    context: dict[str, Any],
    form: ReadingForm,
    items: list[tuple[str, str]],
    programme: Programme,
    status: int = 200,
) -> HttpResponse:
    prompts = {i.id: i for i in programme.reading_items}
    rows = [
        {
            "id": item,
            "title": title,
            "prompt": prompts[item].prompt if item in prompts else "",
            "section": prompts[item].section if item in prompts else "Earlier version",
            "rating": form[f"rating-{item}"],
            "note": form[f"note-{item}"],
            "kind": form[f"kind-{item}"],
            "questions": form[f"questions-{item}"],
            "indicators": form[f"indicators-{item}"],
        }
        for item, title in items
    ]
    answered = sum(1 for r in rows if r["rating"].value())
    # Drafts stay open; submitting (the engine counts a submitted reading) waits while
    # the evaluations are agreed or signed off.
    context = {**context, "locked": inputs_lock_reasons(inspection=context["inspection"])}
    return render(
        request,
        "records/reading_form.html",
        {
            **context,
            "form": form,
            "rows": rows,
            "answered": answered,
            "not_applicable": NOT_APPLICABLE,
        },
        status=status,
    )


# --- second readings: comparison and the agreed reading -----------------------------------


@inspection_permission(roles.VIEW_RECORDS)
def compare_view(request: HttpRequest, inspection: Inspection, record: str) -> HttpResponse:
    first, second, agreed = comparison_pair(inspection=inspection, user=request.user, record=record)
    programme = load_programme(inspection.programme)
    one = {r.item: r.value for r in first.ratings.all()}
    two = {r.item: r.value for r in second.ratings.all()}
    agreed_values = {r.item: r.value for r in agreed.ratings.all()} if agreed else {}
    items = [(i, t) for i, t in item_titles(programme, [*one, *two]) if i in one or i in two]

    def choice(value: int | None) -> str:
        return NOT_APPLICABLE if value is None else str(value)

    initial: dict[str, Any] = {"version": agreed.version if agreed else None}
    for item, _ in items:
        if item in agreed_values:
            initial[f"agreed-{item}"] = choice(agreed_values[item])
        elif item in one and item in two and one[item] == two[item]:
            initial[f"agreed-{item}"] = choice(one[item])
    form = AgreedReadingForm(
        request.POST or None, programme=programme, items=items, initial=initial
    )
    # The agreed reading is counted by the engine: read only while the evaluations are
    # agreed or signed off, with the reason (a save would be refused anyway).
    locked = inputs_lock_reasons(inspection=inspection)
    for field in form.fields.values() if locked else ():
        field.disabled = True
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            agreed_reading_record(
                actor=request.user,
                inspection=inspection,
                first=first,
                second=second,
                ratings=form.ratings(),
                expected_version=form.cleaned_data["version"],
                programme=programme,
            )
        except StaleEdit:
            form.add_error(None, StaleEdit.message)
            status = 409
        except Refused as refused:
            for reason in refused.reasons:
                form.add_error(None, reason)
            status = 422
        else:
            messages.success(request, f"Agreed reading of record {record} recorded.")
            return redirect("records:compare", inspection_id=inspection.pk, record=record)
    elif form.errors:
        status = 422
    _seen(
        request,
        inspection,
        "record_reading",
        f"Compared the two readings of record {record}",
        record,
    )
    label = programme.scale.label

    def shown(values: dict[str, int | None], item: str) -> str:
        if item not in values:
            return "Not rated"
        return "Not applicable" if values[item] is None else label(values[item])  # type: ignore[arg-type]

    rows = [
        {
            "title": title,
            "first": shown(one, item),
            "second": shown(two, item),
            "gap": None
            if one.get(item) is None or two.get(item) is None
            else abs(one[item] - two[item]),  # type: ignore[operator]
            "differs": one.get(item, "-") != two.get(item, "-"),
            "field": form[f"agreed-{item}"],
        }
        for item, title in items
    ]
    return render(
        request,
        "records/compare.html",
        {
            "inspection": inspection,
            "record": record,
            "first": first,
            "second": second,
            "agreed": agreed,
            "rows": rows,
            "differences": sum(1 for r in rows if r["differs"]),
            "form": form,
            "locked": locked,
        },
        status=status,
    )


# --- agreement and results ---------------------------------------------------------------


@inspection_permission(roles.MANAGE_READINGS)
def agreement_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    programme = load_programme(inspection.programme)
    page = agreement_for(inspection=inspection, programme=programme)
    _seen(request, inspection, "agreement", "Viewed agreement between first and second readings")
    rows = [(a.item, page.titles[a.item], a) for a in page.report.by_item if a.item]
    rows.append(("overall", "All items together", page.report.overall))
    flags = [
        (f.item or "overall", page.titles.get(f.item, "All items together"), f.reasons)  # type: ignore[arg-type]
        for f in page.flags
    ]
    return render(
        request,
        "records/agreement.html",
        {"inspection": inspection, "page": page, "rows": rows, "flags": flags},
    )


@inspection_permission(roles.MANAGE_READINGS)
def agreement_item_view(request: HttpRequest, inspection: Inspection, item: str) -> HttpResponse:
    programme = load_programme(inspection.programme)
    page = agreement_for(inspection=inspection, programme=programme)
    if item == "overall":
        agreement, title = page.report.overall, "All items together"
    elif item in page.titles:
        agreement, title = page.report.item(item), page.titles[item]
    else:
        raise Http404
    _seen(request, inspection, "agreement", f"Viewed the pairs behind agreement on {title}", item)
    points = sorted(programme.scale.points, key=lambda p: p.value)
    label = programme.scale.label
    table = [
        (points[i].label, [(points[j].label, n) for j, n in enumerate(row)], sum(row))
        for i, row in enumerate(agreement.table)
    ]
    flag = next((f for f in page.flags if f.item == (None if item == "overall" else item)), None)

    def shown(value: int | None) -> str:
        return "Not applicable" if value is None else label(value)

    return render(
        request,
        "records/agreement_item.html",
        {
            "inspection": inspection,
            "title": title,
            "agreement": agreement,
            "points": points,
            "table": table,
            "column_totals": [sum(col) for col in zip(*agreement.table, strict=True)],
            "pairs": [
                (p.record, page.titles.get(p.item, p.item), shown(p.first), shown(p.second), p.gap)
                for p in sorted(agreement.pairs, key=lambda p: (-(p.gap or 0), p.record, p.item))
            ],
            "not_applicable": [
                (p.record, page.titles.get(p.item, p.item), shown(p.first), shown(p.second))
                for p in agreement.not_applicable
            ],
            "flag": flag,
        },
    )


@inspection_permission(roles.VIEW_RECORDS)
def results_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    programme = load_programme(inspection.programme)
    page = results_for(inspection=inspection, programme=programme)
    context = {
        "inspection": inspection,
        "page": page,
        "points": sorted(programme.scale.points, key=lambda p: -p.value),
        "manage": can_manage(inspection),
    }
    # htmx refreshes the limiter figure in place every 30 seconds. For managers it
    # names records, so each refresh is a view like any other.
    if request.htmx:
        _seen(request, inspection, "results", "Refreshed the immediate-response figure")
        return render(request, "records/_limiters.html", context)
    _seen(request, inspection, "results", "Viewed the record-reading results")
    return render(request, "records/results.html", context)


@inspection_permission(roles.VIEW_RECORDS)
def results_export_view(request: HttpRequest, inspection: Inspection, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    programme = load_programme(inspection.programme)
    page = results_for(inspection=inspection, programme=programme)
    if fmt == "csv":
        content, kind = results_csv(page=page, programme=programme), "text/csv; charset=utf-8"
    else:
        content = results_xlsx(page=page, programme=programme)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    _seen(
        request,
        inspection,
        "results",
        f"Exported the record-reading results as {fmt.upper()}",
        action=AuditEvent.Action.EXPORT,
    )
    response = HttpResponse(content, content_type=kind)
    name_download(response, f"{inspection.reference}-reading-results.{fmt}")
    return response
