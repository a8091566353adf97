from django.contrib import admin

from zhengai.core.admin import ReadOnlyAdmin

from . import models


@admin.register(models.SourceSystem)
class SourceSystemAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "expected_cadence_days"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(models.ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    """What an import did (its counts, log and rows' lineage): read-only; undo is the batch page's."""

    list_display = ["pk", "source", "table", "status", "created_at", "rows_read", "rows_inserted", "rows_updated", "rows_rejected"]
    list_filter = ["status", "source", "table"]
    list_select_related = ["source"]
    search_fields = ["=pk", "table", "source__code"]
    date_hierarchy = "created_at"


@admin.register(models.Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


@admin.register(models.Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "department", "tier"]
    list_filter = ["tier", "department"]
    search_fields = ["code", "name"]
    list_select_related = ["department"]


@admin.register(models.AdminClass)
class AdminClassAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "specialty", "cohort", "counsellor"]
    list_filter = ["cohort", "specialty__department"]
    search_fields = ["code", "name", "specialty__name"]
    raw_id_fields = ["counsellor"]
    list_select_related = ["specialty", "counsellor"]


@admin.register(models.Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["staff_no", "name", "department", "is_teacher", "title", "is_dual_qualified"]
    list_filter = ["is_teacher", "title", "is_dual_qualified", "department"]
    search_fields = ["staff_no", "name"]
    list_select_related = ["department"]
    raw_id_fields = ["user"]


@admin.register(models.Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ["student_no", "name", "admin_class", "specialty", "cohort", "status"]
    list_filter = ["status", "cohort", "specialty__department"]
    search_fields = ["student_no", "name", "admin_class__name"]
    list_select_related = ["admin_class", "specialty"]
    raw_id_fields = ["user", "admin_class"]


@admin.register(models.Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "department", "category", "credits", "leader"]
    list_filter = ["category", "department"]
    search_fields = ["code", "name"]
    raw_id_fields = ["leader", "specialty"]
    list_select_related = ["department", "leader"]


@admin.register(models.Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["code", "start_date", "end_date"]
    search_fields = ["code"]


@admin.register(models.Offering)
class OfferingAdmin(admin.ModelAdmin):
    list_display = ["code", "course", "term", "teacher", "admin_class"]
    list_filter = ["term"]
    search_fields = ["code", "course__name", "course__code", "teacher__name"]
    list_select_related = ["course", "term", "teacher"]
    raw_id_fields = ["course", "teacher", "admin_class"]


@admin.register(models.Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ["level", "key", "name", "department", "active"]
    list_filter = ["level", "active"]
    search_fields = ["key", "name"]
    list_select_related = ["department"]
    readonly_fields = [f.name for f in models.Subject._meta.fields]
