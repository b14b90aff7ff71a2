"""The report editor, the partnership's shared draft, the report's status and downloads.

Small views: authorise (rule decorator), validate the form, call one service or
selector, render. Refusals (Refused) and stale edits (StaleEdit) come back to the same
page with the person's entries kept and the reasons in the error summary. The editor's
reordering updates the list in place with htmx; without JavaScript the same forms post
and the page reloads.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from scrutiny.core.report import Version
from scrutiny.core.report_html import render_html_fragment
from scrutiny.core.word.template import KNOWN_PLACEHOLDERS
from scrutiny.web.audit.models import AuditEvent
from scrutiny.web.audit.services import audit_read
from scrutiny.web.downloads import name_download
from scrutiny.web.form_errors import run_service
from scrutiny.web.inspections import roles
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.reports import forms, selectors, services
from scrutiny.web.reports.jobs import FORMAT_NAMES, report_build_enqueue
from scrutiny.web.reports.models import Report, Statement
from scrutiny.web.rules import administrator, inspection_permission
from scrutiny.web.surveys.uploads import human_size, limit_uploads, refused_size, store_upload


def _can(inspection: Inspection, permission: str) -> bool:
    return permission in inspection.viewer_permissions  # type: ignore[attr-defined]


def _section_url(inspection: Inspection, slug: str, anchor: str = "") -> str:
    url = reverse("reports:section", kwargs={"inspection_id": inspection.pk, "section": slug})
    return f"{url}#{anchor}" if anchor else url


# --- the team's overview and editor -----------------------------------------------


@inspection_permission(roles.VIEW_REPORT)
def overview_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    report = selectors.report_for(inspection=inspection)
    core = selectors.core_report(inspection=inspection)
    lists = selectors.all_statement_lists(inspection=inspection)
    return render(
        request,
        "reports/overview.html",
        {
            "inspection": inspection,
            "report": report,
            "section_list": [section for section, _ in lists],
            "sections": [
                (
                    section,
                    sum(len(lst.statements) for lst in section_lists),
                    sum(
                        1 for lst in section_lists for s in lst.statements if not s.citations.all()
                    ),
                )
                for section, section_lists in lists
            ],
            "blockers": selectors.final_blockers(inspection=inspection, report=core),
            "plain_missing": selectors.plain_wording_missing(inspection=inspection, report=core),
            "comments": selectors.comment_list(inspection=inspection),
            "template": selectors.template_for(inspection=inspection),
            "drafted": core.drafted_from_evidence,
            "key_fact_count": len(core.key_facts),
            "team_count": len(core.team),
            "versions": _versions(inspection),
            "can": inspection.viewer_permissions,  # type: ignore[attr-defined]
        },
    )


def _versions(inspection: Inspection) -> list[tuple[str, str]]:
    """The versions this person may download: the internal one only for the team."""
    names = selectors.VERSION_NAMES
    team = _can(inspection, roles.VIEW_REPORT)
    return [(v, names[v]) for v in names if team or v != "internal"]


@inspection_permission(roles.VIEW_REPORT)
def section_view(request: HttpRequest, inspection: Inspection, section: str) -> HttpResponse:
    page = selectors.section_by_slug(inspection=inspection, slug=section)
    # The page quotes the evidence each statement cites: a read of children's data.
    audit_read(
        actor=request.user,
        inspection=inspection,
        object_type="evidence",
        object_id=page.slug,
        summary=f"Viewed the report's statements and their evidence: {page.title[:200]}",
    )
    return render(request, "reports/section.html", _section_context(inspection, page))


def _section_context(inspection: Inspection, page: selectors.Section) -> dict[str, Any]:
    report = selectors.report_for(inspection=inspection)
    return {
        "inspection": inspection,
        "section": page,
        "lists": selectors.statement_lists(inspection=inspection, section=page),
        "sections": selectors.sections_for(inspection=inspection),
        "report": report,
        "can_edit": _can(inspection, roles.EDIT_REPORT) and report.status in _EDITABLE,
        "moves": (("up", "Move up"), ("down", "Move down")),
    }


_EDITABLE = (Report.Status.DRAFT, Report.Status.SHARED)


def _statement_form(
    request: HttpRequest,
    inspection: Inspection,
    page: selectors.Section,
    part: str,
    statement: Statement | None,
) -> forms.StatementForm:
    notes = selectors.citable_notes(inspection=inspection, section=page, statement=statement)
    initial: dict[str, Any] = {"version": 0}
    if statement is not None:
        initial = {
            "text": statement.text,
            "plain": statement.plain or "",
            "evidence": [c.evidence_id for c in statement.citations.all()],
            "version": statement.version,
        }
    return forms.StatementForm(
        request.POST if request.method == "POST" else None,
        notes=notes,
        asks_plain_wording=part == Statement.Part.KEY_MESSAGES,
        initial=initial,
    )


def _evidence_ids(inspection: Inspection, form: forms.StatementForm) -> list[int] | None:
    """The ticked notes, then those named by id; None (with the error on the form) if an
    id names no note of the inspection."""
    extra, unknown = selectors.notes_by_ident(
        inspection=inspection, idents=form.cleaned_data["other_evidence"]
    )
    if unknown:
        form.add_error(
            "other_evidence",
            f"No evidence note {', '.join(unknown)} in this inspection: check the ids.",
        )
        return None
    return [*form.cleaned_data["evidence"], *(n.pk for n in extra)]


@inspection_permission(roles.EDIT_REPORT)
def statement_add_view(
    request: HttpRequest, inspection: Inspection, section: str, part: str
) -> HttpResponse:
    page = selectors.section_by_slug(inspection=inspection, slug=section)
    if part not in page.parts:
        raise Http404
    listed = selectors.StatementList(part=part, question=page.question, section=page.slug)
    form = _statement_form(request, inspection, page, part, None)
    status = 0
    if request.method == "POST" and form.is_valid():
        ids = _evidence_ids(inspection, form)
        if ids is not None:
            d = form.cleaned_data
            status = run_service(
                form,
                lambda: services.statement_create(
                    actor=request.user,
                    inspection=inspection,
                    part=part,
                    question=page.question,
                    text=d["text"],
                    plain=d.get("plain"),
                    evidence_ids=ids,
                ),
            )
            if not status:
                messages.success(request, f"The {listed.noun} is added.")
                return redirect(_section_url(inspection, page.slug, listed.anchor))
    return _statement_page(
        request, inspection, page, form, status, heading=f"Add {listed.a_noun}", listed=listed
    )


def _statement_page(
    request: HttpRequest,
    inspection: Inspection,
    page: selectors.Section,
    form: forms.StatementForm,
    status: int,
    **context: Any,
) -> HttpResponse:
    audit_read(
        actor=request.user,
        inspection=inspection,
        object_type="evidence",
        object_id=page.slug,
        summary=f"Viewed the evidence to cite for the report: {page.title[:200]}",
    )
    return render(
        request,
        "reports/statement_form.html",
        {"inspection": inspection, "section": page, "form": form, **context},
        status=status or (422 if form.errors else 200),
    )


@inspection_permission(roles.EDIT_REPORT)
def statement_edit_view(
    request: HttpRequest, inspection: Inspection, statement_id: int
) -> HttpResponse:
    statement = selectors.access_statement_by_id(inspection=inspection, statement_id=statement_id)
    page = selectors.section_by_slug(inspection=inspection, slug=selectors.section_of(statement))
    listed = selectors.StatementList(
        part=statement.part, question=statement.question, section=page.slug
    )
    form = _statement_form(request, inspection, page, statement.part, statement)
    status = 0
    if request.method == "POST" and form.is_valid():
        ids = _evidence_ids(inspection, form)
        if ids is not None:
            d = form.cleaned_data
            status = run_service(
                form,
                lambda: services.statement_update(
                    actor=request.user,
                    statement=statement,
                    expected_version=d["version"] or 0,
                    text=d["text"],
                    # Only key messages have the field; other statements keep theirs.
                    plain=d["plain"] if "plain" in d else statement.plain,
                    evidence_ids=ids,
                ),
            )
            if not status:
                messages.success(request, f"The {listed.noun} is saved.")
                return redirect(_section_url(inspection, page.slug, f"statement-{statement.pk}"))
    return _statement_page(
        request,
        inspection,
        page,
        form,
        status,
        heading=f"Edit {listed.a_noun}",
        listed=listed,
        statement=statement,
    )


@require_POST
@inspection_permission(roles.EDIT_REPORT)
def statement_move_view(
    request: HttpRequest, inspection: Inspection, statement_id: int
) -> HttpResponse:
    statement = selectors.access_statement_by_id(inspection=inspection, statement_id=statement_id)
    slug = selectors.section_of(statement)
    form = forms.MoveForm(request.POST)
    listed = selectors.StatementList(part=statement.part, question=statement.question, section=slug)
    if form.is_valid():
        try:
            services.statement_move(
                actor=request.user, statement=statement, direction=form.cleaned_data["direction"]
            )
        except services.Refused as exc:
            messages.error(request, " ".join(exc.reasons))
    if request.htmx:  # type: ignore[attr-defined]
        # The list is redrawn in place; focus stays on the moved statement's button.
        page = selectors.section_by_slug(inspection=inspection, slug=slug)
        context = _section_context(inspection, page)
        context["list"] = next(lst for lst in context["lists"] if lst.part == statement.part)
        context["moved"] = statement.pk
        return render(request, "reports/_statement_list.html", context)
    return redirect(_section_url(inspection, slug, listed.anchor))


@inspection_permission(roles.EDIT_REPORT)
def statement_delete_view(
    request: HttpRequest, inspection: Inspection, statement_id: int
) -> HttpResponse:
    statement = selectors.access_statement_by_id(inspection=inspection, statement_id=statement_id)
    slug = selectors.section_of(statement)
    listed = selectors.StatementList(part=statement.part, question=statement.question, section=slug)
    form = forms.VersionForm(request.POST or None, initial={"version": statement.version})
    status = 0
    if request.method == "POST" and form.is_valid():
        status = run_service(
            form,
            lambda: services.statement_delete(
                actor=request.user,
                statement=statement,
                expected_version=form.cleaned_data["version"],
            ),
        )
        if not status:
            messages.success(request, f"The {listed.noun} is deleted.")
            return redirect(_section_url(inspection, slug, listed.anchor))
    return render(
        request,
        "reports/confirm.html",
        {
            "inspection": inspection,
            "form": form,
            "heading": f"Delete this {listed.noun}?",
            "quote": statement.text,
            "intro": "The statement and its citations are removed from the report. The audit "
            "trail keeps a copy.",
            "submit": "Delete the statement",
            "warning": True,
            "back": _section_url(inspection, slug, f"statement-{statement.pk}"),
        },
        status=status or (422 if form.errors else 200),
    )


@inspection_permission(roles.EDIT_REPORT)
def details_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    """The report's key facts, team, date of publication and progress review."""
    report = selectors.report_for(inspection=inspection)
    initial = {
        "publication_date": report.publication_date,
        "key_facts": forms.details_text(selectors.key_facts(inspection=inspection)),
        "team": forms.details_text(selectors.team(inspection=inspection)),
        "progress_review_intention": report.progress_review_intention,
        "progress_review_timescale": report.progress_review_timescale,
        "version": report.details_version,
    }
    form = forms.ReportDetailsForm(request.POST or None, initial=initial)
    status = 0
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        status = run_service(
            form,
            lambda: services.report_details_update(
                actor=request.user,
                inspection=inspection,
                expected_version=d["version"],
                publication_date=d["publication_date"],
                key_facts=d["key_facts"],
                team=d["team"],
                progress_review_intention=d["progress_review_intention"],
                progress_review_timescale=d["progress_review_timescale"],
            ),
        )
        if not status:
            messages.success(request, "The report's details are saved.")
            return redirect(reverse("reports:overview", args=[inspection.pk]))
    return render(
        request,
        "reports/details.html",
        {
            "inspection": inspection,
            "form": form,
            "report": report,
            "sections": selectors.sections_for(inspection=inspection),
            "can_edit": report.status in _EDITABLE,
        },
        status=status or (422 if form.errors else 200),
    )


