from django.urls import path

from customers import views

urlpatterns = [
    path("c/", views.customer_page, name="customer-page"),
    path("c/<str:token>/", views.customer_link, name="customer-link"),
    path("outbox/", views.outbox, name="outbox"),
]
