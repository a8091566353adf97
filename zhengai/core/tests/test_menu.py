"""The menu as people see it: grouped by area (画像, 数据中心, 监测预警, 两链, 诊改, 系统) and trimmed by
role — a school leader sees the school's figures, never the machinery (imports, pulls, mappings,
the dictionary, the audit log); the college office sees a few groups, not a row of links."""

from django.urls import reverse

from zhengai.core.navigation import menu_for


def _labels(menu):
    return [str(entry["label"]) for entry in menu]


def _urls(menu):
    urls = set()
    for entry in menu:
        urls |= {item["url"] for item in entry["children"]} if "children" in entry else {entry["url"]}
    return urls


TECHNICAL = ["intake:sources", "intake:pulls", "intake:import", "intake:batches", "intake:mappings",
             "intake:quality", "datacenter:dictionary", "audit"]


def test_it_groups_the_quality_offices_menu_by_area(cast):
    menu = menu_for(cast.alice)
    groups = [str(entry["label"]) for entry in menu if "children" in entry]
    assert groups == ["画像", "数据中心", "监测预警", "两链", "诊改", "系统"]
    assert len(menu) <= 10, _labels(menu)
    datacenter = next(entry for entry in menu if entry.get("key") == "datacenter")
    assert {reverse("datacenter:dictionary"), reverse("intake:batches")} <= {i["url"] for i in datacenter["children"]}


def test_it_shows_the_cockpit_and_the_level_overviews_to_school_roles(cast):
    for user in (cast.alice, cast.grace):
        urls = _urls(menu_for(user))
        assert reverse("portraits:cockpit") in urls
        assert {reverse("portraits:level", args=[level]) for level in ("school", "specialty", "course", "teacher",
                                                                         "student")} <= urls


def test_it_keeps_the_cockpit_from_a_department_head_and_everything_of_staff_from_a_student(cast):
    assert reverse("portraits:cockpit") not in _urls(menu_for(cast.bob))
    assert reverse("portraits:level", args=["specialty"]) in _urls(menu_for(cast.bob))
    student = _urls(menu_for(cast.erin))
    assert reverse("portraits:cockpit") not in student
    assert not any(url.startswith("/portraits/levels/") for url in student)


def test_it_shows_a_school_leader_no_technical_page(cast):
    urls = _urls(menu_for(cast.grace))
    assert not {reverse(name) for name in TECHNICAL} & urls
    assert reverse("monitoring:warnings") in urls and reverse("statedata:index") in urls
    # The college office keeps them.
    assert {reverse(name) for name in TECHNICAL} <= _urls(menu_for(cast.alice))


def test_it_shows_a_group_of_one_as_its_link(cast):
    for entry in menu_for(cast.erin):
        assert "children" not in entry or len(entry["children"]) > 1


def test_it_marks_the_current_page_and_its_group(client, cast):
    client.force_login(cast.alice)
    html = client.get(reverse("intake:batches")).content.decode()
    assert '<summary class="current">数据中心</summary>' in html
    assert f'<a href="{reverse("intake:batches")}" aria-current="page">' in html
    assert "onclick=" not in html and "onchange=" not in html
