"""The REST API: thin views over the same selectors, services and role table as the pages.

Every endpoint below an inspection authorises through `access_inspection_by_id` with a
permission from `inspections/roles.py`, so a token can do exactly what its person can do
in the browser, and a missing or forbidden inspection is the same 404. Reads of
children's data are written to the audit trail as the pages write them; writes go
through the apps' services, which audit them in the same transaction.
"""

from typing import Any

from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from scrutiny.core.evaluation import evaluate
from scrutiny.core.methodology import load_programme
from scrutiny.core.refusal import Refused
from scrutiny.core.report_figures import SUPPRESS_BELOW
from scrutiny.core.surveys import CARE_GROUPS, Entry, Inclusion, Status, SurveyImportError
from scrutiny.web.audit.services import audit_read
from scrutiny.web.evidence.models import Evidence
from scrutiny.web.evidence.selectors import (
    SEARCH_LENGTH_MAX,
    SEARCH_WORDS_MAX,
    EvidenceFilters,
    evidence_list,
    note_tags,
)
from scrutiny.web.evidence.services import EvidenceRefused, Tags, evidence_create
from scrutiny.web.inspections import roles
from scrutiny.web.inspections.access import access_inspection_by_id, inspections_visible_to
from scrutiny.web.inspections.bundle_io import inspection_bundle
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.inspections.services import StaleEdit
from scrutiny.web.programmes.selectors import access_programme_by_id, overview_for, parse_years
from scrutiny.web.records.forms import NOT_APPLICABLE, ReadingForm
from scrutiny.web.records.models import Assignment
from scrutiny.web.records.selectors import access_assignment_by_id, item_titles, results_for
from scrutiny.web.records.services import ReadingIncomplete, reading_save, reading_submit
from scrutiny.web.reports import selectors as report_selectors
from scrutiny.web.reports.services import comment_add
from scrutiny.web.surveys.selectors import survey_counts, survey_results
from scrutiny.web.surveys.services import survey_responses_add

# --- paging and shared shapes -----------------------------------------------------


