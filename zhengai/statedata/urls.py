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
