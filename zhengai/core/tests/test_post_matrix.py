"""The POST matrix: every URL of the URL configuration, POSTed by every role of the cast (and an
administrator and an anonymous visitor), is allowed or refused as the rule its view declares says.

- A URL whose view refuses POST (405: ``require_safe``) changes nothing and is skipped.
- Any other view of ours must declare its rule (``zhengai.org.access.gate``): without one, the test
  fails and names it — a new POST view states who may use it.
- Refused means 401, 403 or 404 (a sign-in redirect for anonymous visitors) and not one row
  inserted, updated or deleted. Allowed means none of those (a form error, a redirect, a page).
- Views the project does not write answer to their own gates, declared in ``EXTERNAL`` below.

Path arguments come from the cast's real objects: the object a rule is ``on``, else the table
``PATH_ARGS``. Every request runs in a transaction rolled back afterwards, so one cast serves all.
"""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from zhengai.org import access

CAST = ["alice", "grace", "bob", "heidi", "ivan", "dave", "carol", "erin", "frank"]
# The admin site has one gate of its own for all its URLs (staff accounts); it is walked for these.
ADMIN_WALKERS = ("alice", "erin", "anonymous")
WRITES = ("insert", "update", "delete", "replace")
# Rows written by signing a test client in and out, not by the view under test.
IGNORED_TABLES = ("django_session",)

# The gates of views the project does not write, by URL name prefix.
EXTERNAL = {
    # Django's admin site: its sign-in and sign-out are public; everything else is for staff
    # accounts, others are sent to the admin's sign-in. (What a staff account may do there is
    # Django's model permissions; not walked here.)
    "admin:login": access.PUBLIC, "admin:logout": access.PUBLIC, "admin:": "admin",
    # Signing in and out, password reset, the language switch (the identity work owns them);
    # changing one's password needs one's session.
    "login": access.PUBLIC, "logout": access.PUBLIC, "password_reset": access.PUBLIC, "password_change": access.SIGNED_IN,
    "set_language": access.PUBLIC,
    # The push API authenticates its source systems by token; its description is public.
    "api:openapi": access.PUBLIC, "api:": access.SOURCE_CREDENTIALS,
}


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            yield (f"{namespace}:{p.name}" if namespace else p.name), p


def url_patterns():
    return list(_walk(get_resolver().url_patterns))


def _external(name):
    for prefix, rule in EXTERNAL.items():
        if name.startswith(prefix) or name == prefix:
            return rule
    return None