# --- the report's status ----------------------------------------------------------

_TRANSITIONS: dict[str, tuple[str, str, str, str]] = {
    # slug: (heading, introduction, button, service)
    "share": (
        "Share the draft with the partnership",
        "The partnership contact can then read the draft (the public version: no evidence "
        "references, no case data) and comment on each statement for factual accuracy. "
        "You can go on editing while it is shared; each comment keeps the wording it was "
        "made on.",
        "Share the draft",
        "report_share",
    ),
    "final": (
        "Make the report final",
        "A final report is locked: its statements cannot be changed until it is reopened. "
        "Every statement must cite evidence and every comment from the partnership must be "
        "resolved first.",
        "Make the report final",
        "report_make_final",
    ),
    "publish": (
        "Publish the report",
        "The report is then published: its statements stay as they are, and the "
        "partnership contact can read and download the public versions.",
        "Publish the report",
        "report_publish",
    ),
    "reopen": (
        "Return the report to draft",
        "The report goes back to draft so its statements can be changed. If the draft "
        "was shared, the partnership contact no longer sees it.",
        "Return to draft",
        "report_reopen",
    ),
}


@inspection_permission(roles.MOVE_REPORT_ON)
def transition_view(request: HttpRequest, inspection: Inspection, transition: str) -> HttpResponse:
    if transition not in _TRANSITIONS:
        raise Http404
    heading, intro, submit, service = _TRANSITIONS[transition]
    report = selectors.report_for(inspection=inspection)
    form_class = forms.ReopenForm if transition == "reopen" else forms.VersionForm
    form = form_class(request.POST or None, initial={"version": report.version})
    status = 0
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        call = getattr(services, service)
        status = run_service(
            form,
            lambda: call(
                actor=request.user,
                inspection=inspection,
                expected_version=d.pop("version"),
                **d,
            ),
        )
        if not status:
            messages.success(request, f"{heading}: done.")
            return redirect("reports:overview", inspection_id=inspection.pk)
    blockers = selectors.final_blockers(inspection=inspection) if transition == "final" else []
    return render(
        request,
        "reports/confirm.html",
        {
            "inspection": inspection,
            "form": form,
            "heading": heading,
            "intro": intro,
            "submit": submit,
            "blockers": blockers,
            "back": reverse("reports:overview", kwargs={"inspection_id": inspection.pk}),
        },
        status=status or (422 if form.errors else 200),
    )


