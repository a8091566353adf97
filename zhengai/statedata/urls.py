from django.urls import path

from . import views

app_name = "statedata"
urlpatterns = [
    path("", views.index, name="index"),
    path("install-defaults/", views.install_defaults, name="install_defaults"),
    path("templates/<int:template_id>/fill/", views.fill, name="fill"),
    path("templates/<int:template_id>/export/", views.template_export, name="template_export"),
    path("templates/<int:template_id>/import/", views.template_import, name="template_import"),
    path("templates/<int:template_id>/tables/new/", views.table_edit, name="table_new"),
    path("templates/<int:template_id>/tables/<int:table_id>/edit/", views.table_edit, name="table_edit"),
    path("tables/<int:table_id>/<str:year>/", views.table_view, name="table"),
]
urlpatterns += [
    path("tasks/", views.tasks, name="tasks"),
    path("cells/<int:pk>/", views.cell, name="cell"),
    path("cells/<int:pk>/enter/", views.cell_enter, name="cell_enter"),
    path("cells/<int:pk>/review/", views.cell_review, name="cell_review"),
    path("fills/<int:pk>/sign/", views.fill_sign, name="fill_sign"),
    path("templates/<int:template_id>/settings/", views.template_settings, name="template_settings"),
]
urlpatterns += [
    path("tables/<int:table_id>/<str:year>/export.<str:fmt>", views.table_download, name="table_download"),
    path("templates/<int:template_id>/<str:year>/export.<str:fmt>", views.template_download, name="template_download"),
]
urlpatterns += [
    path("corrections/", views.corrections, name="corrections"),
    path("corrections/import/", views.failures_import, name="failures_import"),
    path("corrections/<int:pk>/resolve/", views.correction_resolve, name="correction_resolve"),
]
urlpatterns += [
    path("annual-report/<str:year>.docx", views.annual_report, name="annual_report"),
]
