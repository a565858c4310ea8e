from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from cases.api import organising, views
from cases.api.errors import not_found

router = SimpleRouter()
router.register("cases", views.CaseViewSet, basename="case")
router.register("customers", views.CustomerViewSet, basename="customer")

urlpatterns = [
    path("messages/", views.message_create, name="message-create"),
    # Before the router's: "bulk" would otherwise be read as a case reference.
    path("cases/bulk/", organising.cases_bulk_api, name="case-bulk"),
    re_path(r"^cases/(?P<reference>[0-9A-Za-z]{1,20})/merge/$", organising.case_merge_api),
    re_path(r"^cases/(?P<reference>[0-9A-Za-z]{1,20})/tags/$", organising.case_tags),
    path("tags/", organising.tags_list, name="tag-list"),
    *router.urls,
    # Last: any other URL under /api/v1/ is a 404 in the API's error format.
    re_path(r"^[\s\S]*/$", not_found),
]
