"""Building the demo college: plan the master data in memory, then stream every table into the database.

``seed_demo(size, seed, …)`` is what the ``zhengai seed_demo`` command calls. The plan (organisation,
people, courses, offerings and the planted patterns) is small and held in memory; the fact tables are
generated row by row while they are written, so memory stays bounded even for the large college.
"""

import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from random import Random

from django.db import connection, transaction

from zhengai.core import clock

from . import accounts, facts, organisation, patterns, people, teaching
from .calendar import DEMO_DATE, build_terms
from .loaders import BIG_TABLES, Progress, analyze, analyze_all, make_loader, reset


@dataclass(frozen=True)
class Size:
    name: str
    students: int  # students in school at the demo date (three cohorts); as many again have left
    colleges: int
    specialties_per_college: int
    teachers: int
    class_size: int
    min_teachers_per_dept: int


SIZES = {
    # A test-sized college: a few seconds to build.
    "tiny": Size("tiny", 150, 3, 1, 24, 40, 2),
    "small": Size("small", 2000, 10, 2, 120, 40, 3),
    "medium": Size("medium", 6000, 10, 3, 360, 40, 4),
    "large": Size("large", 21000, 10, 4, 1200, 36, 6),
}


class Plan:
    """The demo college's master data, planned in memory before anything is written."""

    def __init__(self, size: Size, seed: int):
        self.size = size
        self.seed = seed
        self.demo_date = DEMO_DATE
        self.midterm_evaluation_day = DEMO_DATE - timedelta(days=7)
        self.terms = build_terms()
        self.departments, self.colleges, self.functional = [], [], []
        self.specialties, self.courses, self.staff, self.classes, self.students = [], [], [], [], []
        self.declining, self.shortfall_teachers, self.weak_specialties = [], set(), set()

    def build(self) -> "Plan":
        rng = Random(f"{self.seed}:organisation")
        tiers = iter(["benchmark", "brand", "brand"] + ["backbone"] * 8)
        for code, name, foundation, specialties in organisation.COLLEGES[: self.size.colleges]:
            dept = {"id": len(self.departments) + 1, "code": code, "name": name, "kind": "college"}
            self.departments.append(dept)
            self.colleges.append(dept)
            for spec_code, spec_name, short, core in specialties[: self.size.specialties_per_college]:
                self.specialties.append({
                    "id": len(self.specialties) + 1, "seq": len(self.specialties) + 1, "code": spec_code,
                    "name": spec_name, "short": short, "department_id": dept["id"], "tier": "general",
                    "foundation": foundation, "core": core, "leader_id": None,
                })
        # Tiers: the first specialty of most colleges is built up; the rest are ordinary.
        firsts = [s for s in self.specialties if s is next(x for x in self.specialties if x["department_id"] == s["department_id"])]
        for s in firsts:
            s["tier"] = next(tiers, "backbone")
        for code, name in organisation.PUBLIC_COLLEGES:
            self.departments.append({"id": len(self.departments) + 1, "code": code, "name": name, "kind": "college"})
        for code, name in organisation.FUNCTIONAL:
            dept = {"id": len(self.departments) + 1, "code": code, "name": name, "kind": "functional"}
            self.departments.append(dept)
            self.functional.append(dept)
        by_code = {d["code"]: d["id"] for d in self.departments}
        self.quality_office_id = by_code[organisation.QUALITY_OFFICE]
        self.office_id = by_code["F01"]

        people.plan_class_counts(self)
        classes = sum(self.classes_per_college.values())
        self.teacher_shares = [(by_code["D11"], 0.118), (by_code["D12"], 0.235)]
        self.teacher_shares += [(d["id"], 0.647 * self.classes_per_college[d["id"]] / classes) for d in self.colleges]
        self.teacher_shares.sort()
        people.build_staff(self, Random(f"{self.seed}:staff"))
        for s in self.specialties:
            seniors = self.teachers_by_dept[s["department_id"]][:3]
            s["leader_id"] = seniors[(s["seq"] - 1) % len(seniors)].id
        teaching.build_courses(self)
        people.build_students(self, Random(f"{self.seed}:students"))
        last_before = max(t.end for t in self.terms if t.end < DEMO_DATE)
        for s in self.students:
            if s.suspended:
                s.active_until = last_before
        teaching.build_offerings(self)
        teaching.count_sessions(self)
        patterns.plant(self)
        del rng
        return self

    def expected_rows(self) -> dict:
        """Rough row counts of the big tables, for the progress estimate."""
        enrolments = sum(len(o.roster) for o in self.offerings)
        attendance = sum(len(o.days) * len(o.roster) for o in self.offerings)
        complete = sum(len(o.roster) for o in self.offerings if o.term.complete)
        learning = 0
        for term in self.terms:
            weeks = sum(1 for w in range(16) if term.start + timedelta(weeks=w) <= DEMO_DATE)
            roster = sum(len(offerings[0].roster) for (t, _c), offerings in self.class_offerings.items() if t == term.id)
            learning += int(roster * weeks * 1.5)
        return {
            "datacenter_attendance": attendance, "datacenter_learningactivity": learning,
            "datacenter_enrolment": enrolments, "datacenter_grade": int(complete * 1.06),
            "datacenter_submission": int(enrolments * 2.7), "datacenter_classsession": self.session_total,
        }


