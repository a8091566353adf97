"""A real CAS server for the tests (django-cas-server, CAS 1/2/3), run as its own Django project in a
separate process on 127.0.0.1: ``python -m zhengai.datacenter.tests.cas_server PORT DB USERS_JSON``.

Its accounts and the attributes it releases come from USERS_JSON
(``{"username": {"password": "…", "attributes": {…}}}``); every service under
``http://localhost:*/`` may use it, with single sign-out. Not a mock: tickets, validation and
logoutRequest are django-cas-server's own."""

import json
import os
import sys

SECRET_KEY = "cas-server-for-the-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
                  "django.contrib.messages", "cas_server"]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "zhengai.datacenter.tests.cas_server_auth"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True, "OPTIONS": {
    "context_processors": ["django.template.context_processors.request", "django.contrib.auth.context_processors.auth",
                           "django.contrib.messages.context_processors.messages"]}}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ.get("CAS_TEST_DB", ":memory:")}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
USE_TZ = True
STATIC_URL = "/static/"
SESSION_COOKIE_NAME = "cas_session"  # never the platform's cookie
CAS_AUTH_CLASS = "zhengai.datacenter.tests.cas_server_auth.AuthUser"
CAS_NEW_VERSION_HTML_WARNING = False
CAS_NEW_VERSION_EMAIL_WARNING = False
CAS_SHOW_POWERED = False
CAS_SLO_TIMEOUT = 5

def main(port: int) -> None:
    import django
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", verbosity=0)
    from cas_server.models import ReplaceAttributName, ServicePattern

    pattern = ServicePattern.objects.create(pos=1, name="zhengai", pattern=r"^http://localhost(:\d+)?/.*",
                                            single_log_out=True)
    ReplaceAttributName.objects.create(name="*", service_pattern=pattern)
    print("ready", flush=True)
    run("127.0.0.1", port, get_wsgi_application(), threading=True)


if __name__ == "__main__":
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhengai.datacenter.tests.cas_server"
    main(int(sys.argv[1]))
