"""A real OpenID Connect provider for the tests (django-oauth-toolkit with OIDC, RS256), run as its
own Django project in a separate process on 127.0.0.1:
``python -m zhengai.datacenter.tests.oidc_provider PORT`` with ``OIDC_TEST_*`` in the environment
(the RSA key, the client, the redirect URI, the accounts and their claims). Not a mock: the
authorisation code, PKCE, the signed ID token and the userinfo endpoint are django-oauth-toolkit's."""

import os
import sys

SECRET_KEY = "oidc-provider-for-the-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
                  "django.contrib.messages", "oauth2_provider"]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "zhengai.datacenter.tests.oidc_provider_parts"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "OPTIONS": {
    "context_processors": ["django.template.context_processors.request", "django.contrib.auth.context_processors.auth"],
    "loaders": [("django.template.loaders.locmem.Loader", {
        "registration/login.html": '<form method="post">{% csrf_token %}{{ form.as_p }}'
                                   '<input type="hidden" name="next" value="{{ next }}"><button>sign in</button></form>',
        "oauth2_provider/logout_confirm.html": "<p>signed out</p>",
    }), "django.template.loaders.app_directories.Loader"]}}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ.get("OIDC_TEST_DB", ":memory:")}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
STATIC_URL = "/static/"
LOGIN_URL = "/accounts/login/"
SESSION_COOKIE_NAME = "op_session"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RSA_PRIVATE_KEY": os.environ.get("OIDC_TEST_RSA_KEY", ""),
    "PKCE_REQUIRED": True,
    "SCOPES": {"openid": "OpenID Connect", "profile": "profile"},
    "OAUTH2_VALIDATOR_CLASS": "zhengai.datacenter.tests.oidc_provider_parts.Validator",
}


def main(port: int) -> None:
    import json

    import django
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", verbosity=0)
    from django.contrib.auth.models import User
    from oauth2_provider.models import Application

    for username, spec in json.loads(os.environ["OIDC_TEST_USERS"]).items():
        User.objects.create_user(username, password=spec["password"])
    Application.objects.create(
        name="zhengai", client_id=os.environ["OIDC_TEST_CLIENT_ID"], client_secret=os.environ["OIDC_TEST_CLIENT_SECRET"],
        client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=os.environ["OIDC_TEST_REDIRECT_URI"], post_logout_redirect_uris=os.environ.get("OIDC_TEST_LOGOUT_URI", ""),
        algorithm=Application.RS256_ALGORITHM, skip_authorization=True)
    print("ready", flush=True)
    run("127.0.0.1", port, get_wsgi_application(), threading=True)


if __name__ == "__main__":
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhengai.datacenter.tests.oidc_provider"
    main(int(sys.argv[1]))
