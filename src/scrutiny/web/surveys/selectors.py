from django.db.models import Count, Prefetch, QuerySet

from scrutiny.web.surveys.models import Answer, SurveyResponse


def survey_counts(*, inspection: object) -> dict[str, int]:
    rows = (
        SurveyResponse.objects.filter(inspection=inspection)
        .values("survey")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["survey"]: row["n"] for row in rows}


def response_list(*, inspection: object, survey: str) -> QuerySet[SurveyResponse]:
    return (
        SurveyResponse.objects.filter(inspection=inspection, survey=survey)
        .order_by("position")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.order_by("id")))
    )
