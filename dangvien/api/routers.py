"""Mount every app's router. An app's API lives in ``dangvien/<app>/api.py`` as ``router``."""

from dangvien.admissions.api import router as admissions_router
from dangvien.api.api import api
from dangvien.members.api import router as members_router
from dangvien.organisations.api import router as organisations_router
from dangvien.people.api import router as people_router
from dangvien.reports.api import router as reports_router
from dangvien.rules.api import router as rules_router
from dangvien.targets.api import router as targets_router
from dangvien.training.api import router as training_router

api.add_router("/organisations", organisations_router)
api.add_router("/people", people_router)
api.add_router("/reports", reports_router)
api.add_router("/targets", targets_router)
api.add_router("/admissions", admissions_router)
api.add_router("/training", training_router)
api.add_router("/rules", rules_router)
api.add_router("/members", members_router)