# --- the partnership's shared draft and comments -----------------------------------


def _readable(inspection: Inspection, report: Report) -> bool:
    """The team always reads the report; the partnership only a shared or published one."""
    return _can(inspection, roles.VIEW_REPORT) or selectors.shared_with_partnership(report)


@inspection_permission(roles.READ_SHARED_DRAFT)
def shared_draft_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    report = selectors.report_for(inspection=inspection)
    readable = _readable(inspection, report)
    if readable:
        audit_read(
            actor=request.user,
            inspection=inspection,
            object_type="report",
            object_id=inspection.reference,
            summary="Viewed the draft report as shared with the partnership",
        )
    comments: dict[int, list[Any]] = {}
    on_facts: dict[int | None, list[Any]] = {}
    for c in selectors.comment_list(inspection=inspection) if readable else []:
        if c.statement_id:
            comments.setdefault(c.statement_id, []).append(c)
        elif c.where == selectors.KEY_FACTS:
            on_facts.setdefault(c.key_fact_id, []).append(c)
    facts = selectors.key_fact_rows(inspection=inspection) if readable else []
    for fact in facts:
        fact.partnership_comments = on_facts.pop(fact.pk, [])  # type: ignore[attr-defined]
        fact.read_as = selectors.key_fact_text(fact)  # type: ignore[attr-defined]
    lists = selectors.all_statement_lists(inspection=inspection) if readable else []
    for _, section_lists in lists:
        for listed in section_lists:
            for s in listed.statements:
                s.partnership_comments = sorted(  # type: ignore[attr-defined]
                    comments.get(s.pk, []), key=lambda c: (c.created_at, c.pk)
                )
    return render(
        request,
        "reports/shared_draft.html",
        {
            "inspection": inspection,
            "report": report,
            "readable": readable,
            "lists": lists,
            "key_facts": facts,
            # Comments on rows the team has since changed (the table is saved whole).
            "earlier_fact_comments": [c for cs in on_facts.values() for c in cs],
            "can_comment": _can(inspection, roles.COMMENT_ON_DRAFT)
            and report.status == Report.Status.SHARED,
            "versions": _versions(inspection),
            "team": _can(inspection, roles.VIEW_REPORT),
        },
    )


