from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from cases import api

router = SimpleRouter()
router.register("cases", api.CaseViewSet, basename="case")
router.register("customers", api.CustomerViewSet, basename="customer")

urlpatterns = [
    path("messages/", api.message_create, name="message-create"),
    *router.urls,
    # Last: any other URL under /api/v1/ is a 404 in the API's error format.
    re_path(r"^[\s\S]*/$", api.not_found),
]
