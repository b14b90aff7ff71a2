from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from scrutiny.core.methodology import load_programme
from scrutiny.web.audit.services import audit_read
from scrutiny.web.inspections import roles
from scrutiny.web.inspections.models import Inspection
from scrutiny.web.rules import inspection_permission
from scrutiny.web.surveys.selectors import response_list, survey_counts


@inspection_permission(roles.VIEW_SURVEYS)
def survey_list_view(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    programme = load_programme(inspection.programme)
    counts = survey_counts(inspection=inspection)
    surveys = [(s, counts.get(s.id, 0)) for s in programme.surveys]
    return render(request, "surveys/list.html", {"inspection": inspection, "surveys": surveys})


@inspection_permission(roles.VIEW_SURVEYS)
def survey_responses_view(
    request: HttpRequest, inspection: Inspection, survey_id: str
) -> HttpResponse:
    programme = load_programme(inspection.programme)
    survey = programme.survey(survey_id)
    if survey is None:
        raise Http404
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
        },
    )