@inspection_permission(roles.COMMENT_ON_DRAFT)
def statement_comment_view(
    request: HttpRequest, inspection: Inspection, statement_id: int
) -> HttpResponse:
    _shared_draft_or_404(inspection)
    statement = selectors.access_statement_by_id(inspection=inspection, statement_id=statement_id)
    return _comment_form(
        request,
        inspection,
        add=lambda text: services.comment_add(actor=request.user, statement=statement, text=text),
        anchor=f"statement-{statement.pk}",
        heading="Comment on a statement",
        where=selectors.where_of(statement),
        quote=statement.text,
        about="the statement is wrong or out of date",
    )


@inspection_permission(roles.COMMENT_ON_DRAFT)
def key_fact_comment_view(
    request: HttpRequest, inspection: Inspection, key_fact_id: int
) -> HttpResponse:
    _shared_draft_or_404(inspection)
    fact = selectors.access_key_fact_by_id(inspection=inspection, key_fact_id=key_fact_id)
    return _comment_form(
        request,
        inspection,
        add=lambda text: services.key_fact_comment_add(
            actor=request.user, key_fact=fact, text=text
        ),
        anchor=f"key-fact-{fact.pk}",
        heading="Comment on a key fact",
        where=selectors.KEY_FACTS,
        quote=selectors.key_fact_text(fact),
        about="the figure, its source or its date is wrong or out of date",
        label="Your comment on this key fact",
    )


