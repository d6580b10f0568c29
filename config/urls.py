from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from dangvien.api.api import api
from dangvien.core import pickers
from dangvien.reports import views as report_views

urlpatterns = [
    path("", report_views.home, name="home"),
    path("accounts/", include("dangvien.accounts.urls")),
    path("accounts/", include("dangvien.accounts.allauth_urls")),  # allauth: login, MFA
    path("organisations/", include("dangvien.organisations.urls")),
    path("people/", include("dangvien.people.urls")),
    path("members/", include("dangvien.members.urls")),
    path("audit/", include("dangvien.audit.urls")),
    path("imports/", include("dangvien.imports.urls")),
    path("rules/", include("dangvien.rules.urls")),
    path("training/", include("dangvien.training.urls")),
    path("admissions/", include("dangvien.admissions.urls")),
    path("targets/", include("dangvien.targets.urls")),
    path("grading/", include("dangvien.grading.urls")),
    path("reports/", include("dangvien.reports.urls")),
    path("screening/", include("dangvien.screening.urls")),
    path("badges/", include("dangvien.badges.urls")),
    path("pick/<slug:source>/", pickers.pick, name="pick"),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("admin/", admin.site.urls),
]

handler403 = "dangvien.core.errorpages.forbidden"
handler404 = "dangvien.core.errorpages.not_found"
handler500 = "dangvien.core.errorpages.server_error"