class Cursor(CursorPagination):
    """Cursor pages: stable while rows are added, and no count query on large lists."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "id"


def _inspection(request: Request, inspection_id: int, permission: str) -> Inspection:
    return access_inspection_by_id(
        user=request.user, inspection_id=inspection_id, permission=permission
    )


def _refused(exc: Refused) -> ValidationError:
    return ValidationError({"errors": list(exc.reasons)})


class InspectionOut(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    partnership = serializers.CharField()
    programme = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField(allow_null=True)
    phase = serializers.CharField()
    role = serializers.CharField(allow_null=True, help_text="Your role in its team, if any.")


def _inspection_out(inspection: Inspection, role: str | None) -> dict[str, Any]:
    return {
        "id": inspection.pk,
        "reference": inspection.reference,
        "partnership": inspection.partnership,
        "programme": inspection.programme,
        "start": inspection.start,
        "end": inspection.end,
        "phase": inspection.phase,
        "role": role,
    }


# --- inspections ------------------------------------------------------------------


class InspectionListApi(APIView):
    @extend_schema(
        summary="Inspections you may see",
        parameters=[OpenApiParameter("programme", str, description="Only this programme.")],
        responses=InspectionOut(many=True),
    )
    def get(self, request: Request) -> Response:
        rows = inspections_visible_to(request.user).order_by("id")
        if programme := request.query_params.get("programme"):
            rows = rows.filter(programme=programme)
        roles_by_id = dict(request.user.memberships.values_list("inspection_id", "role"))
        pager = Cursor()
        page = pager.paginate_queryset(rows, request, view=self)
        assert page is not None
        return pager.get_paginated_response(
            [_inspection_out(i, roles_by_id.get(i.pk)) for i in page]
        )


class InspectionApi(APIView):
    @extend_schema(summary="One inspection", responses=InspectionOut)
    def get(self, request: Request, inspection_id: int) -> Response:
        inspection = _inspection(request, inspection_id, roles.VIEW)
        return Response(_inspection_out(inspection, inspection.viewer_role))  # type: ignore[attr-defined]


# --- evaluations ------------------------------------------------------------------


class EvaluationsApi(APIView):
    @extend_schema(
        summary="Evaluations with their limiters and figures",
        description="The same document as `scrutiny evaluate --json` on the inspection's "
        "bundle: each evaluated indicator's proposal, cap, final evaluation, status, the "
        "limiters that apply with the figures behind them, and the statistics.",
        responses=inline_serializer(
            "Evaluations",
            {
                "programme": serializers.CharField(),
                "indicators": serializers.DictField(child=serializers.DictField()),
                "statistics": serializers.DictField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request: Request, inspection_id: int) -> Response:
        inspection = _inspection(request, inspection_id, roles.VIEW_EVALUATIONS)
        programme = load_programme(inspection.programme)
        evaluation = evaluate(inspection_bundle(inspection=inspection), programme)
        return Response(evaluation.to_json())


# --- record reading (aggregates only) ---------------------------------------------


class DistributionOut(serializers.Serializer):
    label = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField())
    not_applicable = serializers.IntegerField()
    rated = serializers.IntegerField()


class ReadingResultsApi(APIView):
    @extend_schema(
        summary="Record-reading results (aggregates of the agreed readings)",
        responses=inline_serializer(
            "ReadingResults",
            {
                "records": serializers.IntegerField(),
                "items": inline_serializer(
                    "ReadingItem",
                    {
                        "id": serializers.CharField(),
                        "title": serializers.CharField(),
                        "overall": DistributionOut(),
                        "by_care_group": DistributionOut(many=True),
                    },
                    many=True,
                ),
            },
        ),
    )
    def get(self, request: Request, inspection_id: int) -> Response:
        inspection = _inspection(request, inspection_id, roles.VIEW_RECORDS)
        programme = load_programme(inspection.programme)
        page = results_for(inspection=inspection, programme=programme)
        audit_read(
            actor=request.user,
            inspection=inspection,
            object_type="record_results",
            summary="Read the record-reading results through the API",
        )
        labels = [programme.scale.label(p) for p in range(1, 7)]

        def dist(d: Any) -> dict[str, Any]:
            return {
                "label": d.label,
                "counts": dict(zip(labels, d.counts, strict=True)),
                "not_applicable": d.not_applicable,
                "rated": d.rated,
            }

        return Response(
            {
                "records": page.records,
                "items": [
                    {
                        "id": item.id,
                        "title": item.title,
                        "overall": dist(item.overall),
                        "by_care_group": [dist(d) for d in item.by_group],
                    }
                    for item in page.items
                ],
            }
        )


# --- surveys (suppressed aggregates) ----------------------------------------------


class SurveyResultsApi(APIView):
    @extend_schema(
        summary="Survey results, small numbers suppressed as in the report",
        responses=inline_serializer(
            "SurveyResults",
            {
                "surveys": inline_serializer(
                    "SurveyResult",
                    {
                        "id": serializers.CharField(),
                        "title": serializers.CharField(),
                        "responses": serializers.IntegerField(),
                        "items": serializers.ListField(child=serializers.DictField()),
                    },
                    many=True,
                )
            },
        ),
    )
    def get(self, request: Request, inspection_id: int) -> Response:
        inspection = _inspection(request, inspection_id, roles.VIEW_SURVEYS)
        programme = load_programme(inspection.programme)
        counts = survey_counts(inspection=inspection)
        audit_read(
            actor=request.user,
            inspection=inspection,
            object_type="survey_results",
            summary="Read the survey results through the API",
        )
        surveys = []
        for survey in programme.surveys:
            items = survey_results(inspection=inspection, programme=programme, survey=survey)
            surveys.append(
                {
                    "id": survey.id,
                    "title": survey.title,
                    "responses": counts.get(survey.id, 0),
                    "items": [
                        {
                            "id": item.id,
                            "text": item.text,
                            "tables": [_table(t.table) for t in item.tables],
                        }
                        for item in items
                    ],
                }
            )
        return Response({"surveys": surveys})


# --- survey responses (written, all or nothing) ------------------------------------

# A request is stored in one short transaction, inside the request: it stays small. A
# larger export goes through the import page, whose job worker reads files of any size.
MAX_SURVEY_RESPONSES = 500
# The JSON read for one request: 500 responses with a long free-text answer or two.
MAX_SURVEY_BODY_BYTES = 8 * 1024 * 1024
_SURVEY_BOUND = (
    f"At most {MAX_SURVEY_RESPONSES} responses and {MAX_SURVEY_BODY_BYTES // (1024 * 1024)} MB "
    "of JSON a request, stored in one transaction; send more in further requests, or "
    "upload the tool's export on the survey's import page, which takes files of any size "
    "as a background job."
)


class SurveyResponseIn(serializers.Serializer):
    respondent = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="The tool's pseudonymous id of the response (never a name). Once per "
        "survey; without one the response is named api-<number>.",
    )
    care_group = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=100,
        help_text=f"One of {', '.join(CARE_GROUPS)} (or the words the import recognises, "
        "such as 'Foster care'); 'none' or 'not looked after' for none.",
    )
    status = serializers.ChoiceField(
        choices=[s.value for s in Status],
        default=Status.COMPLETE.value,
        help_text="What the survey tool says of the response. Only complete responses "
        "are returns, unless `include` says otherwise.",
    )
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True, allow_null=True, trim_whitespace=False),
        help_text="The survey's item ids to answers: one of the item's options (matched "
        "as the file import matches them: case, spacing and common synonyms such as "
        "'Y' for 'yes') or free text; empty or null for no answer.",
    )


class SurveyResponsesIn(serializers.Serializer):
    responses = serializers.ListField(
        child=SurveyResponseIn(),
        help_text=f"The responses, 1 to {MAX_SURVEY_RESPONSES}.",
    )
    include = serializers.ListField(
        child=serializers.ChoiceField(choices=["incomplete", "rejected", "on_hold"]),
        required=False,
        help_text="The team's decision to count responses of these statuses too; needs "
        "`reason`, and is recorded in the audit trail.",
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("include") and not attrs.get("reason", "").strip():
            raise ValidationError(
                {"reason": ["Say why the team decided to count these responses."]}
            )
        return attrs


class ProblemOut(serializers.Serializer):
    field = serializers.CharField(help_text="Where: responses[3].answers.feel_safe")
    message = serializers.CharField()


_ProblemsOut = inline_serializer(
    "SurveyResponsesRefused",
    {
        "errors": serializers.ListField(
            child=serializers.CharField(), help_text="Each problem as a sentence with its place."
        ),
        "problems": ProblemOut(many=True),
    },
)


def _problems(pairs: list[tuple[str, str]], status_code: int = 400) -> Response:
    return Response(
        {
            "errors": [f"{field}: {message}" if field else message for field, message in pairs],
            "problems": [{"field": field, "message": message} for field, message in pairs],
        },
        status=status_code,
    )


def _flatten(detail: Any, place: str = "") -> list[tuple[str, str]]:
    """DRF's nested errors as (place, message) pairs: ``responses[3].status``."""
    if isinstance(detail, dict):
        return [
            pair
            for key, inner in detail.items()
            for pair in _flatten(
                inner,
                f"{place}[{key}]" if isinstance(key, int) else f"{place}.{key}" if place else key,
            )
        ]
    if isinstance(detail, list) and any(isinstance(d, (dict, list)) for d in detail):
        return [pair for i, inner in enumerate(detail) for pair in _flatten(inner, f"{place}[{i}]")]
    if isinstance(detail, list):
        return [(place, str(d)) for d in detail]
    return [(place, str(detail))]