def _shared_draft_or_404(inspection: Inspection) -> None:
    """The partnership comments only while the draft is shared with it."""
    if selectors.report_for(inspection=inspection).status != Report.Status.SHARED:
        raise Http404


def _comment_form(
    request: HttpRequest,
    inspection: Inspection,
    *,
    add: Callable[[str], Any],
    anchor: str,
    heading: str,
    where: str,
    quote: str,
    about: str,
    label: str | None = None,
) -> HttpResponse:
    """The partnership's comment form on one part of the shared draft: `add` sends it."""
    form = forms.CommentForm(request.POST or None)
    if label:
        form.fields["text"].label = label
    status = 0
    back = reverse("reports:shared_draft", kwargs={"inspection_id": inspection.pk})
    if request.method == "POST" and form.is_valid():
        status = run_service(form, lambda: add(form.cleaned_data["text"]))
        if not status:
            messages.success(request, "Your comment is sent to the inspection team.")
            return redirect(f"{back}#{anchor}")
    return render(
        request,
        "reports/confirm.html",
        {
            "inspection": inspection,
            "form": form,
            "heading": heading,
            "where": where,
            "quote": quote,
            "intro": f"Comments are for factual accuracy: tell the team where {about}. "
            "The team resolves each one and records how.",
            "submit": "Send the comment",
            "back": back,
            "current": "draft",
        },
        status=status or (422 if form.errors else 200),
    )


@inspection_permission(roles.VIEW_REPORT)
def comment_list_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    return render(
        request,
        "reports/comments.html",
        {
            "inspection": inspection,
            "comments": selectors.comment_list(inspection=inspection),
            "can_resolve": _can(inspection, roles.RESOLVE_COMMENTS),
        },
    )


