from django.urls import path

from . import views

app_name = "growthfields"

urlpatterns = [
    path("", views.GrowthFieldListView.as_view(), name="list"),
    path("<slug:slug>/", views.GrowthFieldDetailView.as_view(), name="detail"),
]
