from django.urls import path
from rest_framework.routers import SimpleRouter

from cases import api

router = SimpleRouter()
router.register("cases", api.CaseViewSet, basename="case")

urlpatterns = [
    path("messages/", api.message_create, name="message-create"),
    *router.urls,
]