@inspection_permission(roles.RESOLVE_COMMENTS)
def comment_resolve_view(
    request: HttpRequest, inspection: Inspection, comment_id: int
) -> HttpResponse:
    comment = selectors.access_comment_by_id(inspection=inspection, comment_id=comment_id)
    form = forms.ResolveForm(
        request.POST or None,
        initial={"version": comment.version, "resolution": comment.resolution},
    )
    status = 0
    if request.method == "POST" and form.is_valid():
        status = run_service(
            form,
            lambda: services.comment_resolve(
                actor=request.user,
                comment=comment,
                expected_version=form.cleaned_data["version"],
                resolution=form.cleaned_data["resolution"],
            ),
        )
        if not status:
            messages.success(request, f"The comment on {comment.where} is resolved.")
            return redirect("reports:comments", inspection_id=inspection.pk)
    changed = comment.statement is not None and comment.statement.text != comment.statement_text
    return render(
        request,
        "reports/confirm.html",
        {
            "inspection": inspection,
            "form": form,
            "heading": "Resolve a comment from the partnership",
            "where": comment.where,
            "quote": comment.statement_text,
            "comment": comment,
            "now": comment.statement.text if changed else None,
            "deleted": comment.statement is None,
            "submit": "Save the resolution",
            "back": reverse("reports:comments", kwargs={"inspection_id": inspection.pk}),
            "edit": comment.statement,
        },
        status=status or (422 if form.errors else 200),
    )


# --- reading and downloading the report --------------------------------------------


def _version(inspection: Inspection, report: Report, report_version: str) -> Version:
    """The version asked for, if this person may read it; 404 otherwise."""
    if report_version not in selectors.VERSION_NAMES or not _readable(inspection, report):
        raise Http404
    if report_version == "internal" and not _can(inspection, roles.VIEW_REPORT):
        raise Http404
    return report_version  # type: ignore[return-value]


@inspection_permission(roles.DOWNLOAD_REPORT)
def preview_view(request: HttpRequest, inspection: Inspection, report_version: str) -> HttpResponse:
    report = selectors.report_for(inspection=inspection)
    version = _version(inspection, report, report_version)
    audit_read(
        actor=request.user,
        inspection=inspection,
        object_type="report",
        object_id=version,
        summary=f"Read the report ({selectors.VERSION_NAMES[version].lower()})",
    )
    core = selectors.core_report(inspection=inspection)
    return render(
        request,
        "reports/preview.html",
        {
            "inspection": inspection,
            "report": report,
            "version": version,
            "version_name": selectors.VERSION_NAMES[version],
            # The core's fragment: escaped throughout, no inline style or script (CSP).
            "article": render_html_fragment(core, version=version),
            "title": core.young_people_title if version == "young-people" else core.title,
            "versions": _versions(inspection),
            "team": _can(inspection, roles.VIEW_REPORT),
        },
    )


@inspection_permission(roles.DOWNLOAD_REPORT)
def download_view(
    request: HttpRequest, inspection: Inspection, report_version: str, file_type: str
) -> HttpResponse:
    """HTML comes at once; a PDF or Word file is built by a job (2–4 s of layout, never in
    the request): this page starts it, and the job's page offers the file when it is ready."""
    report = selectors.report_for(inspection=inspection)
    version = _version(inspection, report, report_version)
    if file_type not in selectors.FILE_TYPES:
        raise Http404
    if file_type != "html":
        if file_type == "docx":
            # A Word template kept before its checks grew stricter: say why, never a
            # failed job or a 500.
            unusable = selectors.template_refusals(inspection=inspection)
            if unusable:
                return _template_unusable(request, inspection, unusable)
        if request.method == "POST":
            job = report_build_enqueue(
                actor=request.user, inspection=inspection, version=version, file_type=file_type
            )
            return redirect(job)
        return render(
            request,
            "reports/build.html",
            {
                "inspection": inspection,
                "version": version,
                "version_name": selectors.VERSION_NAMES[version],
                "format_name": FORMAT_NAMES[file_type],
            },
        )
    out = selectors.report_file(inspection=inspection, version=version, file_type=file_type)
    audit_read(
        actor=request.user,
        inspection=inspection,
        action=AuditEvent.Action.EXPORT,
        object_type="report",
        object_id=f"{version}.{file_type}",
        summary=f"Downloaded the report ({selectors.VERSION_NAMES[version].lower()}, "
        f"{file_type.upper()})",
    )
    response = HttpResponse(out.content, content_type=out.content_type)
    name_download(response, out.file_name)
    return response


