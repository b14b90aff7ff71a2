"""Fetch-and-authorise helpers. Views never call Inspection.objects.get themselves."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from scrutiny.web.inspections.models import Inspection, Membership
from scrutiny.web.inspections.roles import permissions_for


def inspections_visible_to(user: Any) -> QuerySet[Inspection]:
    """Every inspection the user is a member of; administrators see them all."""
    if not user.is_authenticated:
        return Inspection.objects.none()
    if user.is_administrator:
        return Inspection.objects.all()
    return Inspection.objects.filter(memberships__user=user)


def role_in(*, user: Any, inspection: Inspection) -> str | None:
    membership = Membership.objects.filter(user=user, inspection=inspection).only("role").first()
    return membership.role if membership else None


def access_inspection_by_id(*, user: Any, inspection_id: int, permission: str) -> Inspection:
    """The inspection, if the user's role in it grants `permission`; 404 otherwise.

    Missing and forbidden give the same 404, so probing ids discloses nothing.
    """
    if not user.is_authenticated:
        raise Http404
    inspection = Inspection.objects.filter(pk=inspection_id).first()
    if inspection is None:
        raise Http404
    role = role_in(user=user, inspection=inspection)
    granted = permissions_for(role=role, is_administrator=user.is_administrator)
    if permission not in granted:
        raise Http404
    # Views and templates use these to show only what the role allows.
    inspection.viewer_role = role  # type: ignore[attr-defined]
    inspection.viewer_permissions = granted  # type: ignore[attr-defined]
    return inspection
