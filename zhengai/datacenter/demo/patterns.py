"""The patterns planted in the demo college, and the manifest that records them.

Later stages (indicators, monitoring, portraits) must find exactly these subjects; the manifest
(``--manifest FILE.json``, and the demo batch's log in the database) lists one entry per planted
subject: ``{"pattern", "level", "subject", "from", …}`` where ``subject`` is the natural key and
``from`` the first month of the pattern. The lines each pattern crosses are in the package docstring.
"""

from random import Random

from .calendar import DEMO_DATE


def _count(plan, share: float, minimum: int) -> int:
    return max(minimum, round(plan.size.students * share))


def plant(plan) -> None:
    rng = Random(f"{plan.seed}:patterns")
    current = plan.terms[-1]
    previous = plan.terms[-2]
    entries = []

    # Students whose attendance declines: at most one per class, never a suspended one.
    eligible = [s for s in plan.students if s.status == "enrolled" and not s.suspended]
    by_class = {}
    for s in eligible:
        by_class.setdefault(s.class_id, []).append(s)
    class_ids = sorted(by_class)
    rng.shuffle(class_ids)
    n = _count(plan, 0.012, 6)
    months = []
    half = n - n // 2
    months += ["2026-10"] * half
    rest = n - half
    months += ["2026-09"] * (rest - rest // 2)
    months += [("2026-04", "2026-05")[i % 2] for i in range(rest // 2)]
    chosen = []
    for month in months:
        for cid in class_ids:
            candidates = by_class[cid]
            # Earlier patterns need a cohort that was already here in the month before them.
            if month < "2026-10" and candidates[0].cohort > 2025:
                continue
            s = candidates[int(rng.random() * len(candidates))]
            s.pattern_from = month
            chosen.append(s)
            class_ids.remove(cid)
            break
    plan.declining = chosen
    entries += [
        {"pattern": "declining_attendance", "level": "student", "subject": s.student_no, "from": s.pattern_from}
        for s in sorted(chosen, key=lambda s: s.student_no)
    ]
    declining_classes = {s.class_id for s in chosen}

    # Offerings with low attendance: in classes without a declining student, one per class; two thirds
    # in the current term, the rest in the previous one.
    def pick_offerings(term, k, exclude_classes, attr):
        # Classes in their last term take four courses, not six: a planted offering would weigh too much.
        pool = [o for o in plan.offerings_by_term[term.id]
                if o.klass.id not in exclude_classes and len(o.days) >= 8 and term.index_for(o.klass.cohort) < 6]
        picked = []
        used = set(exclude_classes)
        order = list(range(len(pool)))
        rng.shuffle(order)
        for i in order:
            o = pool[i]
            if o.klass.id in used:
                continue
            setattr(o, attr, True)
            used.add(o.klass.id)
            picked.append(o)
            if len(picked) == k:
                break
        return picked

    k = _count(plan, 0.0025, 3)
    low = pick_offerings(current, k, declining_classes, "low_attendance")
    low += pick_offerings(previous, max(1, k // 2), declining_classes, "low_attendance")
    entries += [
        {"pattern": "low_course_attendance", "level": "offering", "subject": o.code, "from": o.term.start.isoformat()[:7],
         "term": o.term.code}
        for o in sorted(low, key=lambda o: o.code)
    ]
    evaluated = pick_offerings(current, k, set(), "low_evaluation")
    evaluated += pick_offerings(previous, max(1, k // 2), set(), "low_evaluation")
    entries += [
        {"pattern": "low_evaluation", "level": "offering", "subject": o.code, "from": o.term.start.isoformat()[:7],
         "term": o.term.code}
        for o in sorted(evaluated, key=lambda o: o.code)
    ]

    teachers = [s for s in plan.staff if s.is_teacher]
    short = rng.sample(teachers, max(2, round(len(teachers) * 0.05)))
    plan.shortfall_teachers = {s.id for s in short}
    entries += [
        {"pattern": "teacher_training_shortfall", "level": "teacher", "subject": s.staff_no, "from": "2026-01", "year": 2026}
        for s in sorted(short, key=lambda s: s.staff_no)
    ]

    ordinary = [s for s in plan.specialties if s["tier"] in ("backbone", "general")]
    ordinary += [s for s in plan.specialties if s["tier"] == "brand"]  # only when a tiny college has too few
    k = {"tiny": 1, "small": 2}.get(plan.size.name, 3)
    weak = rng.sample(ordinary[: max(k, len(ordinary) - 3)], k)
    plan.weak_specialties = {s["id"] for s in weak}
    entries += [
        {"pattern": "weak_employment", "level": "specialty", "subject": s["code"], "from": "2026-08", "graduation_year": 2026}
        for s in sorted(weak, key=lambda s: s["code"])
    ]
    plan.manifest = {"demo_date": DEMO_DATE.isoformat(), "seed": plan.seed, "size": plan.size.name, "patterns": entries}