class SurveyResponsesApi(APIView):
    @extend_schema(
        summary="Add responses to a survey, all or nothing",
        description="The same checks as the survey import: every answer must be one of "
        "its item's options or free text within the limit, the care group one the "
        "programme knows, each respondent id new to the survey; unfinished, rejected or "
        "on-hold responses are left out unless the team decides to count them, and "
        "responses answering nothing are never returns. One bad response refuses the "
        "request (400), each problem named by its response's index and field, and "
        "nothing is stored. Refused with 409 while the evaluations are agreed or signed "
        "off. Stored responses count in the survey's results exactly as imported ones; a "
        f"later file import replaces the survey's responses, these included. {_SURVEY_BOUND}",
        request=SurveyResponsesIn,
        responses={
            201: inline_serializer(
                "SurveyResponsesAdded",
                {
                    "survey": serializers.CharField(),
                    "added": serializers.IntegerField(),
                    "responses": inline_serializer(
                        "SurveyResponseAdded",
                        {
                            "index": serializers.IntegerField(
                                help_text="Its place in the request's list."
                            ),
                            "respondent": serializers.CharField(),
                        },
                        many=True,
                    ),
                    "completeness": serializers.DictField(
                        child=serializers.JSONField(),
                        help_text="The request's responses by status, how many answered "
                        "nothing and how many were counted.",
                    ),
                    "total": serializers.IntegerField(help_text="The survey's responses now."),
                    "results": serializers.CharField(help_text="The survey results' address."),
                },
            ),
            400: _ProblemsOut,
            409: _ProblemsOut,
            413: _ProblemsOut,
        },
    )
    def post(self, request: Request, inspection_id: int, survey_id: str) -> Response:
        inspection = _inspection(request, inspection_id, roles.IMPORT_SURVEYS)
        survey = load_programme(inspection.programme).survey(survey_id)
        if survey is None:
            raise Http404
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > MAX_SURVEY_BODY_BYTES:  # refused before a byte of it is parsed
            return _problems(
                [("", f"The request is {declared:,} bytes long. {_SURVEY_BOUND}")], 413
            )
        sent = request.data.get("responses") if isinstance(request.data, dict) else None
        if isinstance(sent, list) and len(sent) > MAX_SURVEY_RESPONSES:
            return _problems([("responses", f"{len(sent):,} responses sent. {_SURVEY_BOUND}")])
        data = SurveyResponsesIn(data=request.data)
        if not data.is_valid():
            return _problems(_flatten(data.errors))
        v = data.validated_data
        entries = [
            Entry(
                answers=r["answers"],
                respondent=r.get("respondent"),
                care_group=r.get("care_group"),
                status=Status(r["status"]),
            )
            for r in v["responses"]
        ]
        include = set(v.get("include", []))
        inclusion = Inclusion(
            incomplete="incomplete" in include,
            rejected="rejected" in include,
            on_hold="on_hold" in include,
        )
        try:
            added = survey_responses_add(
                actor=request.user,
                inspection=inspection,
                survey=survey,
                entries=entries,
                inclusion=inclusion,
                reason=v.get("reason", ""),
            )
        except SurveyImportError as exc:
            pairs = [(p.column or "", p.message) for p in exc.problems]
            more = sum(exc.unlisted.values())
            if more:
                pairs.append(("", f"... and {more} more problems"))
            return _problems(pairs)
        except Refused as exc:  # the evaluations are agreed or signed off
            return _problems([("", reason) for reason in exc.reasons], status.HTTP_409_CONFLICT)
        return Response(
            {
                "survey": survey.id,
                "added": len(added.respondents),
                "responses": [{"index": i, "respondent": r} for i, r in added.respondents],
                "completeness": added.completeness.to_json(),
                "total": added.total,
                "results": reverse("api:survey_results", args=[inspection.pk]),
            },
            status=status.HTTP_201_CREATED,
        )


