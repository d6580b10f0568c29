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
    path("users/", views.user_list, name="user-list"),
    path("users/add/", views.user_create, name="user-create"),
    path("users/<int:user_id>/", views.user_detail, name="user-detail"),
    path("users/<int:user_id>/roles/", views.user_role_add, name="user-role-add"),
    path("users/<int:user_id>/password/", views.user_password, name="user-password"),
    path("users/<int:user_id>/mfa-reset/", views.user_mfa_reset, name="user-mfa-reset"),
    path("users/<int:user_id>/deactivate/", views.user_deactivate, name="user-deactivate"),
    path("users/<int:user_id>/reactivate/", views.user_reactivate, name="user-reactivate"),
    path("roles/<int:assignment_id>/end/", views.role_end, name="role-end"),
]