@pytest.fixture
def objects(cast, college, django_user_model, tmp_path):
    """One of each thing a state-changing URL is about, in the cast's college."""
    from django.utils import timezone

    from zhengai.chains.models import Goal, KeyResult, Standard, StandardNode, StandardVersion
    from zhengai.cycles.models import PointEvidence, PointEvidenceFile
    from zhengai.datacenter.models import ImportBatch, Subject
    from zhengai.indicators.models import CustomIndicator
    from zhengai.intake.models import Mapping
    from zhengai.intake.pull.models import SavedPull, SourceConnection
    from zhengai.monitoring.models import Warning

    root = django_user_model.objects.create_superuser("root", password="pw-root")
    subject = {(s.level, s.key): s for s in Subject.objects.all()}
    zhang, liu = subject[("student", "2024001")], subject[("student", "2024101")]
    o = {"root": root}
    o["warning"] = Warning.objects.create(subject=zhang, level="student", indicator_code="student.attendance_rate",
                                          opened_window="2026-10", last_window="2026-10", value=0.6)
    o["other_warning"] = Warning.objects.create(subject=liu, level="student", indicator_code="student.attendance_rate",
                                                opened_window="2026-10", last_window="2026-10", value=0.6)
    o["own_goal"] = Goal.objects.create(kind="student_annual", title="我的学年目标", owner=zhang, start=date(2026, 9, 1),
                                        status="submitted")
    o["unit_goal"] = Goal.objects.create(kind="specialty", title="数控技术专业目标", owner=subject[("specialty", "460103")],
                                         start=date(2026, 9, 1), status="approved")
    o["milestone"] = KeyResult.objects.create(goal=o["unit_goal"], name="实训基地验收", kind="milestone", order=1)
    standard = Standard.objects.create(code="T-STU", name="学生发展标准", level="student", standard_class="student")
    published = StandardVersion.objects.create(standard=standard, label="v1", status="published",
                                               effective_from=date(2026, 1, 1))
    point = StandardNode.objects.create(version=published, kind="point", code="1.1.1", name="操行评定", evidence="班主任评语")
    o["evidence"] = PointEvidence.objects.create(subject=zhang, point=point, window="2026-2027-1", text="评语",
                                                 submitted_at=timezone.now())
    o["version"] = StandardVersion.objects.create(standard=standard, label="v2")  # a draft, to edit
    o["node"] = StandardNode.objects.create(version=o["version"], kind="point", code="1.1.1", name="操行评定",
                                            evidence="班主任评语")
    o["evidence_file"] = PointEvidenceFile.objects.create(evidence=o["evidence"], file="chains/x.pdf", name="x.pdf")
    o["batch"] = ImportBatch.objects.create(source=college.source, table="students", status="succeeded")
    o["mapping"] = Mapping.objects.create(source=college.source, table="students")
    o["connection"] = SourceConnection.objects.create(name="xg", source=college.source,
                                                      url=f"sqlite:///{tmp_path / 'source.sqlite3'}")
    o["pull"] = SavedPull.objects.create(name="xg-students", connection=o["connection"], table="students",
                                         source_table="students")
    o["custom"] = CustomIndicator.objects.create(code="student.custom_probe", level="student", name_zh="探针",
                                                 definition="测试",
                                                 spec={"kind": "aggregate", "table": "attendance", "aggregate": "count"})
    from zhengai.statedata.models import ReportTable, ReportTemplate

    o["report_template"] = ReportTemplate.objects.create(name="质量年报附表")
    o["report_table"] = ReportTable.objects.create(template=o["report_template"], code="scorecard", name="计分卡")
    from zhengai.statedata.models import CellValue, TableColumn, TableFill

    column = TableColumn.objects.create(table=o["report_table"], header="本学年")
    o["report_fill"] = TableFill.objects.create(table=o["report_table"], year="2025-2026")
    # A to-do of 机械工程学院 (bob's department), entered so that it can be reviewed.
    o["report_cell"] = CellValue.objects.create(fill=o["report_fill"], column=column, row_key="r1", row_label="到款额",
                                                origin="entered", value=1, department=college.mech)
    from zhengai.statedata.models import Correction, UploadResponse

    # A record the 数字基座 refused, a correction task of 机械工程学院.
    response = UploadResponse.objects.create(file_name="回执.csv", sha256="0" * 64, records=1, imported_at=timezone.now())
    o["correction"] = Correction.objects.create(response=response, fill=o["report_fill"], record_key="K" * 32, row_key="r1",
                                                row_label="到款额", reason="数值为空", department=college.mech,
                                                created_at=timezone.now())
    from zhengai.cycles.models import Cycle

    o["cycle"] = Cycle.objects.create(subject=subject[("offering", "2026-2027-1-C001-01")], level="offering",
                                      period="2026-2027-1", start=date(2026, 9, 7), end=date(2027, 1, 22),
                                      phase="implement", phase_since=date(2026, 11, 20))
    from zhengai.cycles.models import PointRating, Report

    o["report"] = Report.objects.create(cycle=o["cycle"], status="submitted")
    o["rating"] = PointRating.objects.create(report=o["report"], point=point)
    from zhengai.cycles.models import ImprovementAction

    o["improvement"] = ImprovementAction.objects.create(cycle=o["cycle"], text="增加辅导", due=date(2027, 1, 10))
    return o


