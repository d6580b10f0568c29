"""Every app's router and where it is mounted. An app's API lives in ``dangvien/<app>/api.py`` as
``router``; ``api.api`` mounts these in order."""

from ninja import Router

from dangvien.accounts.api import router as accounts_router
from dangvien.admissions.api import router as admissions_router
from dangvien.badges.api import router as badges_router
from dangvien.grading.api import router as grading_router
from dangvien.members.api import router as members_router
from dangvien.organisations.api import router as organisations_router
from dangvien.people.api import router as people_router
from dangvien.reports.api import router as reports_router
from dangvien.rules.api import router as rules_router
from dangvien.screening.api import router as screening_router
from dangvien.targets.api import router as targets_router
from dangvien.training.api import router as training_router

ROUTERS: tuple[tuple[str, Router], ...] = (
    ("/organisations", organisations_router),
    ("/people", people_router),
    ("/reports", reports_router),
    ("/targets", targets_router),
    ("/admissions", admissions_router),
    ("/training", training_router),
    ("/rules", rules_router),
    ("/members", members_router),
    ("/screening", screening_router),
    ("/badges", badges_router),
    ("/grading", grading_router),
    ("/accounts", accounts_router),
)
