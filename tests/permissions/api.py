"""Designed answers for the API's own pages (see dangvien/accounts/matrix.py).

The operations themselves are declared by each app next to its router.
"""

from tests.support.matrix import Page, answers, redirect

PERMISSIONS = [
    # The schema and its viewer describe the API, not data: public, like the login page.
    Page("api:openapi-json", get=answers(200)),
    Page("api:openapi-view", get=answers(200)),
    # /api/docs → the versioned docs (an unnamed redirect in config/urls.py)
    Page("[api/docs]", get=answers(redirect("/api/v1/docs"))),
]