def _table(table: Any) -> dict[str, Any]:
    """A suppressed table as shown: hidden cells carry their status, never their count."""

    def cell(c: Any) -> dict[str, Any]:
        return {
            "status": c.status,
            "count": c.value,
            "display": c.display,
            "percent": c.percent,
        }

    return {
        "title": table.title,
        "columns": list(table.columns),
        "rows": [
            {"label": r.label, "cells": [cell(c) for c in r.cells], "total": cell(r.total)}
            for r in table.rows
        ],
        "note": table.note if table.any_suppressed else None,
    }


# --- evidence notes ---------------------------------------------------------------


class EvidenceOut(serializers.Serializer):
    id = serializers.CharField(help_text="The note's evidence id, as cited in the report.")
    source = serializers.CharField()
    source_label = serializers.CharField(allow_blank=True)
    text = serializers.CharField()
    kind = serializers.CharField()
    care_group = serializers.CharField(allow_null=True)
    date = serializers.DateField(allow_null=True)
    questions = serializers.ListField(child=serializers.IntegerField())
    indicators = serializers.ListField(child=serializers.CharField())


class EvidenceIn(serializers.Serializer):
    source = serializers.ChoiceField(choices=Evidence.Source.choices)
    source_label = serializers.CharField(max_length=200, required=False, allow_blank=True)
    text = serializers.CharField(max_length=20_000)
    kind = serializers.ChoiceField(choices=Evidence.Kind.choices)
    care_group = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    date = serializers.DateField(required=False, allow_null=True)
    questions = serializers.ListField(child=serializers.IntegerField(), required=False)
    indicators = serializers.ListField(child=serializers.CharField(), required=False)


