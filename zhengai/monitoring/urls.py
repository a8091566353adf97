from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.warning_list, name="warnings"),
    path("<int:pk>/", views.warning_detail, name="warning"),
    path("<int:pk>/acknowledge", views.acknowledge, name="acknowledge"),
    path("<int:pk>/correct", views.start_correction, name="correct"),
    path("<int:pk>/resolve", views.resolve, name="resolve"),
    path("<int:pk>/close", views.close, name="close"),
    path("<int:pk>/self-report", views.self_report, name="self_report"),
    path("flag/", views.flag, name="flag"),
    path("effectiveness/", views.effectiveness, name="effectiveness"),
    path("policies/", views.policies, name="policies"),
]
