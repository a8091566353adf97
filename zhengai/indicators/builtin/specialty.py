"""Specialty indicators (专业层面): admissions, roll, staffing, results, certificates, employment."""

from django.db.models import Avg, FloatField, Q

from zhengai.datacenter.choices import Level

from ..registry import HIGHER, LOWER
from .base import aggregate, builtin, rate
from .shared import (
    EMPLOYED,
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
        "录取年份在窗口所含年份内的录取人数 ÷ 同年份招生计划人数 × 100。",
        ["admissions", "enrolment_plans"], enrolment_plan_completion(P))
builtin("specialty.registration_rate", "新生报到率", "Registration rate", "%", HIGHER,
        "录取年份在窗口所含年份内的录取考生中已报到人数 ÷ 录取人数 × 100。",
        ["admissions"], rate("admissions", P, Q(registered=True)))
builtin("specialty.students", "在籍学生数", "Students on the roll", "人", HIGHER,
        "窗口内在籍的该专业学生数：入学日期不晚于窗口末、且未在窗口开始前离校。",
        ["students"], students(P))
builtin("specialty.student_teacher_ratio", "生师比", "Student–teacher ratio", "比", LOWER,
        "该专业在籍学生数 ÷ 学期与窗口有交集的该专业课程任课教师数（去重）。",
        ["students", "offerings"], student_teacher_ratio(P))
builtin("specialty.dual_qualified_share", "双师型教师比例", "Share of dual-qualified teachers", "%", HIGHER,
        "学期与窗口有交集的该专业课程任课教师中，双师型教师人数 ÷ 任课教师人数 × 100（均去重）。",
        ["offerings", "teachers"], teachers_of_offerings(P, dual_share=True))
builtin("specialty.teachers", "专业任课教师数", "Teachers of the specialty", "人", HIGHER,
        "学期与窗口有交集的该专业课程任课教师数（去重）。",
        ["offerings"], teachers_of_offerings(P, dual_share=False))
builtin("specialty.attrition_rate", "学生流失率", "Attrition rate", "%", LOWER,
        "窗口内退学（离校日期在窗口内、学籍状态为退学）的学生数 ÷ 窗口内在籍学生数 × 100。",
        ["students"], attrition_rate(P))
builtin("specialty.pass_rate", "课程及格率", "Pass rate", "%", HIGHER,
        "窗口内登记的该专业学生首考成绩中及格人次 ÷ 参考人次 × 100。",
        ["grades"], pass_rate(P))
builtin("specialty.attendance_rate", "学生出勤率", "Attendance rate", "%", HIGHER,
        "窗口内该专业学生考勤记录中“出勤”与“迟到”的记录数 ÷ 全部考勤记录数 × 100。",
        ["attendance"], attendance_rate(P))
builtin("specialty.certificate_rate", "证书获取率（1+X）", "Certificate rate (1+X)", "%", HIGHER,
        "窗口内在籍学生中，窗口内获得职业资格证书或 1+X 证书的学生数 ÷ 在籍学生数 × 100。",
        ["students", "awards"], certificate_rate(P))
builtin("specialty.employment_rate", "毕业生就业率", "Employment rate", "%", HIGHER,
        "毕业年份在窗口所含年份内的毕业生中，去向不是“待就业”的人数 ÷ 毕业生人数 × 100。",
        ["employment"], employment_rate(P))
builtin("specialty.employment_relevance", "就业专业对口率", "Employment relevance", "%", HIGHER,
        "毕业年份在窗口所含年份内、协议就业、灵活就业或自主创业的毕业生中专业对口的人数 ÷ 其人数 × 100。",
        ["employment"], employment_relevance(P))
builtin("specialty.average_salary", "毕业生平均月薪", "Graduates' average monthly salary", "元", HIGHER,
        "毕业年份在窗口所含年份内、已就业且填报月薪的毕业生月薪平均。",
        ["employment"], aggregate("employment", P, Avg("monthly_salary", output_field=FloatField()),
                                  filter=Q(status__in=EMPLOYED, monthly_salary__isnull=False)))
