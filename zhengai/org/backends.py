"""Sign-in back ends: django-axes' lockout check in front of Django's password check."""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """Refuses sign-ins of a locked-out username from the same address (see ``AXES_*`` settings).

    Lockout is about guessing passwords over the web; an ``authenticate()`` without a request
    (the test client's ``login()``, a management command) is not a web sign-in, so it is passed on
    to the next back end instead of being refused as axes would.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
