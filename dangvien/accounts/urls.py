from allauth.account import views as allauth_views
from django.urls import path

from dangvien.accounts import views

app_name = "accounts"

urlpatterns = [
    # allauth's views under the project's historical names (LOGIN_URL = "accounts:login").
    path("login/", allauth_views.login, name="login"),
    path("logout/", allauth_views.logout, name="logout"),
    path("lockouts/", views.lockout_list, name="lockout-list"),
    path("lockouts/<int:user_id>/unlock/", views.user_unlock, name="user-unlock"),
]
