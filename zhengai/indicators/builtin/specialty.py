"""Specialty indicators (专业层面): admissions, roll, staffing, results, certificates, employment."""

from django.db.models import Avg, FloatField, Q

from zhengai.datacenter.choices import Level

from ..registry import HIGHER, LOWER
from .base import aggregate, builtin, rate
from .shared import (
    EMPLOYED,
    GRADUATES,
    INTAKE,
    ON_ROLL,
    attendance_rate,
    attrition_rate,
    certificate_rate,
    employment_rate,
    employment_relevance,
    enrolment_plan_completion,
    pass_rate,
    student_teacher_ratio,
    students,
    teachers_of_offerings,
)

P = Level.SPECIALTY

builtin("specialty.enrolment_plan_completion", "招生计划完成率", "Enrolment plan completion", "%", HIGHER,
        "窗口所含招生年级的录取人数 ÷ 该年级招生计划人数 × 100。" + INTAKE,
        ["admissions", "enrolment_plans"], enrolment_plan_completion(P))
builtin("specialty.registration_rate", "新生报到率", "Registration rate", "%", HIGHER,
        "窗口所含招生年级的录取考生中已报到人数 ÷ 录取人数 × 100。" + INTAKE,
        ["admissions"], rate("admissions", P, Q(registered=True)))
builtin("specialty.students", "在籍学生数", "Students on the roll", "人", HIGHER,
        "窗口首日在籍的该专业学生数。" + ON_ROLL,
        ["students"], students(P))
builtin("specialty.student_teacher_ratio", "生师比", "Student–teacher ratio", "比", LOWER,
        "窗口首日在籍的该专业学生数 ÷ 学期与窗口有交集的该专业课程任课教师数（去重）。" + ON_ROLL,
        ["students", "offerings"], student_teacher_ratio(P))
builtin("specialty.dual_qualified_share", "双师型教师比例", "Share of dual-qualified teachers", "%", HIGHER,
        "学期与窗口有交集的该专业课程任课教师中，双师型教师人数 ÷ 任课教师人数 × 100（均去重）。",
        ["offerings", "teachers"], teachers_of_offerings(P, dual_share=True))
builtin("specialty.teachers", "专业任课教师数", "Teachers of the specialty", "人", HIGHER,
        "学期与窗口有交集的该专业课程任课教师数（去重）。",
        ["offerings"], teachers_of_offerings(P, dual_share=False))
builtin("specialty.attrition_rate", "学生流失率", "Attrition rate", "%", LOWER,
        "窗口首日在籍的学生中，在窗口内退学（学籍状态为退学、离校日期在窗口内）的人数 ÷ 窗口首日在籍学生数 × 100。" + ON_ROLL,
        ["students"], attrition_rate(P))
builtin("specialty.pass_rate", "课程及格率", "Pass rate", "%", HIGHER,
        "窗口内登记的该专业学生首考成绩中及格人次 ÷ 参考人次 × 100。",
        ["grades"], pass_rate(P))
builtin("specialty.attendance_rate", "学生出勤率", "Attendance rate", "%", HIGHER,
        "窗口内该专业学生考勤记录中“出勤”与“迟到”的记录数 ÷ 全部考勤记录数 × 100。",
        ["attendance"], attendance_rate(P))
builtin("specialty.certificate_rate", "证书获取率（1+X）", "Certificate rate (1+X)", "%", HIGHER,
        "窗口首日在籍的学生中，窗口内获得职业资格证书或 1+X 证书的学生数 ÷ 窗口首日在籍学生数 × 100。" + ON_ROLL,
        ["students", "awards"], certificate_rate(P))
builtin("specialty.employment_rate", "毕业生就业率", "Employment rate", "%", HIGHER,
        "窗口所含毕业届别的毕业生中，去向不是“待就业”的人数 ÷ 该届毕业生人数 × 100。" + GRADUATES,
        ["employment"], employment_rate(P))
builtin("specialty.employment_relevance", "就业专业对口率", "Employment relevance", "%", HIGHER,
        "窗口所含毕业届别中协议就业、灵活就业或自主创业的毕业生里，专业对口的人数 ÷ 其人数 × 100。" + GRADUATES,
        ["employment"], employment_relevance(P))
builtin("specialty.average_salary", "毕业生平均月薪", "Graduates' average monthly salary", "元", HIGHER,
        "窗口所含毕业届别中已就业（协议就业、灵活就业、自主创业）且填报月薪的毕业生的月薪平均。" + GRADUATES,
        ["employment"], aggregate("employment", P, Avg("monthly_salary", output_field=FloatField()),
                                  filter=Q(status__in=EMPLOYED, monthly_salary__isnull=False)))