LINEAGE = ("source_id", "batch_id")


def source_ids() -> dict[str, int]:
    return {code: i for i, (code, *_rest) in enumerate(organisation.SOURCES, start=1)}


def _tables(plan):
    """(model label, source system, columns, row generator) in load order (``plan`` None: labels only)."""
    terms = [(t.id, t.code, t.start.isoformat(), t.end.isoformat()) for t in plan.terms] if plan else []
    return [
        ("Term", "jw", ("id", "code", "start_date", "end_date"), lambda s, b: (r + (s, b) for r in terms)),
        ("Department", "rs", ("id", "code", "name", "kind"),
         lambda s, b: ((d["id"], d["code"], d["name"], d["kind"], s, b) for d in plan.departments)),
        ("Staff", "rs", ("id", "staff_no", "name", "gender", "department_id", "is_teacher", "title", "track",
                         "is_dual_qualified", "hired_on", "email"),
         lambda s, b: ((p.id, p.staff_no, p.name, p.gender, p.department_id, p.is_teacher, p.title, p.track, p.dual,
                        p.hired_on.isoformat(), f"{p.staff_no}@zhengai.edu.cn", s, b) for p in plan.staff)),
        ("Specialty", "jw", ("id", "code", "name", "department_id", "tier", "duration_years", "leader_id"),
         lambda s, b: ((x["id"], x["code"], x["name"], x["department_id"], x["tier"], 3, x["leader_id"], s, b)
                       for x in plan.specialties)),
        ("AdminClass", "xg", ("id", "code", "name", "specialty_id", "cohort", "counsellor_id"),
         lambda s, b: ((c.id, c.code, c.name, c.specialty_id, c.cohort, c.counsellor_id, s, b) for c in plan.classes)),
        ("Student", "xg", ("id", "student_no", "name", "gender", "admin_class_id", "specialty_id", "cohort", "status",
                           "enrolled_on", "left_on", "email"),
         lambda s, b: ((p.id, p.student_no, p.name, p.gender, p.class_id, p.specialty_id, p.cohort, p.status,
                        f"{p.cohort}-09-01", p.left_on.isoformat() if p.left_on else None, "", s, b)
                       for p in plan.students)),
        ("Course", "jw", ("id", "code", "name", "department_id", "specialty_id", "category", "credits", "hours",
                          "leader_id", "construction_start", "construction_end"),
         lambda s, b: ((c.id, c.code, c.name, c.department_id, c.specialty_id, c.category, c.credits, c.hours,
                        c.leader_id, "2024-01-01" if c.category == "core" else None,
                        "2026-12-31" if c.category == "core" else None, s, b) for c in plan.courses)),
        ("Offering", "jw", ("id", "code", "course_id", "term_id", "teacher_id", "admin_class_id", "planned_sessions"),
         lambda s, b: teaching.offering_rows(plan, s, b)),
        ("Enrolment", "jw", ("id", "offering_id", "student_id"), lambda s, b: teaching.enrolment_rows(plan, s, b)),
        ("ClassSession", "jw", ("id", "offering_id", "date", "period", "periods"), lambda s, b: teaching.session_rows(plan, s, b)),
        ("Attendance", "ykt", ("id", "session_id", "student_id", "offering_id", "date", "status", "periods"),
         lambda s, b: teaching.attendance_rows(plan, s, b)),
        ("Grade", "jw", ("id", "student_id", "offering_id", "attempt", "score", "passed", "credits_earned", "recorded_on"),
         lambda s, b: teaching.grade_rows(plan, s, b)),
        ("Assignment", "ykt", ("id", "offering_id", "code", "title", "due_date"), lambda s, b: teaching.assignment_rows(plan, s, b)),
        ("Submission", "ykt", ("id", "assignment_id", "student_id", "submitted_at", "score", "late"),
         lambda s, b: teaching.submission_rows(plan, s, b)),
        ("LearningActivity", "ykt", ("id", "student_id", "offering_id", "occurred_at", "date", "verb", "activity",
                                     "duration_seconds", "score", "statement_id"),
         lambda s, b: teaching.learning_rows(plan, s, b)),
        ("TeachingEvaluation", "jw", ("id", "offering_id", "evaluator_kind", "score", "respondents", "evaluated_on"),
         lambda s, b: teaching.evaluation_rows(plan, s, b)),
        ("ResearchOutput", "ky", ("id", "staff_id", "code", "kind", "title", "level", "achieved_on"),
         lambda s, b: facts.research_rows(plan, s, b)),
        ("TrainingRecord", "rs", ("id", "staff_id", "code", "title", "hours", "attended_on"),
         lambda s, b: facts.training_rows(plan, s, b)),
        ("EnterprisePractice", "rs", ("id", "staff_id", "code", "enterprise", "start_date", "end_date", "days"),
         lambda s, b: facts.practice_rows(plan, s, b)),
        ("Award", "xg", ("id", "code", "student_id", "staff_id", "kind", "name", "level", "awarded_on"),
         lambda s, b: facts.award_rows(plan, s, b)),
        ("EnrolmentPlan", "zs", ("id", "specialty_id", "year", "planned"), lambda s, b: facts.enrolment_plan_rows(plan, s, b)),
        ("Admission", "zs", ("id", "candidate_no", "name", "specialty_id", "year", "registered", "student_id"),
         lambda s, b: facts.admission_rows(plan, s, b)),
        ("Employment", "jy", ("id", "student_id", "graduation_year", "status", "employer", "relevant", "monthly_salary",
                              "reported_on"), lambda s, b: facts.employment_rows(plan, s, b)),
        ("FitnessTest", "tc", ("id", "student_id", "year", "score", "tested_on"), lambda s, b: facts.fitness_rows(plan, s, b)),
        ("ActivityRecord", "xg", ("id", "code", "student_id", "aspect", "title", "hours", "occurred_on"),
         lambda s, b: facts.activity_rows(plan, s, b)),
    ]


