from django.urls import path

from cases import bulk_views, customer_views, live_views, views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("queue/news/", views.queue_news, name="queue-news"),
    path("queue/bulk/", bulk_views.queue_bulk, name="queue-bulk"),
    path("cases/<str:reference>/", views.case_detail, name="case-page"),
    path("cases/<str:reference>/do/<str:name>/", views.case_action, name="case-action"),
    path("cases/<str:reference>/note/", views.case_note, name="case-note"),
    path("cases/<str:reference>/claim/", views.case_claim, name="case-claim"),
    path("cases/<str:reference>/tags/", bulk_views.case_tag, name="case-tag"),
    path("cases/<str:reference>/merge/", bulk_views.case_merge_view, name="case-merge"),
    path(
        "cases/<str:reference>/attachments/<int:pk>/",
        views.case_attachment,
        name="case-attachment",
    ),
    path("cases/<str:reference>/presence/", live_views.case_presence, name="case-presence"),
    path("notifications/", live_views.notifications, name="notifications"),
    path("notifications/badge/", live_views.notifications_badge, name="notifications-badge"),
    path("customers/<int:pk>/", customer_views.customer_detail, name="customer-page"),
    path("settings/language/", views.set_language, name="set-language"),
    path("settings/shortcuts/", views.set_shortcuts, name="set-shortcuts"),
]