def path_args(o):
    """URL name → path arguments, where the rule's ``on`` does not say."""
    return {
        "chains:goal_edit": {"pk": o["unit_goal"].pk}, "chains:goal_delete": {"pk": o["unit_goal"].pk},
        "chains:key_result_add": {"pk": o["unit_goal"].pk}, "chains:goal_report": {"pk": o["unit_goal"].pk},
        "chains:goal_submit": {"pk": o["own_goal"].pk}, "chains:goal_review": {"pk": o["own_goal"].pk},
        "chains:milestone": {"pk": o["milestone"].pk},
        "chains:node_new": {"version_pk": o["version"].pk},
        "chains:node_edit": {"version_pk": o["version"].pk, "pk": o["node"].pk},
        "chains:node_delete": {"pk": o["node"].pk},
        "chains:version_publish": {"pk": o["version"].pk}, "chains:version_copy": {"pk": o["version"].pk},
        "chains:version_rule": {"pk": o["version"].pk},
        "cycles:evidence_review": {"pk": o["evidence"].pk}, "cycles:evidence_file_remove": {"pk": o["evidence_file"].pk},
        "intake:batch_undo": {"pk": o["batch"].pk},
        "intake:mapping_edit": {"source": "jw", "table": "students"}, "intake:mapping_json": {"source": "jw", "table": "students"},
        "intake:connection_edit": {"pk": o["connection"].pk}, "intake:connection_test": {"pk": o["connection"].pk},
        "intake:pull_edit": {"pk": o["pull"].pk}, "intake:pull_run": {"pk": o["pull"].pk},
        "indicators:custom_edit": {"code": o["custom"].code},
        "statedata:fill": {"template_id": o["report_template"].pk},
        "statedata:fill_sign": {"pk": o["report_fill"].pk},
        "statedata:template_settings": {"template_id": o["report_template"].pk},
        "statedata:correction_resolve": {"pk": o["correction"].pk},
        "statedata:cell_enter": {"pk": o["report_cell"].pk}, "statedata:cell_review": {"pk": o["report_cell"].pk},
        "statedata:template_import": {"template_id": o["report_template"].pk},
        "statedata:table_new": {"template_id": o["report_template"].pk},
        "statedata:table_edit": {"template_id": o["report_template"].pk, "table_id": o["report_table"].pk},
    }


def bodies(o):
    """POST data for views whose object comes from the form rather than the path."""
    return {"cycles:evidence_submit": {"subject": o["evidence"].subject_id, "point": o["evidence"].point_id,
                                       "window": "2026-2027-1"}}


# Values for the admin's regex groups (the app list, "view on site").
REGEX_ARGS = {"app_label": "org", "content_type_id": "1", "object_id": "1"}


def _placeholder(pattern) -> dict:
    # A value of the right type for each converter, for views that refuse POST before reading it.
    out = {}
    for name, converter in pattern.pattern.converters.items():
        out[name] = 1 if type(converter).__name__ == "IntConverter" else "x"
    for name in getattr(pattern.pattern, "regex").groupindex:
        out.setdefault(name, REGEX_ARGS.get(name, "x"))
    return out


class Writes:
    """Counts rows inserted, updated or deleted by the statements run while it is installed."""

    def __init__(self):
        self.rows = []

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        head = sql.lstrip().split(None, 1)[0].lower() if sql.strip() else ""
        if head in WRITES and not any(t in sql for t in IGNORED_TABLES):
            count = getattr(context["cursor"], "rowcount", -1)
            if count is None or count != 0:
                self.rows.append(sql[:120])
        return result


def _refused(response, anonymous, act=None) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    if act == access.SOURCE_CREDENTIALS and response.status_code == 400:
        return True  # a machine API turns away a request without its headers before anything else
    if act == access.PUBLIC:
        return False  # a public page may send anyone on to the sign-in page
    location = response.get("Location", "") if response.status_code == 302 else ""
    return anonymous and location.startswith(reverse("login"))


