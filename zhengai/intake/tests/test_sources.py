"""Source systems and their credentials: the command-line contract, hashing, rotation, revocation,
authentication and the page."""

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from zhengai.datacenter.models import SourceSystem
from zhengai.intake.models import SourceCredential
from zhengai.intake.sources import source_for_basic, source_for_token

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("sources", *args, stdout=out)
    return out.getvalue()


def test_it_registers_an_api_source_and_prints_its_token_once_as_one_json_object():
    output = run("add", "jw_push", "--kind", "api", "--json", "--title", "教务推送", "--cadence-days", "3")

    payload = json.loads(output)  # exactly one JSON object, nothing else
    assert set(payload) == {"source", "token"}
    assert payload["source"] == "jw_push"
    source = SourceSystem.objects.get(code="jw_push")
    assert (source.name, source.kind, source.expected_cadence_days) == ("教务推送", "api", 3)
    assert source_for_token(payload["token"]) == source


def test_it_registers_an_xapi_source_with_a_key_and_secret():
    payload = json.loads(run("add", "lms", "--kind", "xapi", "--json"))

    assert set(payload) == {"source", "key", "secret"}
    assert source_for_basic(payload["key"], payload["secret"]).code == "lms"


@pytest.mark.parametrize("kind", ["file", "database"])
def test_it_registers_file_and_database_sources_without_credentials(kind):
    assert json.loads(run("add", "src", "--kind", kind, "--json")) == {"source": "src"}
    assert SourceCredential.objects.count() == 0


def test_it_stores_only_a_salted_digest_of_the_secret():
    payload = json.loads(run("add", "lms", "--kind", "xapi", "--json"))

    cred = SourceCredential.objects.get()
    assert cred.lookup == payload["key"]
    assert payload["secret"] not in (cred.secret_hash, cred.salt, cred.lookup)
    assert cred.secret_hash == hashlib.sha256(f"{cred.salt}:{payload['secret']}".encode()).hexdigest()


def test_it_refuses_wrong_secrets_tokens_and_kinds():
    xapi = json.loads(run("add", "lms", "--kind", "xapi", "--json"))
    api = json.loads(run("add", "push", "--kind", "api", "--json"))

    assert source_for_basic(xapi["key"], xapi["secret"] + "x") is None
    assert source_for_basic(xapi["key"], "") is None
    assert source_for_basic("nope", xapi["secret"]) is None
    assert source_for_token(api["token"][:-1]) is None
    assert source_for_token("garbage") is None
    assert source_for_token(None) is None
    # An api token's parts are not an xAPI key/secret, and vice versa.
    lookup, secret = api["token"][3:].split(".")
    assert source_for_basic(lookup, secret) is None
    assert source_for_token(f"zg_{xapi['key']}.{xapi['secret']}") is None


def test_it_authenticates_with_one_query(django_assert_num_queries):
    xapi = json.loads(run("add", "lms", "--kind", "xapi", "--json"))
    with django_assert_num_queries(1):  # the credential by its unique key, with its source joined
        source = source_for_basic(xapi["key"], xapi["secret"])
        assert source.code == "lms"


def test_it_rotates_so_only_the_new_credentials_work():
    old = json.loads(run("add", "lms", "--kind", "xapi", "--json"))

    new = json.loads(run("rotate", "lms", "--json"))

    assert new["key"] != old["key"]
    assert source_for_basic(old["key"], old["secret"]) is None
    assert source_for_basic(new["key"], new["secret"]).code == "lms"
    assert SourceCredential.objects.filter(revoked_at__isnull=True).count() == 1
    assert SourceCredential.objects.count() == 2  # the old one stays, revoked, as history


def test_it_revokes_credentials():
    api = json.loads(run("add", "push", "--kind", "api", "--json"))
    assert source_for_token(api["token"]) is not None

    output = run("revoke", "push")

    assert "1" in output
    assert source_for_token(api["token"]) is None


def test_it_refuses_a_duplicate_code_and_unknown_sources_clearly():
    run("add", "lms", "--kind", "xapi", "--json")
    with pytest.raises(CommandError, match="已经登记"):
        run("add", "lms", "--kind", "api")
    with pytest.raises(CommandError, match="没有代码为“ghost”"):
        run("rotate", "ghost")
    run("add", "files", "--kind", "file")
    with pytest.raises(CommandError, match="不使用凭据"):
        run("rotate", "files")
    assert SourceSystem.objects.count() == 2


def test_it_lists_sources_as_csv_and_json():
    xapi = json.loads(run("add", "lms", "--kind", "xapi", "--json", "--title", "学习平台"))
    run("add", "jw", "--kind", "file")
    run("add", "push", "--kind", "api")
    run("revoke", "push")

    rows = json.loads(run("list", "--format", "json"))
    assert [(r["code"], r["kind"], r["credential"]) for r in rows] == [
        ("jw", "file", ""), ("lms", "xapi", "active"), ("push", "api", "revoked"),
    ]
    assert rows[1]["key"] == xapi["key"] and rows[1]["name"] == "学习平台"
    csv_text = run("list", "--format", "csv")
    assert csv_text.splitlines()[0] == "code,name,kind,cadence_days,credential,key,issued_at"


def test_the_page_is_for_the_quality_office_only(client, cast):
    client.force_login(cast.bob)
    assert client.get("/intake/sources/").status_code == 403
    client.force_login(cast.alice)
    assert client.get("/intake/sources/").status_code == 200


def test_the_page_registers_a_source_and_shows_its_credentials_once(client, cast):
    client.force_login(cast.alice)

    response = client.post("/intake/sources/", {"action": "add", "code": "lms", "title": "学习平台", "kind": "xapi"})

    assert response.status_code == 200
    cred = SourceCredential.objects.get(source__code="lms")
    assert cred.created_by == cast.alice
    secret = response.context["issued"]["secret"]
    assert secret in response.content.decode()
    assert source_for_basic(cred.lookup, secret).code == "lms"
    again = client.get("/intake/sources/").content.decode()
    assert cred.lookup in again and secret not in again


def test_the_page_rotates_and_revokes(client, cast):
    client.force_login(cast.alice)
    first = client.post("/intake/sources/", {"action": "add", "code": "push", "kind": "api"}).context["issued"]

    second = client.post("/intake/sources/", {"action": "rotate", "code": "push"}).context["issued"]
    assert source_for_token(first["token"]) is None and source_for_token(second["token"]) is not None

    client.post("/intake/sources/", {"action": "revoke", "code": "push"})
    assert source_for_token(second["token"]) is None
    assert SourceCredential.objects.get(lookup=second["token"][3:].split(".")[0]).revoked_by == cast.alice


def test_the_page_names_a_duplicate_code(client, cast):
    client.force_login(cast.alice)
    client.post("/intake/sources/", {"action": "add", "code": "lms", "kind": "xapi"})

    response = client.post("/intake/sources/", {"action": "add", "code": "lms", "kind": "xapi"})

    assert response.status_code == 400
    assert "“lms”已经登记过了" in response.content.decode()
