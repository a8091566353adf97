"""The test CAS server's URLs and accounts (``CAS_TEST_USERS``, JSON): see ``cas_server``."""

import json
import os

from cas_server.auth import AuthUser as _Base


def users() -> dict:
    return json.loads(os.environ.get("CAS_TEST_USERS", "{}"))


class AuthUser(_Base):
    def test_password(self, password):
        return users().get(self.username, {}).get("password") == password

    def attributs(self):
        return users().get(self.username, {}).get("attributes", {})


from django.urls import include, path  # noqa: E402

urlpatterns = [path("cas/", include("cas_server.urls", namespace="cas_server"))]
