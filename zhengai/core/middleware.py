"""Request guards that hold for every page."""

from .params import BadParameter


class QueryStringGuard:
    """A query string carrying a NUL character is refused (400) before any view reads it: no
    person types one, and PostgreSQL refuses it in any text it is compared with.

    Checked once the view is known (``process_view``), so a view that answers in a protocol of its
    own (``refuses_nul_itself``: the xAPI resources, whose every answer — errors too — is JSON
    with the X-Experience-API-Version header) refuses it in that protocol instead of with the
    site's HTML error page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "refuses_nul_itself", False):
            return None
        if "%00" in request.META.get("QUERY_STRING", "") or any(
                "\x00" in key or any("\x00" in v for v in request.GET.getlist(key)) for key in request.GET):
            from django.utils.translation import gettext as _

            raise BadParameter(_("查询参数中含有空字符（NUL），无法使用。"))
        return None


class ExportAudit:
    """Every download (a response sent as an attachment: .xlsx, CSV, JSON, a document, an evidence
    file) by a signed-in person becomes one ``exported`` audit event: who, which page, the file, the
    filters of the query string and, where the view counted them (``response.export_rows``), how
    many rows. No view has to remember it, so a new export cannot be left out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        disposition = response.get("Content-Disposition", "") if hasattr(response, "get") else ""
        user = getattr(request, "user", None)
        if (response.status_code == 200 and disposition.lower().startswith("attachment")
                and user is not None and user.is_authenticated):
            from .audit import record_export

            record_export(request, response, disposition)
        return response


class QueryTiming:
    """Bench instrument, off in production: with ``ZHENGAI_BENCH_QUERY_TIMING=true`` (settings puts it
    first in ``MIDDLEWARE`` only then) every response carries ``Server-Timing: app;dur=…,
    sql;dur=…;desc="N"`` — the milliseconds Django spent on the request, of which so many in N database
    queries — so ``bench/pages.py`` can tell a page slow in the database from one slow in Python."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        from django.db import connection

        spent = {"sql": 0.0, "queries": 0}

        def timed(execute, sql, params, many, context):
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent["sql"] += time.perf_counter() - start
                spent["queries"] += 1

        start = time.perf_counter()
        with connection.execute_wrapper(timed):
            response = self.get_response(request)
        total = time.perf_counter() - start
        response["Server-Timing"] = (f'app;dur={total * 1000:.2f}, '
                                     f'sql;dur={spent["sql"] * 1000:.2f};desc="{spent["queries"]}"')
        return response
