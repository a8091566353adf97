from django.urls import path

from . import quality_views, source_views
from .pull import views as pull_views

app_name = "intake"
urlpatterns = [
    path("sources/", source_views.source_list, name="sources"),
    path("quality/", quality_views.quality, name="quality"),
    path("quality.xlsx", quality_views.quality_xlsx, name="quality_xlsx"),
    path("pulls/", pull_views.pull_list, name="pulls"),
    path("pulls/new/", pull_views.pull_edit, name="pull_new"),
    path("pulls/<int:pk>/", pull_views.pull_edit, name="pull_edit"),
    path("pulls/<int:pk>/run/", pull_views.pull_run, name="pull_run"),
    path("connections/new/", pull_views.connection_edit, name="connection_new"),
    path("connections/<int:pk>/", pull_views.connection_edit, name="connection_edit"),
    path("connections/<int:pk>/test/", pull_views.connection_test, name="connection_test"),
]
