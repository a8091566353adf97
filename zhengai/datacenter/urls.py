from django.urls import path

from . import views

app_name = "datacenter"
urlpatterns = [
    path("dictionary/", views.dictionary, name="dictionary"),
    path("dictionary.xlsx", views.dictionary_xlsx, name="dictionary_xlsx"),
    path("students/<str:student_no>/", views.student, name="student"),
    path("classes/<str:code>/", views.admin_class, name="admin_class"),
]
