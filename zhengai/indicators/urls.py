from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.library, name="library"),
    path("custom/new/", views.custom_new, name="custom_new"),
    path("custom/<str:code>/edit/", views.custom_edit, name="custom_edit"),
    path("<str:code>/", views.detail, name="detail"),
]
