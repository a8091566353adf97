from django.urls import path

from . import evidence_views, report_views, views

app_name = "cycles"

urlpatterns = [
    path("", views.my_cycles, name="mine"),
    path("calendar/", views.calendar, name="calendar"),
    path("open/", views.open_cycles, name="open"),
    path("policies/", views.policy_page, name="policies"),
    path("assessment/", views.assessment_page, name="assessment"),
    path("jobs/", views.jobs_page, name="jobs"),
    path("jobs/start", views.start_job, name="job_start"),
    path("jobs/<int:pk>/", views.job_page, name="job"),
    path("jobs/<int:pk>/download", views.job_download, name="job_download"),
    path("assessment/mark", views.assessment_mark, name="assessment_mark"),
    path("<int:pk>/", views.cycle_detail, name="cycle"),
    path("<int:pk>/advance", views.advance, name="advance"),
    path("<int:pk>/back", views.move_back, name="back"),
    path("<int:pk>/report/", report_views.report_page, name="report"),
    path("<int:pk>/report/draft", report_views.draft, name="report_draft"),
    path("<int:pk>/report/export", report_views.report_export, name="report_export"),
    path("reports/", report_views.review_list, name="reports"),
    path("reports/<int:pk>/analysis", report_views.analysis, name="report_analysis"),
    path("reports/<int:pk>/actions", report_views.add_action, name="report_action"),
    path("reports/<int:pk>/submit", report_views.submit, name="report_submit"),
    path("reports/<int:pk>/review", report_views.review, name="report_review"),
    path("reports/<int:pk>/correct", report_views.correct, name="report_correct"),
    path("ratings/<int:pk>/rate", report_views.rate, name="rate"),
    path("actions/", views.action_list, name="actions"),
    path("actions/<int:pk>/outcome", views.action_outcome, name="action_outcome"),
    path("<int:pk>/goals/accept", views.accept_goals, name="accept_goals"),
    # Self-diagnosis evidence (自诊材料), moved from the chains app.
    path("self-diagnosis/", evidence_views.my_self_diagnosis, name="self_diagnosis"),
    path("self-diagnosis/submit/", evidence_views.evidence_submit, name="evidence_submit"),
    path("self-diagnosis/overview/", evidence_views.overview, name="self_diagnosis_overview"),
    path("self-diagnosis/<int:pk>/", evidence_views.evidence_detail, name="evidence_detail"),
    path("self-diagnosis/<int:pk>/review/", evidence_views.evidence_review, name="evidence_review"),
    path("self-diagnosis/files/<int:pk>/", evidence_views.evidence_file_download, name="evidence_file"),
    path("self-diagnosis/files/<int:pk>/remove/", evidence_views.evidence_file_remove, name="evidence_file_remove"),
]
