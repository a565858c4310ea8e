from django.urls import path

from review import views

urlpatterns = [
    path("review/", views.review_queue, name="review-queue"),
    path("review/next/", views.review_next, name="review-next"),
    path("review/<int:pk>/claim/", views.review_claim, name="review-claim"),
]
