"""The published report's statements, their citations, and the report's progress.

The bundle's `report` section (docs/spec/report-section.md) maps to these tables
(`reports/bundle_rows.py`); the report itself is built and rendered by the domain core
(`scrutiny.core.report`) from a bundle made of them, so the web app and `scrutiny
report` print the same report. Factual-accuracy comments, who shared and published the
report and the organisation's Word template belong to the web app and are not in the
bundle.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone


class Report(models.Model):
    """Where one inspection's report stands. A row exists once the inspection has a
    report section: imported from a bundle, or the team's first statement."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        # Still a draft (the bundle says "draft"): the partnership contact reads it and
        # comments on statements for factual accuracy.
        SHARED = "shared", "Draft shared with the partnership"
        FINAL = "final", "Final"
        PUBLISHED = "published", "Published"

    inspection = models.OneToOneField(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="report"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking of the status: a transition based on an older page is refused.
    version = models.PositiveIntegerField(default=1)
    # The report's details beside its statements (the bundle's report section extensions,
    # docs/spec/bundle-extensions.md): the month of publication on the cover, and, when an
    # evaluation is weak or unsatisfactory, the team's intention about a progress review.
    publication_date = models.DateField(null=True, blank=True)
    progress_review_intention = models.TextField(blank=True)
    progress_review_timescale = models.CharField(max_length=200, blank=True)
    details_version = models.PositiveIntegerField(default=1)


class Statement(models.Model):
    """One sentence of the report's evaluative text.

    `part` and `question` say where it sits: the area in context and the report's key
    messages have no question; a question's strengths, areas for development and key
    messages have one. `position` orders the statements within their list.
    """

    class Part(models.TextChoices):
        CONTEXT = "context", "The area in context"
        GEOGRAPHY_AND_DEMOGRAPHY = "geography_and_demography", "Geography and demography"
        SOCIAL_AND_ECONOMIC = "social_and_economic", "Social and economic"
        THE_PARTNERSHIP = "the_partnership", "The partnership"
        KEY_MESSAGES = "key_messages", "Key messages"
        SUMMARY_STRENGTHS = "summary_strengths", "Strengths"
        PRIORITY_AREAS = "priority_areas", "Priority areas for improvement"
        PROSE = "prose", "Evaluative text"
        STRENGTHS = "strengths", "Strengths"
        AREAS_FOR_DEVELOPMENT = "areas_for_development", "Areas for development"

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="report_statements"
    )
    # The bundle's statement `id` (K-1, Q1-S2 ...): comments hang on it, and it is never
    # shown in the public versions.
    ident = models.CharField(max_length=80)
    part = models.CharField(max_length=30, choices=Part.choices)
    question = models.PositiveSmallIntegerField(null=True, blank=True)
    position = models.PositiveIntegerField()
    text = models.TextField()
    # The team's plain-language wording for the young people's version; None until written.
    plain = models.TextField(null=True, blank=True)
    evidence = models.ManyToManyField(
        "evidence.Evidence", through="Citation", related_name="report_statements"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        # Selectors order by (question, part, position) themselves: NULL questions sort
        # first on SQLite and last on PostgreSQL.
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "ident"], name="statement_ident"),
            # Context has no question; strengths and areas for development always have one.
            models.CheckConstraint(
                condition=Q(part="key_messages")
                | Q(
                    part__in=[
                        "context",
                        "geography_and_demography",
                        "social_and_economic",
                        "the_partnership",
                        "summary_strengths",
                        "priority_areas",
                    ],
                    question__isnull=True,
                )
                | Q(
                    part__in=["strengths", "areas_for_development", "prose"],
                    question__isnull=False,
                ),
                name="statement_part_question",
            ),
        ]
        indexes = [
            models.Index(
                fields=["inspection", "question", "part", "position"], name="statement_list"
            )
        ]


class KeyFact(models.Model):
    """One of the area's figures on the report's Key facts page, with its source and date."""

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="report_key_facts"
    )
    position = models.PositiveIntegerField()
    figure = models.CharField(max_length=200)
    value = models.CharField(max_length=100)
    source = models.CharField(max_length=300)
    date = models.CharField(max_length=100)

    class Meta:
        ordering = ["position", "id"]


class TeamMembers(models.Model):
    """How many of the inspection team had one role from one body: the report names no one."""

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="report_team"
    )
    position = models.PositiveIntegerField()
    role = models.CharField(max_length=100)
    body = models.CharField(max_length=200)
    number = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position", "id"]


class Citation(models.Model):
    """A statement cites an evidence note; `position` keeps the order the team gave."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="citations")
    # A cited note cannot be deleted on its own; deleting the inspection takes both.
    evidence = models.ForeignKey(
        "evidence.Evidence", on_delete=models.RESTRICT, related_name="citations"
    )
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "evidence"], name="cite_once"),
        ]


class Comment(models.Model):
    """The partnership's comment on one statement (or key fact) of the shared draft, for
    factual accuracy, and the team's resolution of it.

    The statement's text as the partnership read it is kept, so the team sees what the
    comment was about after the statement changes, and the comment survives the
    statement's deletion (only once it is resolved).
    """

    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="report_comments"
    )
    statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    # Or one row of the Key facts table. The team saves the table whole (its rows are
    # replaced), so the link may go; `statement_text` keeps the row as it was read.
    key_fact = models.ForeignKey(
        KeyFact, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    statement_text = models.TextField()
    where = models.CharField(max_length=200)  # "Question 1: strengths", as the report reads
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolution = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["inspection", "resolved_at"], name="comment_open")]


class ReportTemplate(models.Model):
    """A Word template for the report's DOCX downloads.

    The row without an inspection is the organisation's own, which the site
    administrator keeps and every inspection uses; an inspection may have its own instead
    (a joint inspection published in a partner body's house style). The bytes live under
    REPORT_TEMPLATES_DIR, outside the web root, named by `stored_name`; the file is read
    only to render a download.
    """

    inspection = models.OneToOneField(
        "inspections.Inspection",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="report_template",
    )
    file_name = models.CharField(max_length=255)  # as uploaded, shown to the team
    stored_name = models.CharField(max_length=80, unique=True)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # One template per inspection, and one organisation's template (NULL counts once).
            models.UniqueConstraint(
                Coalesce("inspection", models.Value(0)), name="one_template_per_scope"
            )
        ]
