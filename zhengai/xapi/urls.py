from django.urls import path

from . import views

app_name = "xapi"
urlpatterns = [
    path("statements", views.statements, name="statements"),
    path("about", views.about, name="about"),
    path("activities/state", views.state, name="state"),
    path("activities/profile", views.activity_profile, name="activity_profile"),
    path("agents/profile", views.agent_profile, name="agent_profile"),
    path("agents", views.agents, name="agents"),
    path("activities", views.activities_resource, name="activities"),
]
