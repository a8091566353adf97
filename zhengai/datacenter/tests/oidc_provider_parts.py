"""The test OpenID provider's URLs and the claims it issues (``OIDC_TEST_USERS``): see ``oidc_provider``."""

import json
import os

from django.contrib.auth import views as auth_views
from django.urls import include, path
from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    oidc_claim_scope = None  # release every claim below to the client

    def get_additional_claims(self, request):
        spec = json.loads(os.environ["OIDC_TEST_USERS"]).get(request.user.username, {})
        return {"preferred_username": request.user.username, **spec.get("claims", {})}


urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view()),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
