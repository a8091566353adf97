from django.urls import path

from . import views

app_name = "portraits"
urlpatterns = [
    path("students/<str:student_no>/", views.student, name="student"),
    path("classes/<str:code>/", views.admin_class, name="admin_class"),
    path("<str:level>/<str:key>/", views.subject, name="subject"),
]
