"""Attachments: multipart/mixed statements (POST and PUT), SHA-2 matching, attachments=true on
GET, and signed statements (JWS, RS256 with an x5c certificate)."""

import base64
import copy
import datetime
import hashlib

import jwt
import orjson
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from zhengai.intake.sources import do_add_source
from zhengai.xapi.attachments import SIGNATURE, parse
from zhengai.xapi.models import Attachment, Statement

from .conftest import statement

BOUNDARY = "zhengai-test-boundary"
PDF = b"%PDF-1.4 \x00\x01\x02 binary \r\n--not-a-boundary\r\n bytes"


def attachment_meta(content: bytes, usage="http://adlnet.gov/expapi/attachments/certificate",
                    content_type="application/pdf") -> dict:
    return {"usageType": usage, "display": {"zh-CN": "证书"}, "contentType": content_type,
            "length": len(content), "sha2": hashlib.sha256(content).hexdigest()}


def multipart(statements, parts, *, first_type="application/json") -> bytes:
    chunks = [f"--{BOUNDARY}\r\nContent-Type: {first_type}\r\n\r\n".encode(), orjson.dumps(statements)]
    for content_type, content, headers in parts:
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        chunks.append(f"\r\n--{BOUNDARY}\r\nContent-Type: {content_type}\r\n{extra}\r\n".encode())
        chunks.append(content)
    chunks.append(f"\r\n--{BOUNDARY}--\r\n".encode())
    return b"".join(chunks)


def part(content: bytes, content_type="application/pdf", sha2=None):
    return (content_type, content, {"Content-Transfer-Encoding": "binary",
                                    "X-Experience-API-Hash": sha2 or hashlib.sha256(content).hexdigest()})


def post_multipart(lrs, body, path="/xapi/statements"):
    return lrs.client.post(path, body, content_type=f"multipart/mixed; boundary={BOUNDARY}", **lrs.headers)


@pytest.mark.django_db
def test_a_multipart_statement_is_stored_with_its_attachment_and_returned_with_attachments_true(bare_lrs):
    st = statement(attachments=[attachment_meta(PDF)])

    response = post_multipart(bare_lrs, multipart([st], [part(PDF)]))
    plain = bare_lrs.get({"statementId": st["id"]})
    with_parts = bare_lrs.get({"statementId": st["id"], "attachments": "true"})

    assert response.status_code == 200, response.content
    assert plain["Content-Type"] == "application/json"
    assert with_parts["Content-Type"].startswith("multipart/mixed; boundary=")
    text, parts = parse(with_parts["Content-Type"], with_parts.content)
    assert orjson.loads(text)["id"] == st["id"]
    assert [p.content for p in parts.values()] == [PDF]
    listing_text, listing_parts = parse(*(lambda r: (r["Content-Type"], r.content))(
        bare_lrs.get({"attachments": "true"})))
    assert len(orjson.loads(listing_text)["statements"]) == 1 and len(listing_parts) == 1
    assert Attachment.objects.count() == 1


@pytest.mark.django_db
def test_a_multipart_put_stores_the_statement(bare_lrs):
    st = statement(attachments=[attachment_meta(PDF)])

    response = bare_lrs.client.put(f"/xapi/statements?statementId={st['id']}", multipart(st, [part(PDF)]),
                                   content_type=f"multipart/mixed; boundary={BOUNDARY}", **bare_lrs.headers)

    assert response.status_code == 204, response.content
    assert Attachment.objects.get().content == PDF


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["missing part", "hash mismatch", "extra part", "no hash header", "json only",
                                  "first part not json", "no boundary", "not binary"])
def test_attachment_parts_must_match_the_statements_sha2(bare_lrs, case):
    st = statement(attachments=[attachment_meta(PDF)])
    parts = [part(PDF)]
    first_type = "application/json"
    if case == "missing part":
        parts = []
    elif case == "hash mismatch":
        parts = [part(PDF + b"x", sha2=hashlib.sha256(PDF).hexdigest())]
    elif case == "extra part":
        parts = [part(PDF), part(b"other")]
    elif case == "no hash header":
        parts = [("application/pdf", PDF, {"Content-Transfer-Encoding": "binary"})]
    elif case == "first part not json":
        first_type = "text/plain"
    elif case == "not binary":
        parts = [("application/pdf", PDF, {"Content-Transfer-Encoding": "base64",
                                           "X-Experience-API-Hash": hashlib.sha256(PDF).hexdigest()})]
    if case == "json only":
        response = bare_lrs.post(st)
    elif case == "no boundary":
        response = bare_lrs.client.post("/xapi/statements", multipart([st], parts), content_type="multipart/mixed",
                                        **bare_lrs.headers)
    else:
        response = post_multipart(bare_lrs, multipart([st], parts, first_type=first_type))

    assert response.status_code == 400, response.content
    assert response.json()["message"]
    assert Statement.objects.count() == 0 and Attachment.objects.count() == 0


# -- signed statements --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def signer():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "学习平台")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30)).sign(key, hashes.SHA256()))
    x5c = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
    return key, x5c


def signed(st: dict, key, x5c, *, payload=None, algorithm="RS256") -> tuple[dict, bytes]:
    token = jwt.PyJWS().encode(orjson.dumps(payload or st), key, algorithm=algorithm,
                               headers={"x5c": [x5c]} if x5c else None).encode()
    out = copy.deepcopy(st)
    out["attachments"] = [attachment_meta(token, usage=SIGNATURE, content_type="application/octet-stream")]
    return out, token