def test_every_state_changing_url_answers_to_its_declared_rule_for_every_role(cast, objects):
    people = {name: getattr(cast, name) for name in CAST} | {"root": objects["root"], "anonymous": None}
    args, data_for = path_args(objects), bodies(objects)
    undeclared, mismatches, checked = [], [], 0
    clients = {}

    def client_for(who, user):
        # One signed-in client per person; signed in again after a sign-out URL ended the session.
        client = clients.get(who)
        if client is None or (user is not None and "_auth_user_id" not in client.session):
            client = clients[who] = Client()
            if user is not None:
                client.force_login(user)
        return client

    for name, pattern in url_patterns():
        external = _external(name)
        rule = access.rule_of(pattern.callback)
        if external is None and rule is None and not pattern.callback.__module__.startswith("zhengai."):
            undeclared.append(f"{name} (a view of {pattern.callback.__module__})")
            continue
        kwargs = _placeholder(pattern)
        if rule is not None and isinstance(rule.on, type):
            found = rule.on._default_manager.order_by("pk").first()
            if found is not None and "pk" in kwargs:
                kwargs["pk"] = found.pk
        kwargs.update(args.get(name, {}))
        url = reverse(name, kwargs=kwargs)
        data = data_for.get(name, {})
        for who, user in people.items():
            if external == "admin" and who not in ADMIN_WALKERS:
                continue
            client = client_for(who, user)
            writes = Writes()
            with transaction.atomic():
                with connection.execute_wrapper(writes):
                    response = client.post(url, data)
                transaction.set_rollback(True)
            if response.status_code == 405:
                continue  # the view takes no POST: nothing it could change
            if external is None and rule is None:
                if user is None and _refused(response, True) and not writes.rows:
                    continue  # sent to sign in before the view could say it takes no POST
                undeclared.append(name)
                break
            checked += 1
            anonymous = user is None
            if external == "admin":
                expected = bool(user and user.is_staff)
                refused = response.status_code in (403, 404) or (
                    response.status_code == 302 and "/login/" in response.get("Location", ""))
            else:
                use = rule or access.Rule(external)
                target = use.target(kwargs, data) if rule is not None else None
                expected = use.allows(user, target) if user is not None else use.act == access.PUBLIC
                refused = _refused(response, anonymous, use.act)
            if refused == expected or (refused and writes.rows):
                mismatches.append(f"{who} POST {url} ({name}): {response.status_code}, expected "
                                  f"{'allowed' if expected else 'refused'}"
                                  + (f", wrote {writes.rows[:2]}" if refused and writes.rows else ""))
    assert not undeclared, ("views that take POST without a declared rule (add @access.gate(...)): "
                            + ", ".join(sorted(set(undeclared))))
    assert not mismatches, "\n".join(mismatches)
    assert checked > 300  # the walk really reached the views (guards against an empty URL list)


def test_a_student_reads_their_warning_and_gives_their_account_but_staff_acts_are_refused(client, cast, objects):
    warning = objects["warning"]
    client.force_login(cast.erin)
    assert client.get(reverse("monitoring:warning", args=[warning.pk])).status_code == 200
    for name in ("monitoring:acknowledge", "monitoring:correct", "monitoring:resolve", "monitoring:close"):
        assert client.post(reverse(name, args=[warning.pk]), {"reason": "x", "cause": "x", "measure_kind": "talk",
                                                               "measure_text": "x"}).status_code == 403
    warning.refresh_from_db()
    assert warning.status == "open"
    response = client.post(reverse("monitoring:self_report", args=[warning.pk]), {"text": "我生病住院了两周，下周起按时上课"})
    assert response.status_code == 302
    event = warning.events.get(kind="self_reported")
    assert (event.actor, event.note) == (cast.erin, "我生病住院了两周，下周起按时上课")
    page = client.get(reverse("monitoring:warning", args=[warning.pk])).content.decode()
    assert "本人说明" in page and "我生病住院了两周" in page
    # Another student neither sees it nor speaks for it.
    client.force_login(cast.frank)
    assert client.post(reverse("monitoring:self_report", args=[warning.pk]), {"text": "x"}).status_code == 404


def test_a_counsellor_whose_roles_are_removed_loses_the_classes_warnings(client, cast, objects):
    from zhengai.monitoring.queries import filtered

    warning = objects["warning"]
    assert list(filtered(cast.carol, mine=True)) == [warning]
    cast.carol.roles.all().delete()
    carol = type(cast.carol).objects.get(pk=cast.carol.pk)  # a new request: roles read afresh
    assert not filtered(carol).exists()
    client.force_login(carol)
    assert client.get(reverse("monitoring:warning", args=[warning.pk])).status_code == 404
    assert client.post(reverse("monitoring:resolve", args=[warning.pk])).status_code == 403
    warning.refresh_from_db()
    assert warning.status == "open"
