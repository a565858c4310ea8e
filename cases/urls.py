from django.urls import path

from cases import customer_views, views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("queue/news/", views.queue_news, name="queue-news"),
    path("cases/<str:reference>/", views.case_detail, name="case-page"),
    path("cases/<str:reference>/do/<str:name>/", views.case_action, name="case-action"),
    path("cases/<str:reference>/note/", views.case_note, name="case-note"),
    path("cases/<str:reference>/claim/", views.case_claim, name="case-claim"),
    path(
        "cases/<str:reference>/attachments/<int:pk>/",
        views.case_attachment,
        name="case-attachment",
    ),
    path("customers/<int:pk>/", customer_views.customer_detail, name="customer-page"),
    path("settings/language/", views.set_language, name="set-language"),
]
