"""The role-aware home page and the health check."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import render

from zhengai.datacenter.models import Department, Offering, Staff, Student
from zhengai.datacenter.choices import StudentStatus
from zhengai.org.access import primary_role, restrict

from . import home as home_panels


@login_required
def home(request):
    user = request.user
    students = restrict(Student.objects.filter(status=StudentStatus.ENROLLED), user)
    by_department = list(
        students.values("specialty__department__name").annotate(n=Count("pk")).order_by("-n")
    )
    context = {
        "role": primary_role(user),
        "counts": {
            "students": students.count(),
            "teachers": restrict(Staff.objects.filter(is_teacher=True), user).count(),
            "departments": restrict(Department.objects.all(), user).count(),
            "offerings": restrict(Offering.objects.filter(term__code=home_panels.current_term_code()), user).count(),
        },
        "chart": {
            "labels": [row["specialty__department__name"] for row in by_department],
            "values": [row["n"] for row in by_department],
        },
        "panels": home_panels.panels_for(request),
    }
    return render(request, "core/home.html", context)


def healthz(request):
    """For the load balancer and ``make demo``: the process answers and the database does too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
