from django.urls import path

from . import views

app_name = "portraits"
urlpatterns = [
    path("students/<str:student_no>/", views.student, name="student"),
    path("classes/<str:code>/", views.admin_class, name="admin_class"),
    path("cockpit/", views.cockpit, name="cockpit"),
    path("cockpit.json", views.cockpit_json, name="cockpit_json"),
    path("levels/<str:level>/", views.level, name="level"),
    path("<str:level>/<str:key>/", views.subject, name="subject"),
    path("<str:level>/<str:key>/why/<int:node_id>/", views.point_why, name="point_why"),
]