# Batch timestamps are fixed too: the demo's imports "ran" in the night before the demo date.
_BATCH_CLOCK = datetime(2026, 11, 19, 18, 0, tzinfo=timezone.utc)


def _stamp(minutes: int) -> str:
    return (_BATCH_CLOCK + timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M:%S")


def with_defaults(model, columns: tuple, rows):
    """``columns`` and ``rows`` completed with the model's defaults for every NOT NULL column the
    generator does not name (fields other stages add later keep loading without a change here)."""
    extra_columns, extra_values = [], []
    for field in model._meta.concrete_fields:
        if field.column in columns or field.primary_key or field.null:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = _stamp(0)
        else:
            value = field.get_db_prep_save(field.get_default(), connection)
        extra_columns.append(field.column)
        extra_values.append(value)
    if not extra_columns:
        return columns, rows
    extra = tuple(extra_values)
    return columns + tuple(extra_columns), (row + extra for row in rows)


def has_data() -> bool:
    from zhengai.datacenter.models import Department, Student

    return Department.objects.exists() or Student.objects.exists()


def seed_demo(size: str, seed: int = 1, *, out=None, reset_first: bool = False, manifest_path: str | None = None):
    """Build the demo college. Returns a summary dict, or None when data is there and ``reset_first`` is off."""
    from django.apps import apps

    from zhengai.datacenter import signals
    from zhengai.datacenter.subjects import sync_subjects

    out = out or __import__("sys").stdout
    if has_data() and not reset_first:
        _keep_demo_date()
        return None
    started = time.monotonic()
    plan = Plan(SIZES[size], seed).build()
    out.write(f"规划完成：{len(plan.students):,} 名学生（在校约 {plan.size.students:,}），{len(plan.staff):,} 名教职工，"
              f"{len(plan.offerings):,} 个开课，{plan.session_total:,} 个课次（{time.monotonic() - started:.1f} 秒）\n")
    expected = plan.expected_rows()
    progress = Progress(sum(expected.values()) + len(plan.students) * 10, out, connection.vendor)
    datacenter = apps.get_app_config("datacenter")
    specs = _tables(plan)
    models = [datacenter.get_model(label) for label, *_ in specs]
    source_model = datacenter.get_model("SourceSystem")
    batch_model = datacenter.get_model("ImportBatch")
    loaded = [source_model, batch_model] + models
    tables = [m._meta.db_table for m in loaded]
    counts = {}
    with transaction.atomic():
        if reset_first:
            accounts.delete_demo_accounts()
            reset([m for m in apps.get_app_config("datacenter").get_models()])
            progress.started = progress.last = time.monotonic()  # the rate is of rows written
        loader = make_loader(progress)
        loader.before(tables)
        sources = source_ids()
        loader.write(source_model._meta.db_table, *with_defaults(
            source_model, ("id", "code", "name", "kind", "expected_cadence_days", "description", "created_at"),
            ((i, code, name, kind, days, desc, "2023-08-01 00:00:00")
             for i, (code, name, kind, days, desc) in enumerate(organisation.SOURCES, start=1))))
        batches = []
        for batch_id, (label, source, columns, rows) in enumerate(specs, start=1):
            model = datacenter.get_model(label)
            table = model._meta.db_table
            t0 = time.monotonic()
            n = loader.write(table, *with_defaults(model, columns + LINEAGE, rows(sources[source], batch_id)))
            counts[table] = n
            batches.append((batch_id, sources[source], table, n, time.monotonic() - t0))
        accounts_batch = len(specs) + 1
        batch_rows = [
            (bid, src, table, "succeeded", f"seed_demo --size {size} --seed {seed}", _stamp(i), _stamp(i), _stamp(i + 1),
             n, n, 0, 0, 0, "", "")
            for i, (bid, src, table, n, _s) in enumerate(batches)
        ]
        batch_rows.append((accounts_batch, sources["demo"], accounts.ACCOUNTS_TABLE, "succeeded",
                           f"seed_demo --size {size} --seed {seed}", _stamp(len(batches)), _stamp(len(batches)),
                           _stamp(len(batches) + 1), 0, 0, 0, 0, 0, "", ""))
        loader.write(batch_model._meta.db_table, *with_defaults(batch_model, (
            "id", "source_id", "table", "status", "file_name", "created_at", "started_at", "finished_at", "rows_read",
            "rows_inserted", "rows_updated", "rows_unchanged", "rows_rejected", "log", "error"), iter(batch_rows)))
        t0 = time.monotonic()
        out.write("重建索引与外键约束 …\n")
        loader.after(loaded)
        index_seconds = time.monotonic() - t0
        signins = accounts.create_accounts(plan, accounts_batch)
        # The demo college lives on its calendar: recorded here, in the database, so only a database
        # that holds the demo runs on its date (zhengai.core.clock).
        clock.record_demo_date(plan.demo_date, f"seed_demo --size {size} --seed {seed}")
        t0 = time.monotonic()
        sync_subjects()
        subject_seconds = time.monotonic() - t0
    analyze(["datacenter_subject", "org_user", "org_roleassignment"])
    elapsed = time.monotonic() - started
    if manifest_path:
        with open(manifest_path, "w", encoding="utf-8") as f:
            json.dump(plan.manifest, f, ensure_ascii=False, indent=1)
    signals.demo_seeded.send(sender=seed_demo, size=size, seed=seed, demo_date=plan.demo_date, out=out)
    # The receivers bulk-write other stages' tables (a large college's cycles: 300,000 ratings), and
    # the planner must not wait for autovacuum — which may be off — to learn their sizes.
    analyze_all()
    return {
        "plan": plan, "counts": counts, "tables": progress.tables, "seconds": elapsed, "index_seconds": index_seconds,
        "subject_seconds": subject_seconds, "sign_ins": signins, "big": BIG_TABLES, "vendor": connection.vendor,
    }


def _keep_demo_date() -> None:
    """A demo database seeded before the clock kept its date only in the demo batch: record it."""
    from zhengai.core.models import FixedDate

    record = accounts.demo_record()
    if record.get("demo_date") and not FixedDate.objects.exists():
        clock.record_demo_date(datetime.fromisoformat(record["demo_date"]).date(),
                               f"seed_demo --size {record.get('size')} --seed {record.get('seed')}")
