from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from cases.api import views
from cases.api.errors import not_found

router = SimpleRouter()
router.register("cases", views.CaseViewSet, basename="case")
router.register("customers", views.CustomerViewSet, basename="customer")

urlpatterns = [
    path("messages/", views.message_create, name="message-create"),
    *router.urls,
    # Last: any other URL under /api/v1/ is a 404 in the API's error format.
    re_path(r"^[\s\S]*/$", not_found),
]
