from django.urls import path

from . import workspaces

app_name = "workspaces"
urlpatterns = [
    path("affairs/", workspaces.affairs_hall, name="affairs"),
    path("classroom/", workspaces.classroom_view, name="classroom"),
    path("teacher/", workspaces.teacher, name="teacher"),
    path("growth/", workspaces.growth, name="growth"),
]
