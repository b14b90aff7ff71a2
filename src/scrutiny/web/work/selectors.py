"""What waits for a person: on one inspection's page ("What's next") and across all their
inspections (My work). Every item is derived from the data and the person's role (the
permissions in roles.py), never stored or typed."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from scrutiny.core.text import counted
from scrutiny.core.timetable import StageStatus
from scrutiny.web.evaluations.models import Moderation, SignificantConcern
from scrutiny.web.inspections import roles
from scrutiny.web.inspections.models import Inspection, Membership
from scrutiny.web.partnership.models import ActionPlan, SentDocument
from scrutiny.web.plans.selectors import Timeline, timeline_for, today
from scrutiny.web.records.models import Assignment, SampledRecord
from scrutiny.web.reports.models import Comment, Report, Statement
from scrutiny.web.work.models import NotificationSettings


@dataclass(frozen=True)
class Action:
    text: str
    url: str = ""
    link_text: str = ""
    urgent: bool = False


def _open_assignments(*, user: Any, inspections: list[int]) -> list[Assignment]:
    return list(
        Assignment.objects.filter(
            inspection_id__in=inspections,
            reader=user,
            status__in=(Assignment.Status.ASSIGNED, Assignment.Status.DRAFT),
        )
        .select_related("sampled_record", "inspection")
        .order_by("inspection__reference", "sampled_record__position", "kind")
    )


# More overdue stages than this are counted, not listed: the timetable lists them all.
OVERDUE_LISTED = 3


def _stage_actions(inspection: Inspection, timeline: Timeline, can_edit: bool) -> list[Action]:
    actions = []
    overdue = timeline.overdue
    if len(overdue) > OVERDUE_LISTED:
        actions.append(
            Action(
                text=f"{len(overdue)} stages of the timetable are overdue.",
                url=reverse("plans:timetable", args=[inspection.pk]),
                link_text="See the timetable",
                urgent=True,
            )
        )
        overdue = overdue[-OVERDUE_LISTED:]  # the latest, most likely still in hand
    for dated in overdue:
        whose = "the partnership's" if dated.stage.asked_of == "partnership" else "the team's"
        actions.append(
            Action(
                text=f"Overdue: {dated.stage.title} ({whose}), due {dated.end:%-d %B %Y}.",
                url=reverse("plans:stage", args=[inspection.pk, dated.stage.id])
                if can_edit
                else reverse("plans:timetable", args=[inspection.pk]),
                link_text="Record it or change its date" if can_edit else "See the timetable",
                urgent=True,
            )
        )
    for dated in timeline.this_week:
        when = (
            f"until {dated.end:%-d %B}"
            if dated.status is StageStatus.NOW and not dated.stage.milestone
            else f"on {dated.start:%-d %B}"
        )
        actions.append(
            Action(
                text=f"This week: {dated.stage.title}, {when}.",
                url=reverse("plans:timetable", args=[inspection.pk]),
                link_text="See the timetable",
            )
        )
    return actions


def _partnership_actions(*, user: Any, inspection: Inspection, can: frozenset[str]) -> list[Action]:
    """The partnership's part (scrutiny.web.partnership): what is asked of the partnership
    and overdue or due this week, its action plan; for the team, the documents it sent
    and the plan waiting for the link inspector."""
    pk = inspection.pk
    actions: list[Action] = []
    if roles.PARTNERSHIP_PAGES in can:
        timeline = timeline_for(inspection=inspection)
        for dated in timeline.attention if timeline else []:
            if dated.stage.asked_of != "partnership":
                continue
            urgent = dated.status is StageStatus.OVERDUE
            actions.append(
                Action(
                    text=f"{'Overdue' if urgent else 'This week'}: {dated.stage.title}, "
                    f"due {dated.end:%-d %B %Y}.",
                    url=reverse("partnership:home", args=[pk]),
                    link_text="See what is asked of the partnership",
                    urgent=urgent,
                )
            )
        plan = ActionPlan.objects.filter(inspection=inspection).first()
        published = Report.objects.filter(
            inspection=inspection, status=Report.Status.PUBLISHED
        ).exists()
        if published and (plan is None or plan.status in ("draft", "returned")):
            # Its day in the timetable: six weeks from the day the report was published.
            due = next(
                (
                    f"by {d.end:%-d %B %Y}"
                    for d in (timeline.stages if timeline else [])
                    if d.stage.done_when == "action_plan_submitted"
                ),
                "within six weeks",
            )
            actions.append(
                Action(
                    text=f"The report is published: the action plan is due {due}."
                    if plan is None or plan.status == "draft"
                    else "The link inspector returned the action plan with comments.",
                    url=reverse("partnership:action_plan", args=[pk]),
                    link_text="Write the action plan",
                )
            )
    if roles.RECEIVE_DOCUMENTS in can:
        waiting = SentDocument.objects.filter(
            inspection=inspection, status=SentDocument.Status.SENT
        ).count()
        if waiting:
            actions.append(
                Action(
                    text=f"{counted(waiting, 'document')} from the partnership to accept "
                    "into evidence or return.",
                    url=reverse("partnership:documents", args=[pk]),
                    link_text="Open the documents",
                )
            )
    if (
        roles.MANAGE_FOLLOW_UP in can
        and Report.objects.filter(inspection=inspection, status=Report.Status.PUBLISHED).exists()
        and not ActionPlan.objects.filter(
            inspection=inspection, link_inspector__isnull=False
        ).exists()
    ):
        # Without one, a submitted plan would wait for nobody.
        actions.append(
            Action(
                text="The report is published: name the link inspector who reviews the "
                "partnership's action plan.",
                url=reverse("partnership:link_inspector", args=[pk]),
                link_text="Name the link inspector",
            )
        )
    if (
        roles.REVIEW_ACTION_PLAN in can
        and ActionPlan.objects.filter(
            inspection=inspection, link_inspector=user, status=ActionPlan.Status.SUBMITTED
        ).exists()
    ):
        actions.append(
            Action(
                text="The partnership has submitted its action plan for your review.",
                url=reverse("partnership:action_plan_review", args=[pk]),
                link_text="Review the action plan",
            )
        )
    return actions


_UNREAD = object()


def next_actions(
    *,
    user: Any,
    inspection: Inspection,
    evaluations: list[dict[str, Any]] | None = None,
    on: date | None = None,
    timeline: Any = _UNREAD,
) -> list[Action]:
    """The next things this person's role has to do in this inspection, most pressing first.

    `evaluations` are the home page's rows from the core's evaluation, for their pending
    reasons (the web layer never recomputes them); `timeline`, the page's own
    timeline_for (None without a plan), so that it is not read twice.
    """
    can: frozenset[str] = inspection.viewer_permissions  # type: ignore[attr-defined]
    pk = inspection.pk
    actions: list[Action] = []
    if roles.READ_RECORDS in can:
        mine = Assignment.objects.filter(inspection=inspection, reader=user)
        total = mine.count()
        open_ = _open_assignments(user=user, inspections=[pk])
        if open_:
            actions.append(
                Action(
                    text=f"{len(open_)} of your {counted(total, 'record')} "
                    f"{'is' if len(open_) == 1 else 'are'} still to read.",
                    url=reverse("records:reading", args=[pk, open_[0].pk]),
                    link_text=f"Read record {open_[0].sampled_record.record}",
                )
            )
    if roles.MANAGE_READINGS in can:
        sampled = SampledRecord.objects.filter(inspection=inspection)
        if not sampled.exists():
            actions.append(
                Action(
                    text="The record sample is not imported yet.",
                    url=reverse("records:sample_import", args=[pk]),
                    link_text="Import the sample",
                )
            )
        else:
            unassigned = sampled.exclude(assignments__kind=Assignment.Kind.FIRST).count()
            if unassigned:
                actions.append(
                    Action(
                        text=f"{counted(unassigned, 'record')} in the sample "
                        f"{'has' if unassigned == 1 else 'have'} no reader.",
                        url=reverse("records:assign", args=[pk]),
                        link_text="Assign readers",
                    )
                )
    if roles.RESOLVE_COMMENTS in can:
        comments = Comment.objects.filter(inspection=inspection, resolved_at__isnull=True).count()
        if comments:
            actions.append(
                Action(
                    text=f"{counted(comments, 'comment')} from the partnership to resolve.",
                    url=reverse("reports:comments", args=[pk]),
                    link_text="Resolve the comments",
                )
            )
    moderation = Moderation.objects.filter(inspection=inspection).first()
    if roles.SIGN_OFF in can and moderation and moderation.stage == Moderation.Stage.AGREED:
        actions.append(
            Action(
                text="The team has agreed the evaluations: they wait for your sign-off.",
                url=reverse("evaluations:sign_off", args=[pk]),
                link_text="Sign off the evaluations",
            )
        )
    if roles.MODERATE in can:
        concerns = SignificantConcern.objects.filter(
            inspection=inspection, status=SignificantConcern.Status.OPEN
        ).count()
        if concerns:
            actions.append(
                Action(
                    text=f"{counted(concerns, 'significant concern')} open: decide on escalation.",
                    url=reverse("evaluations:concerns", args=[pk]),
                    link_text="Open the concerns log",
                    urgent=True,
                )
            )
    if roles.PROPOSE in can:
        for row in evaluations or []:
            for reason in row["pending"]:
                actions.append(
                    Action(
                        text=f"{row['id']} is pending: {reason}.",
                        url=reverse("evaluations:indicator", args=[pk, row["id"]]),
                        link_text=f"Open {row['id']}",
                    )
                )
    if roles.READ_SHARED_DRAFT in can and roles.VIEW_REPORT not in can:
        status = Report.objects.filter(inspection=inspection).values_list("status", flat=True)
        if status.first() == Report.Status.SHARED:
            actions.append(
                Action(
                    text="The team has shared the draft report with you for factual accuracy.",
                    url=reverse("reports:shared_draft", args=[pk]),
                    link_text="Read the draft and comment",
                )
            )
    if roles.VIEW_PLAN in can:
        if timeline is _UNREAD:
            timeline = timeline_for(inspection=inspection, on=on)
        if timeline is not None:
            actions += _stage_actions(inspection, timeline, roles.EDIT_PLAN in can)
    actions += _partnership_actions(user=user, inspection=inspection, can=can)
    # Most pressing first; otherwise in the order above.
    return sorted(actions, key=lambda a: not a.urgent)


@dataclass
class InspectionWork:
    inspection: Inspection
    readings: list[Assignment] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    comments: int = 0
    sign_off: bool = False
    concerns: int = 0
    # The partnership's contact: a draft shared with them to read and comment on.
    shared_draft: bool = False
    overdue: list[Action] = field(default_factory=list)
    this_week: list[Action] = field(default_factory=list)
    # The partnership's part: asked of the partnership, or what it sent the team.
    partnership: list[Action] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.readings
            or self.statements
            or self.comments
            or self.sign_off
            or self.concerns
            or self.shared_draft
            or self.overdue
            or self.this_week
            or self.partnership
        )


def my_work(*, user: Any, on: date | None = None) -> list[InspectionWork]:
    """Across every inspection the person is a member of: what waits for them."""
    on = on or today()
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("inspection")
        .order_by("inspection__reference")
    )
    granted = {
        m.inspection_id: roles.permissions_for(role=m.role, is_administrator=False)
        for m in memberships
    }

    def where(permission: str) -> list[int]:
        return [pk for pk, perms in granted.items() if permission in perms]

    work = {m.inspection_id: InspectionWork(inspection=m.inspection) for m in memberships}
    for a in _open_assignments(user=user, inspections=where(roles.READ_RECORDS)):
        work[a.inspection_id].readings.append(a)
    statements = Statement.objects.filter(
        inspection_id__in=where(roles.EDIT_REPORT), created_by=user
    ).exclude(inspection__report__status=Report.Status.PUBLISHED)
    for s in statements.order_by("question", "part", "position"):
        work[s.inspection_id].statements.append(s)
    for row in (
        Comment.objects.filter(
            inspection_id__in=where(roles.RESOLVE_COMMENTS), resolved_at__isnull=True
        )
        .values("inspection_id")
        .annotate(n=Count("id"))
    ):
        work[row["inspection_id"]].comments = row["n"]
    for pk in Moderation.objects.filter(
        inspection_id__in=where(roles.SIGN_OFF), stage=Moderation.Stage.AGREED
    ).values_list("inspection_id", flat=True):
        work[pk].sign_off = True
    for row in (
        SignificantConcern.objects.filter(
            Q(status=SignificantConcern.Status.OPEN), inspection_id__in=where(roles.MODERATE)
        )
        .values("inspection_id")
        .annotate(n=Count("id"))
    ):
        work[row["inspection_id"]].concerns = row["n"]
    readers = set(where(roles.READ_SHARED_DRAFT)) - set(where(roles.VIEW_REPORT))
    for pk in Report.objects.filter(
        inspection_id__in=readers, status=Report.Status.SHARED
    ).values_list("inspection_id", flat=True):
        work[pk].shared_draft = True
    for pk in where(roles.VIEW_PLAN):
        inspection = work[pk].inspection
        timeline = timeline_for(inspection=inspection, on=on)
        if timeline is None:
            continue
        actions = _stage_actions(inspection, timeline, roles.EDIT_PLAN in granted[pk])
        work[pk].overdue = [a for a in actions if a.urgent]
        work[pk].this_week = [a for a in actions if not a.urgent]
    for m in memberships:
        if not granted[m.inspection_id] & _PARTNERSHIP_PERMISSIONS:
            continue
        work[m.inspection_id].partnership = _partnership_actions(
            user=user, inspection=m.inspection, can=granted[m.inspection_id]
        )
    return list(work.values())


_PARTNERSHIP_PERMISSIONS = {
    roles.PARTNERSHIP_PAGES,
    roles.RECEIVE_DOCUMENTS,
    roles.REVIEW_ACTION_PLAN,
}


def notification_settings_for(*, user: Any) -> NotificationSettings:
    """The person's choices, or the defaults (all on) when they have made none."""
    found = NotificationSettings.objects.filter(user=user).first()
    return found or NotificationSettings(user=user)
