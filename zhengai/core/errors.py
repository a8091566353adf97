"""The error pages (400, 403, 404, 500) in the site's layout, in the user's language: what happened,
in words, and a way back (the page one came from, when it is on this site, and the home page).

A refusal of something one may not see is 404, the same answer whether it exists or not (see
``zhengai.org.access``); so the 404 page says "does not exist, or is not open to you" and never
shows the exception's text. A 403 shows the reason the view gave (``PermissionDenied("…")``), which
is written for the user. The 500 page is rendered without the context processors: whatever failed
(the database, say) must not fail the error page too."""

from django.conf import settings
from django.http import HttpResponse
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token


def _back_url(request) -> str | None:
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        if referer.rstrip("/") != request.build_absolute_uri().rstrip("/"):
            return referer
    return None


def _render(request, status: int, context: dict, *, processors: bool = True) -> HttpResponse:
    try:
        back = _back_url(request)
    except Exception:  # a bad Host header is itself a 400: no way back to compute then
        back = None
    context = {"status": status, "back_url": back, "home_url": reverse("home"), **context}
    template = loader.get_template("errors/error.html")
    if processors:
        body = template.render(context, request)
    else:
        body = template.render({"school_name": settings.ZHENGAI_SCHOOL_NAME, "request": request, **context})
    return HttpResponse(body, status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    # A query parameter refused by ``zhengai.core.params`` says which one and what it should be.
    from .params import BadParameter

    return _render(request, 400, {"title": _("请求有误"),
                                  "message": _("这个地址里的参数无法识别，请检查后重试，或从菜单重新进入。"),
                                  "reason": str(exception) if isinstance(exception, BadParameter) else ""})


@requires_csrf_token
def permission_denied(request, exception=None):
    reason = str(exception or "").strip()
    return _render(request, 403, {"title": _("无权访问"),
                                  "message": _("您的角色没有打开这个页面或执行这项操作的权限。"),
                                  "reason": reason if reason and reason != "None" else "",
                                  "hint": _("如需权限，请联系质管办或系统管理员。")})


@requires_csrf_token
def page_not_found(request, exception=None):
    return _render(request, 404, {"title": _("页面不存在"),
                                  "message": _("您要找的页面不存在，或不在您的权限范围内。"),
                                  "path": request.path,
                                  "hint": _("地址可能有误，或内容已被移除。")})


@requires_csrf_token
def server_error(request):
    return _render(request, 500, {"title": _("服务器出错了"),
                                  "message": _("处理您的请求时出现了意外错误，我们已记录下来。请稍后重试。"),
                                  "hint": _("如果问题一再出现，请联系系统管理员，并告知出错的时间和页面。")},
                   processors=False)
