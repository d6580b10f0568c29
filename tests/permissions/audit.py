"""Designed answers for the audit browser (see dangvien/accounts/matrix.py)."""

from tests.support.matrix import LOGIN, Page, answers, by_role

NORTH = (
    "national_admin",
    "region_officer",
    "grassroots_office",
    "branch_secretary",
    "training_centre",
    "area_committee",
    "viewer",
)

PERMISSIONS = [
    # every role reads the log of its own subtree (audit.view); the list is scoped
    Page("audit:event-list", get=answers(200, anonymous=LOGIN)),
    Page(
        "audit:event-detail",
        get=by_role(200, who=NORTH),
        kwargs=lambda w: {"pk": w.north_event.pk},
    ),
    # export.run: everyone but the viewer; the export is scoped and itself logged
    Page(
        "audit:event-export",
        get=answers(200, anonymous=LOGIN, viewer=403),
        post=answers(405, anonymous=LOGIN),
    ),
]
