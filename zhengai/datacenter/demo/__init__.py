"""The demo college generator (演示学院): ``zhengai seed_demo --size small|medium|large``.

A deterministic, realistic vocational college with a fixed calendar (terms 2023-2024-1 … 2026-2027-1,
data up to the demo date 2026-11-20), built from ``random.Random(seed)`` only: the same seed gives the
same rows, id for id, on SQLite and PostgreSQL. Modules: ``calendar`` (terms, teaching days),
``organisation`` (sources, departments, specialties, course catalogue), ``people`` (names, staff,
classes, students), ``teaching`` (offerings, timetable and the teaching facts), ``facts`` (the other
facts), ``patterns`` (what is planted), ``loaders`` (COPY / executemany), ``accounts`` (demo
sign-ins), ``run`` (the plan and the load).

Healthy population and planted patterns — the lines monitoring can use without false positives
------------------------------------------------------------------------------------------------

Attendance rate = (present + late) / all attendance rows (leave and absent count as missed).

- Healthy students miss 0.5–3 % of their sessions, spread out by error diffusion: at most one miss in
  any ~16 consecutive sessions, and only in half months in which their class has at least eight
  sessions, so every student-month and half month stays ≥ 85 % (one miss in eight at worst; months
  are ≥ 87.5 %). No session of a healthy offering loses more than one student in twelve (plus at most
  one declining student), so offerings stay ≥ 85 % in every half month. Late is 1.5 % and counts as
  attended.
- ``declining_attendance`` (level student, subject 学号, ``from`` a month): no misses before ``from``, then
  missing 35–50 % (attendance 50–65 %, under the orange line 75 % and far under 80 %) in every month
  from ``from`` to the demo date. About half start in 2026-10, a quarter in 2026-09, a quarter in
  2026-04/2026-05 of the previous term. At most one per class; never in a class with a planted
  low-attendance offering. They also hand in fewer assignments and learn less online from then on.
- ``low_course_attendance`` (level offering, subject 教学班代码, ``from`` the term's first month,
  ``term``): about 68 % attendance all term (under 75 %); healthy offerings are ≥ 85 % in every half
  month. Their students miss nothing else that term, so every student-month stays ≥ 85 %; only in a
  half month with fewer than eight sessions can one such miss take a student under 85 %.
- ``low_evaluation`` (level offering): all three evaluations (student, peer, supervisor) 66–77.5
  (under 80); healthy offerings 84–97. Complete terms are evaluated three weeks before the term ends,
  the current term at mid-term (2026-11-13).
- ``teacher_training_shortfall`` (level teacher, subject 工号, ``from`` 2026-01, ``year`` 2026): under 40
  training hours in calendar year 2026 and in academic year 2025-2026, and no enterprise practice in
  2026. Every other teacher has ≥ 48 hours in each calendar year 2023–2026 and each complete academic
  year (the current academic year 2026-2027 has only begun: do not judge it).
- ``weak_employment`` (level specialty, subject 专业代码, ``from`` 2026-08, ``graduation_year`` 2026):
  employment rate (graduates not ``unemployed`` / graduates, reported 31 August) 66–75 % for the 2026
  graduates; every other specialty-year 92–98 %.

The manifest (``--manifest FILE.json``; also kept in the demo batch's log, see ``planted_patterns()``)
lists one entry per planted subject.

Demo accounts (password ``demo1234``): ``admin`` (superuser), ``zhiguan`` (质管办), ``leader`` (校领导),
and by 工号/学号 a department head, a specialty leader, a course leader, a teacher, a counsellor and a
student; ``demo_sign_ins()`` lists them.
"""

from .accounts import DEMO_PASSWORD, demo_record, demo_sign_ins  # noqa: F401


def planted_patterns() -> list[dict]:
    """The manifest's entries of the demo college in this database ([] without one)."""
    return demo_record().get("patterns", [])