def _evidence_out(note: Evidence) -> dict[str, Any]:
    tags = note_tags(note)
    return {
        "id": note.ident,
        "source": note.source,
        "source_label": note.source_label,
        "text": note.text,
        "kind": note.kind,
        "care_group": note.care_group,
        "date": note.date,
        "questions": tags["questions"],
        "indicators": tags["indicators"],
    }


# The evidence page's own bound (evidence.selectors), so a search means the same here.
MAX_SEARCH_WORDS = SEARCH_WORDS_MAX
MAX_SEARCH_LENGTH = SEARCH_LENGTH_MAX


def _evidence_filters(request: Request) -> EvidenceFilters:
    q = request.query_params
    text = q.get("q", "")
    if len(text) > MAX_SEARCH_LENGTH or len(text.split()) > MAX_SEARCH_WORDS:
        raise ValidationError(
            {
                "q": [
                    f"Search with at most {MAX_SEARCH_WORDS} words and {MAX_SEARCH_LENGTH} characters."
                ]
            }
        )
    question = q.get("question")
    if question is not None and not question.isdigit():
        raise ValidationError({"question": ["Give a question number, such as 2."]})
    return EvidenceFilters(
        text=text,
        question=int(question) if question is not None else None,
        indicator=q.get("indicator") or None,
        source=q.get("source") or None,
        kind=q.get("kind") or None,
        care_group=q.get("care_group") or None,
    )


class EvidenceListApi(APIView):
    @extend_schema(
        summary="Evidence notes",
        parameters=[
            OpenApiParameter("q", str, description="Words the note contains."),
            OpenApiParameter("question", int),
            OpenApiParameter("indicator", str),
            OpenApiParameter("kind", str),
            OpenApiParameter("source", str),
        ],
        responses=EvidenceOut(many=True),
    )
    def get(self, request: Request, inspection_id: int) -> Response:
        inspection = _inspection(request, inspection_id, roles.VIEW_EVIDENCE)
        filters = _evidence_filters(request)
        rows = evidence_list(inspection=inspection, filters=filters).order_by("id")
        pager = Cursor()
        page = pager.paginate_queryset(rows, request, view=self)
        assert page is not None
        audit_read(
            actor=request.user,
            inspection=inspection,
            object_type="evidence",
            summary=f"Read {len(page)} evidence notes through the API",
        )
        return pager.get_paginated_response([_evidence_out(n) for n in page])

    @extend_schema(summary="Add an evidence note", request=EvidenceIn, responses={201: EvidenceOut})
    def post(self, request: Request, inspection_id: int) -> Response:
        inspection = _inspection(request, inspection_id, roles.EDIT_EVIDENCE)
        data = EvidenceIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            note = evidence_create(
                actor=request.user,
                inspection=inspection,
                source=v["source"],
                source_label=v.get("source_label", ""),
                text=v["text"],
                kind=v["kind"],
                date=v.get("date"),
                care_group=v.get("care_group") or None,
                tags=Tags(v.get("questions", []), v.get("indicators", [])),
            )
        except EvidenceRefused as exc:
            raise ValidationError({exc.field: [exc.message]}) from None
        return Response(_evidence_out(note), status=status.HTTP_201_CREATED)


# --- the report -------------------------------------------------------------------


class StatementOut(serializers.Serializer):
    id = serializers.IntegerField()
    part = serializers.CharField()
    question = serializers.IntegerField(allow_null=True)
    position = serializers.IntegerField()
    text = serializers.CharField()
    evidence = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Team only: cited notes."
    )


class ReportApi(APIView):
    @extend_schema(
        summary="The report and its statements",
        description="The team reads every statement with the evidence it cites. The "
        "partnership contact reads the draft only while it is shared with them (or once "
        "published), as public text without evidence references.",
        responses=inline_serializer(
            "Report",
            {
                "status": serializers.CharField(),
                "version": serializers.IntegerField(),
                "statements": StatementOut(many=True),
            },
        ),
    )
    def get(self, request: Request, inspection_id: int) -> Response:
        inspection = _inspection(request, inspection_id, roles.READ_SHARED_DRAFT)
        report = report_selectors.report_for(inspection=inspection)
        team = roles.VIEW_REPORT in inspection.viewer_permissions  # type: ignore[attr-defined]
        if not team and not report_selectors.shared_with_partnership(report):
            raise Http404
        audit_read(
            actor=request.user,
            inspection=inspection,
            object_type="report",
            object_id=inspection.reference,
            summary="Read the report through the API"
            if team
            else "Read the draft report as shared with the partnership through the API",
        )
        statements = []
        for _section, lists in report_selectors.all_statement_lists(inspection=inspection):
            for listed in lists:
                for s in listed.statements:
                    row: dict[str, Any] = {
                        "id": s.pk,
                        "part": s.part,
                        "question": s.question,
                        "position": s.position,
                        "text": s.text,
                    }
                    if team:
                        row["evidence"] = [c.evidence.ident for c in s.citations.all()]
                    statements.append(row)
        return Response(
            {"status": report.status, "version": report.version, "statements": statements}
        )


