from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from backoffice import views as dashboard


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", include("cases.urls")),
    path("", include("review.urls")),
    path("", include("customers.urls")),
    # Log in and out, change one's own password. No password reset by email: a supervisor
    # sets a new one in the admin (or `manage.py changepassword`); see docs/deploy.md.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path(
        "dashboard/intents/<slug:slug>/mode/", dashboard.intent_mode, name="dashboard-intent-mode"
    ),
    path("dashboard/training/", dashboard.training_begin, name="training-start"),
    path("dashboard/training/<int:pk>/", dashboard.training_progress, name="training-progress"),
    path("api/v1/", include("cases.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", dashboard.api_docs, name="api-docs"),
    path("healthz", healthz),
]