# --- Word templates: the organisation's, and an inspection's own ----------------------


def _template_unusable(
    request: HttpRequest, inspection: Inspection, reasons: list[str]
) -> HttpResponse:
    messages.error(
        request,
        "The Word file could not be made: the Word template in use can no longer be used. "
        + " ".join(reasons)
        + " Upload a corrected template, or remove it to use the house style.",
    )
    kwargs = {"inspection_id": inspection.pk}
    if _can(inspection, roles.MANAGE_REPORT_TEMPLATE):
        return redirect("reports:template", **kwargs)
    if _can(inspection, roles.VIEW_REPORT):
        return redirect("reports:overview", **kwargs)
    return redirect("reports:shared_draft", **kwargs)


@inspection_permission(roles.MANAGE_REPORT_TEMPLATE)
@csrf_exempt  # checked by _template_page, after the size limit is in place (surveys/uploads.py)
def template_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    limit_uploads(request, limit=settings.REPORT_TEMPLATE_MAX_BYTES)
    return _template_page(request, inspection)


@administrator
@csrf_exempt  # checked by _template_page, after the size limit is in place (surveys/uploads.py)
def organisation_template_view(request: HttpRequest) -> HttpResponse:
    limit_uploads(request, limit=settings.REPORT_TEMPLATE_MAX_BYTES)
    return _template_page(request, None)


@csrf_protect
def _template_page(request: HttpRequest, inspection: Inspection | None) -> HttpResponse:
    """Upload or replace a template: the inspection's own, or with None the organisation's."""
    form = forms.TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        too_big = refused_size(request)
        if too_big is not None:
            # The file was never read, so the form only knows it is missing: say why.
            form.is_valid()
            form.errors["template"] = form.error_class(
                [
                    f"The file is {human_size(too_big)}; templates up to "
                    f"{human_size(settings.REPORT_TEMPLATE_MAX_BYTES)} are accepted."
                ]
            )
        elif form.is_valid():
            upload = form.cleaned_data["template"]
            path = store_upload(upload, directory=settings.REPORT_TEMPLATES_DIR, suffix=".docx")
            try:
                uploaded = services.template_upload(
                    actor=request.user, inspection=inspection, path=path, file_name=upload.name
                )
            except services.Refused as exc:
                for reason in exc.reasons:
                    form.add_error("template", reason.removeprefix("Template: "))
            else:
                messages.success(request, f"The Word template {upload.name} is in use.")
                for warning in uploaded.warnings:
                    messages.warning(request, f"Check the template: {warning}")
                return _template_page_redirect(inspection)
    own = selectors.template_of(inspection=inspection)
    return render(
        request,
        "reports/template.html",
        {
            "inspection": inspection,
            "form": form,
            "own": own,
            "notes": selectors.template_notes(own) if own else [],
            # What an inspection without its own template falls back to.
            "organisation": selectors.template_of(inspection=None) if inspection else None,
            "max_size": human_size(settings.REPORT_TEMPLATE_MAX_BYTES),
            "placeholders": [f"{{{{{name}}}}}" for name in KNOWN_PLACEHOLDERS],
            "team": inspection is not None and _can(inspection, roles.VIEW_REPORT),
        },
        status=422 if form.errors else 200,
    )


def _template_page_redirect(inspection: Inspection | None) -> HttpResponse:
    if inspection is None:
        return redirect("reports:organisation_template")
    return redirect("reports:template", inspection_id=inspection.pk)


@require_POST
@inspection_permission(roles.MANAGE_REPORT_TEMPLATE)
def template_remove_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    if services.template_remove(actor=request.user, inspection=inspection):
        fallback = (
            "the organisation's template"
            if selectors.template_of(inspection=None)
            else "the house style"
        )
        messages.success(request, f"The Word template is removed: downloads use {fallback}.")
    return _template_page_redirect(inspection)


@require_POST
@administrator
def organisation_template_remove_view(request: HttpRequest) -> HttpResponse:
    if services.template_remove(actor=request.user, inspection=None):
        messages.success(
            request,
            "The organisation's Word template is removed: inspections without their own "
            "template use the house style.",
        )
    return _template_page_redirect(None)
