from django.urls import path

from . import quality_views, source_views, views
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
    path("import/", views.upload, name="import"),
    path("templates/<slug:table>.xlsx", views.template, name="template"),
    path("batches/", views.batches, name="batches"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("batches/<int:pk>/rejects.xlsx", views.batch_rejects, name="batch_rejects"),
    path("batches/<int:pk>/undo/", views.batch_undo, name="batch_undo"),
    path("mappings/", views.mapping_list, name="mappings"),
    path("mappings/export.xlsx", views.mapping_export, name="mapping_export"),
    path("mappings/<slug:source>/<slug:table>/", views.mapping_edit, name="mapping_edit"),
    path("mappings/<slug:source>/<slug:table>.json", views.mapping_json, name="mapping_json"),
]
