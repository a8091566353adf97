from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "datacenter"
urlpatterns = [
    path("dictionary/", views.dictionary, name="dictionary"),
    path("dictionary.xlsx", views.dictionary_xlsx, name="dictionary_xlsx"),
    path("students/", views.roster, {"kind": "students"}, name="students"),
    path("teachers/", views.roster, {"kind": "teachers"}, name="teachers"),
    path("courses/", views.roster, {"kind": "courses"}, name="courses"),
    # The student and class pages moved to the portraits app; old links keep working.
    path("students/<str:student_no>/", RedirectView.as_view(pattern_name="portraits:student", permanent=True)),
    path("classes/<str:code>/", RedirectView.as_view(pattern_name="portraits:admin_class", permanent=True)),
]