@pytest.mark.django_db
def test_a_signed_statement_is_verified_against_its_certificate_and_stored(bare_lrs, signer):
    key, x5c = signer
    st, token = signed(statement(), key, x5c)

    response = post_multipart(bare_lrs, multipart([st], [part(token, "application/octet-stream")]))

    assert response.status_code == 200, response.content
    assert Attachment.objects.get().content == token


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["tampered", "hs256", "not a jws", "other certificate", "not octet-stream",
                                  "signature by url"])
def test_a_malformed_signature_is_refused(bare_lrs, signer, case):
    key, x5c = signer
    st = statement()
    if case == "tampered":
        st, token = signed(st, key, x5c, payload={**st, "result": {"success": False}})
    elif case == "hs256":
        token = jwt.PyJWS().encode(orjson.dumps(st), "secret" * 6, algorithm="HS256").encode()
        st = {**st, "attachments": [attachment_meta(token, usage=SIGNATURE, content_type="application/octet-stream")]}
    elif case == "not a jws":
        token = b"this is no signature"
        st = {**st, "attachments": [attachment_meta(token, usage=SIGNATURE, content_type="application/octet-stream")]}
    elif case == "other certificate":
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        st, token = signed(st, other, x5c)
    else:
        st, token = signed(st, key, x5c)
        if case == "not octet-stream":
            st["attachments"][0]["contentType"] = "application/json"
    if case == "signature by url":
        st["attachments"][0]["fileUrl"] = "https://lms.example.edu/sig"
        response = bare_lrs.post(st)
    else:
        response = post_multipart(bare_lrs, multipart([st], [part(token, "application/octet-stream")]))

    assert response.status_code == 400, response.content
    assert Statement.objects.count() == 0


# -- a real client against a live server --------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_a_real_http_client_posts_multipart_and_reads_it_back(live_server):
    source, issued = do_add_source("lms_live", "xapi", title="学习平台")
    auth = (issued.key, issued.secret)
    headers = {"X-Experience-API-Version": "1.0.3"}
    st = statement(attachments=[attachment_meta(PDF)])

    posted = requests.post(f"{live_server.url}/xapi/statements", data=multipart([st], [part(PDF)]), auth=auth,
                           headers={**headers, "Content-Type": f"multipart/mixed; boundary={BOUNDARY}"}, timeout=30)
    got = requests.get(f"{live_server.url}/xapi/statements", params={"statementId": st["id"], "attachments": "true"},
                       auth=auth, headers=headers, timeout=30)
    head = requests.head(f"{live_server.url}/xapi/statements", params={"statementId": st["id"]}, auth=auth,
                         headers=headers, timeout=30)

    assert posted.status_code == 200, posted.text
    assert got.status_code == 200 and got.headers["X-Experience-API-Version"] == "1.0.3"
    text, parts = parse(got.headers["Content-Type"], got.content)
    assert orjson.loads(text)["id"] == st["id"] and [p.content for p in parts.values()] == [PDF]
    assert head.status_code == 200 and head.content == b"" and "Last-Modified" in head.headers


@pytest.mark.django_db
def test_an_attachment_with_a_file_url_sent_with_its_content_is_returned_with_attachments_true(bare_lrs):
    """The fileUrl makes the content optional in the request, not in the answer: content the LRS
    holds is returned (ADL conformance, XAPI-00161)."""
    meta = {**attachment_meta(PDF), "fileUrl": "https://lms.example.edu/files/cert.pdf"}
    st = statement(attachments=[meta])

    assert post_multipart(bare_lrs, multipart([st], [part(PDF)])).status_code == 200
    with_parts = bare_lrs.get({"statementId": st["id"], "attachments": "true"})

    assert with_parts["Content-Type"].startswith("multipart/mixed")
    _body, parts = parse(with_parts["Content-Type"], with_parts.content)
    assert [p.content for p in parts.values()] == [PDF]


@pytest.mark.django_db
def test_contents_no_statement_carries_are_collected_after_the_grace_period(bare_lrs, settings):
    """A repeat of a stored statement is not stored again (equivalence ignores attachments), so
    content sent with it is carried by no statement: collection deletes it, and only it — not
    content a statement carries, nor content of the last hour."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from zhengai.xapi.attachments import COLLECT_GRACE, collect_garbage

    other = b"%PDF-1.4 another certificate"
    st = statement(attachments=[attachment_meta(PDF)])
    assert post_multipart(bare_lrs, multipart([st], [part(PDF)])).status_code == 200
    repeat = {**st, "attachments": [attachment_meta(other)]}
    assert post_multipart(bare_lrs, multipart([repeat], [part(other)])).status_code == 200
    assert Attachment.objects.count() == 2

    assert collect_garbage() == 0  # both arrived within the grace period
    later = timezone.now() + COLLECT_GRACE + timedelta(minutes=1)
    assert collect_garbage(now=later, dry_run=True) == 1 and Attachment.objects.count() == 2
    assert collect_garbage(now=later) == 1

    assert list(Attachment.objects.values_list("content", flat=True)) == [PDF]
    with_parts = bare_lrs.get({"statementId": st["id"], "attachments": "true"})
    assert PDF in with_parts.content
    Attachment.objects.update(stored=timezone.now() - 2 * COLLECT_GRACE)
    call_command("xapi", "collect-attachments")
    assert Attachment.objects.count() == 1  # carried content stays, however old


def test_the_collection_runs_daily_on_the_schedule():
    from zhengai.core import scheduling

    assert ("xapi-collect-attachments", "zhengai.xapi.collect_attachments", 86400.0) in scheduling.schedule()
    assert scheduling.task("zhengai.xapi.collect_attachments") is not None
