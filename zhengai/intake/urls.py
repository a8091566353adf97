from django.urls import path

from . import source_views

app_name = "intake"
urlpatterns: list = [
    path("sources/", source_views.source_list, name="sources"),
]
