"""The demo college answers part of its warnings (``demo.plant_responses``), so a demo mid-spiral
shows acknowledged warnings, corrections under way and warnings resolved after a correction."""

from datetime import date

from zhengai.datacenter.models import Subject
from zhengai.monitoring.choices import Grade, WarningStatus
from zhengai.monitoring.demo import plant_responses
from zhengai.monitoring.models import Warning, WarningEvent

TODAY = date(2026, 11, 20)  # the suite's ZHENGAI_TODAY


def test_it_acknowledges_corrects_and_resolves_a_share_of_the_older_warnings_as_their_owners(cast, college):
    zhang = Subject.objects.get(level="student", key=college.s_zhang.student_no)
    older = [Warning.objects.create(subject=zhang, level="student", indicator_code=f"student.x{i}", grade=Grade.ORANGE,
                                    opened_window="2026-10", opened_window_end=date(2026, 10, 31), value=60, threshold=80,
                                    last_window="2026-11-02..2026-11-15", last_window_end=date(2026, 11, 15))
             for i in range(6)]
    recent = Warning.objects.create(subject=zhang, level="student", indicator_code="student.y", grade=Grade.RED,
                                    opened_window="2026-11-16..2026-11-19", opened_window_end=date(2026, 11, 19))

    assert plant_responses(TODAY) == {"acknowledged": 2, "correcting": 2, "resolved": 1}
    status = {w.pk: w.status for w in Warning.objects.all()}
    assert [status[w.pk] for w in older] == [WarningStatus.ACKNOWLEDGED, WarningStatus.RESOLVED, WarningStatus.OPEN,
                                             WarningStatus.ACKNOWLEDGED, WarningStatus.CORRECTING, WarningStatus.OPEN]
    assert status[recent.pk] == WarningStatus.OPEN  # less than a week old: nobody has answered yet
    corrected = Warning.objects.get(pk=older[4].pk)
    assert corrected.measure_kind == "talk" and corrected.cause and corrected.measure_text
    resolved = Warning.objects.get(pk=older[1].pk)
    assert resolved.measure_text and resolved.resolved_window_end == date(2026, 11, 15)
    # acted by one of the warning's owners (责任人), through the pages' actions
    from zhengai.monitoring.owners import owners_of

    owners = owners_of([w.pk for w in older])
    events = list(WarningEvent.objects.filter(warning__in=older).values_list("warning_id", "actor_id", "created_at"))
    assert events and all(actor in owners[wid] for wid, actor, _at in events)
    assert all(at.date() <= TODAY for _w, _a, at in events)
