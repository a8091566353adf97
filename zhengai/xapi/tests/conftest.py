import base64
import copy
import uuid

import orjson
import pytest

from zhengai.intake.sources import do_add_source

ADL = "http://adlnet.gov/expapi/verbs/"
HOME = "https://lms.example.edu"


def statement(**overrides) -> dict:
    """A valid statement by student 张三 (学号 2024001) on an activity of 数控编程's offering."""
    base = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "name": "张三", "account": {"homePage": HOME, "name": "2024001"}},
        "verb": {"id": ADL + "completed", "display": {"zh-CN": "完成", "en-US": "completed"}},
        "object": {"objectType": "Activity", "id": f"{HOME}/activities/cnc-video-1",
                   "definition": {"name": {"zh-CN": "数控编程 第1讲"}}},
        "result": {"score": {"raw": 85, "min": 0, "max": 100, "scaled": 0.85}, "duration": "PT12M30S",
                   "completion": True},
        "context": {"contextActivities": {"grouping": [{"id": f"{HOME}/offerings/2026-2027-1-C001-01"}]}},
        "timestamp": "2026-10-20T08:30:00.000Z",
    }
    for key, value in overrides.items():
        if value is None:
            base.pop(key, None)
        else:
            base[key] = value
    return base


class LRS:
    """A test client speaking to /xapi/statements as one source."""

    def __init__(self, client, source, key, secret):
        self.client, self.source, self.key, self.secret = client, source, key, secret
        token = base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.headers = {"HTTP_AUTHORIZATION": f"Basic {token}", "HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}

    def post(self, payload, *, raw=None, **headers):
        body = raw if raw is not None else orjson.dumps(payload)
        return self.client.post("/xapi/statements", body, content_type="application/json",
                                **{**self.headers, **headers})

    def put(self, payload, statement_id, **headers):
        return self.client.put(f"/xapi/statements?statementId={statement_id}", orjson.dumps(payload),
                               content_type="application/json", **{**self.headers, **headers})

    def get(self, params=None, path="/xapi/statements", **headers):
        return self.client.get(path, params or {}, **{**self.headers, **headers})


@pytest.fixture
def lrs(college, client):
    source, issued = do_add_source("lms", "xapi", title="学习平台")
    return LRS(client, source, issued.key, issued.secret)


@pytest.fixture
def make_statement():
    return lambda **kw: copy.deepcopy(statement(**kw))


@pytest.fixture
def bare_lrs(db, client):
    """An xAPI source without the college: enough for validation and protocol tests."""
    source, issued = do_add_source("lms", "xapi", title="学习平台")
    return LRS(client, source, issued.key, issued.secret)


@pytest.fixture(autouse=True)
def _forget_cached_batches():
    """The day batch's id is cached per process; each test's rolled-back database must not see
    the id of a batch from an earlier test."""
    from zhengai.xapi import store

    store._batch_cache.clear()
    yield
    store._batch_cache.clear()