class CommentIn(serializers.Serializer):
    text = serializers.CharField(max_length=5000)


class StatementCommentApi(APIView):
    @extend_schema(
        summary="Comment on a statement of the shared draft (factual accuracy)",
        request=CommentIn,
        responses={201: inline_serializer("Comment", {"id": serializers.IntegerField()})},
    )
    def post(self, request: Request, inspection_id: int, statement_id: int) -> Response:
        inspection = _inspection(request, inspection_id, roles.COMMENT_ON_DRAFT)
        statement = report_selectors.access_statement_by_id(
            inspection=inspection, statement_id=statement_id
        )
        data = CommentIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                comment = comment_add(
                    actor=request.user, statement=statement, text=data.validated_data["text"]
                )
        except Refused as exc:
            raise _refused(exc) from None
        return Response({"id": comment.pk}, status=status.HTTP_201_CREATED)


# --- record readings (the reader's own) -------------------------------------------


class AssignmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    record = serializers.CharField(help_text="The record's pseudonymous id.")
    kind = serializers.CharField()
    status = serializers.CharField()
    version = serializers.IntegerField(help_text="Send it back with a save: stale saves get 409.")


class NoteIn(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    kind = serializers.ChoiceField(choices=["", "strength", "area_for_development"], required=False)
    questions = serializers.ListField(child=serializers.IntegerField(), required=False)
    indicators = serializers.ListField(child=serializers.CharField(), required=False)


class ReadingIn(serializers.Serializer):
    version = serializers.IntegerField()
    ratings = serializers.DictField(
        child=serializers.IntegerField(min_value=1, max_value=6, allow_null=True),
        help_text="Item id to 1 (unsatisfactory) … 6 (excellent), or null for not applicable.",
    )
    notes = serializers.DictField(child=NoteIn(), required=False)
    submit = serializers.BooleanField(
        default=False, help_text="Submit the reading; refused while an item is not rated."
    )


def _assignment_out(a: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "record": a.sampled_record.record,
        "kind": a.kind,
        "status": a.status,
        "version": a.version,
    }


class ReadingListApi(APIView):
    @extend_schema(
        summary="The records assigned to you to read", responses=AssignmentOut(many=True)
    )
    def get(self, request: Request, inspection_id: int) -> Response:
        inspection = _inspection(request, inspection_id, roles.READ_RECORDS)
        rows = (
            Assignment.objects.filter(inspection=inspection, reader=request.user)
            .select_related("sampled_record")
            .order_by("id")
        )
        return Response([_assignment_out(a) for a in rows])


class ReadingApi(APIView):
    @extend_schema(
        summary="Save or submit your reading of a record",
        description="The same checks as the reading form: every item id must be one of the "
        "programme's reading-tool items; a submitted reading must rate every item (or mark "
        "it not applicable). Nothing is written when anything is refused.",
        request=ReadingIn,
        responses={200: AssignmentOut},
    )
    def put(self, request: Request, inspection_id: int, assignment_id: int) -> Response:
        inspection = _inspection(request, inspection_id, roles.READ_RECORDS)
        assignment = access_assignment_by_id(
            inspection=inspection, user=request.user, assignment_id=assignment_id
        )
        data = ReadingIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        programme = load_programme(inspection.programme)
        items = item_titles(programme, assignment.ratings)
        known = {item for item, _ in items}
        unknown = sorted((set(v["ratings"]) | set(v.get("notes", {}))) - known)
        if unknown:
            raise ValidationError(
                {"ratings": [f"{unknown[0]!r} is not an item of the reading tool."]}
            )
        # The reading form's own rules (choices, note length, tags) check the entries.
        form = ReadingForm(_form_data(v), programme=programme, items=items)
        if not form.is_valid():
            raise ValidationError(
                {
                    field.replace("-", ".", 1): [str(e) for e in errors]
                    for field, errors in form.errors.items()
                }
            )
        args = {
            "actor": request.user,
            "assignment": assignment,
            "expected_version": v["version"],
            "ratings": form.ratings(),
            "notes": form.notes(),
        }
        try:
            if v["submit"]:
                reading_submit(**args, programme=programme)
            else:
                reading_save(**args)
        except StaleEdit:
            return Response({"errors": [StaleEdit.message]}, status=status.HTTP_409_CONFLICT)
        except Refused as exc:  # the evaluations are agreed or signed off: not submitted
            raise _refused(exc) from None
        except ReadingIncomplete as exc:
            raise ValidationError(
                {"ratings": [f"Not rated (rate, or mark not applicable): {', '.join(exc.missing)}"]}
            ) from None
        assignment.refresh_from_db()
        return Response(_assignment_out(assignment))


def _form_data(v: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"version": v["version"]}
    for item, value in v["ratings"].items():
        data[f"rating-{item}"] = NOT_APPLICABLE if value is None else str(value)
    for item, note in v.get("notes", {}).items():
        data[f"note-{item}"] = note["text"]
        data[f"kind-{item}"] = note.get("kind", "")
        data[f"questions-{item}"] = [str(q) for q in note.get("questions", [])]
        data[f"indicators-{item}"] = note.get("indicators", [])
    return MultiValueDict({k: v if isinstance(v, list) else [v] for k, v in data.items()})


# --- the programme overview (programme managers and administrators) ----------------


def _shown(total: int, shown: str) -> int | None:
    """A programme total as a number where the overview prints it, else null."""
    return total if shown == str(total) else None


class ProgrammeOverviewApi(APIView):
    @extend_schema(
        summary="The programme overview: published inspections' figures added up",
        parameters=[OpenApiParameter("year", int, many=True, description="Only these years.")],
        responses=inline_serializer(
            "ProgrammeOverview",
            {
                "programme": serializers.CharField(),
                "inspections": serializers.IntegerField(),
                "records_read": serializers.IntegerField(allow_null=True),
                "survey_returns": serializers.DictField(
                    child=serializers.IntegerField(allow_null=True)
                ),
                "statistics": serializers.DictField(child=serializers.DictField()),
                "evaluations": serializers.DictField(child=serializers.DictField()),
                "limiters": serializers.ListField(child=serializers.DictField()),
                "partnerships": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request: Request, programme_id: str) -> Response:
        if not (request.user.is_administrator or request.user.is_programme_manager):
            raise Http404
        programme = access_programme_by_id(programme_id=programme_id)
        years = parse_years(request.query_params.getlist("year"))
        overview, _ = overview_for(programme=programme, years=years)
        scale = programme.scale
        return Response(
            {
                "programme": programme.title,
                "inspections": len(overview.inspections),
                # Small numbers hidden by the overview's own rules (the reports' threshold,
                # and no sum that gives away a count a report hid): null where hidden.
                "records_read": _shown(overview.records_read, overview.records_read_shown),
                "survey_returns": {
                    sid: _shown(n, overview.survey_returns_shown.get(sid, ""))
                    for sid, _title, n in overview.survey_returns
                },
                "statistics": {
                    s.id: {
                        "sentence": s.sentence,
                        "count": s.count
                        if s.count_shown
                        and s.count >= SUPPRESS_BELOW
                        and s.denominator - s.count >= SUPPRESS_BELOW
                        else None,
                        "of": s.denominator if s.denominator_shown else None,
                    }
                    for s in overview.statistics
                },
                "evaluations": {
                    ind.id: {
                        "title": ind.title,
                        "counts": {scale.name(v): n for v, n in ind.counts},
                        "not_final": ind.not_final,
                    }
                    for ind in overview.indicators
                },
                "limiters": [
                    {
                        "indicator": lim.indicator,
                        "title": lim.title,
                        "applied": lim.applied,
                        "of": lim.of,
                    }
                    for lim in overview.limiters
                ],
                "partnerships": [
                    {
                        "partnership": f.partnership,
                        "year": f.year,
                        "evaluations": {
                            k: scale.name(v) if v is not None else None
                            for k, v in f.evaluations.items()
                        },
                    }
                    for f in overview.inspections
                ],
            }
        )
