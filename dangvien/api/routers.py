"""Mount every app's router. An app's API lives in ``dangvien/<app>/api.py`` as ``router``."""

from dangvien.api.api import api
from dangvien.organisations.api import router as organisations_router
from dangvien.people.api import router as people_router

api.add_router("/organisations", organisations_router)
api.add_router("/people", people_router)
