"""The allauth pages dangvien uses, under allauth's own (un-namespaced) URL names.

Only these are mounted: no sign-up, no e-mail management, no password reset by e-mail
(accounts are created and reset by administrators), no passkeys.
"""

from allauth.account import views
from django.urls import include, path

urlpatterns = [
    path("login/", views.login, name="account_login"),
    path("logout/", views.logout, name="account_logout"),
    path("inactive/", views.account_inactive, name="account_inactive"),
    path("reauthenticate/", views.reauthenticate, name="account_reauthenticate"),
    path("password/change/", views.password_change, name="account_change_password"),
    path("2fa/", include("allauth.mfa.urls")),
]
