from django.urls import path

from .views import goals, standards

app_name = "chains"
urlpatterns = [
    path("standards/", standards.standard_list, name="standards"),
    path("standards/export/", standards.standards_export, name="standards_export"),
    path("standards/import/", standards.standards_import, name="standards_import"),
    path("standards/install-defaults/", standards.standards_install_defaults, name="standards_install_defaults"),
    path("standards/<int:pk>/", standards.standard_detail, name="standard"),
    path("versions/<int:pk>/publish/", standards.version_publish, name="version_publish"),
    path("versions/<int:pk>/copy/", standards.version_copy, name="version_copy"),
    path("versions/<int:pk>/rule/", standards.version_rule, name="version_rule"),
    path("versions/<int:version_pk>/nodes/new/", standards.node_edit, name="node_new"),
    path("versions/<int:version_pk>/nodes/<int:pk>/", standards.node_edit, name="node_edit"),
    path("nodes/<int:pk>/delete/", standards.node_delete, name="node_delete"),
    path("goals/", goals.goal_tree, name="goals"),
    path("goals/new/", goals.goal_new, name="goal_new"),
    path("goals/<int:pk>/", goals.goal_detail, name="goal"),
    path("goals/<int:pk>/edit/", goals.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/delete/", goals.goal_delete, name="goal_delete"),
    path("goals/<int:pk>/key-results/", goals.key_result_add, name="key_result_add"),
    path("goals/<int:pk>/submit/", goals.goal_submit, name="goal_submit"),
    path("goals/<int:pk>/review/", goals.goal_review, name="goal_review"),
    path("goals/<int:pk>/report/", goals.goal_report, name="goal_report"),
    path("key-results/<int:pk>/milestone/", goals.milestone_done, name="milestone"),
    path("evidence/<int:pk>/", goals.evidence_file, name="evidence"),
    path("tasks/", goals.task_tables, name="tasks"),
    path("tasks/import/", goals.task_import, name="task_import"),
    path("tasks/export/", goals.task_export, name="task_export_current"),
    path("tasks/<int:pk>/export/", goals.task_export, name="task_export"),
]
