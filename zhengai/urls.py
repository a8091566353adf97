from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.utils.translation import gettext_lazy as _

from zhengai.core import signin
from zhengai.core import views as core_views
from zhengai.datacenter import sso
from zhengai.org import access

public = access.gate(access.PUBLIC)  # signing in is for people not signed in yet
from zhengai.portraits import views as portrait_views
from zhengai.intake.api import api as intake_api

urlpatterns = [
    path("", portrait_views.home, name="home"),
    path("account/", core_views.account, name="account"),
    path("account/sign-out-everywhere/", core_views.sign_out_everywhere, name="sign_out_everywhere"),
    path("account/two-factor/", core_views.two_factor, name="two_factor"),
    path("account/two-factor/reset/", core_views.two_factor_reset, name="two_factor_reset"),
    path("audit/", core_views.audit, name="audit"),
    # One sign-in page for everyone, the admin's included (its rules and steps apply to all).
    path("accounts/login/", signin.SignInView.as_view(), name="login"),
    path("accounts/logout/", signin.SignOutView.as_view(), name="logout"),
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    # 统一身份认证: CAS and OpenID Connect (404 unless configured).
    path("sso/cas/login/", public(sso.CASLoginView.as_view()), name="sso_cas_login"),
    path("sso/oidc/login/", public(sso.OIDCLoginView.as_view()), name="sso_oidc_login"),
    path("sso/oidc/callback/", public(sso.OIDCCallbackView.as_view()), name="sso_oidc_callback"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("datacenter/", include("zhengai.datacenter.urls")),
    path("intake/", include("zhengai.intake.urls")),
    path("xapi/", include("zhengai.xapi.urls")),
    path("api/", intake_api.urls),
    path("indicators/", include("zhengai.indicators.urls")),
    path("chains/", include("zhengai.chains.urls")),
    path("monitoring/", include("zhengai.monitoring.urls")),
    path("notifications/", include("zhengai.notifications.urls")),
    path("portraits/", include("zhengai.portraits.urls")),
    path("statedata/", include("zhengai.statedata.urls")),
    path("cycles/", include("zhengai.cycles.urls")),
    path("workspaces/", include("zhengai.portraits.workspace_urls")),
]

admin.site.site_header = _("诊改平台管理")
admin.site.site_title = _("诊改平台")
admin.site.index_title = _("系统管理")

# The error pages in the site's layout and language (zhengai.core.errors).
handler400 = "zhengai.core.errors.bad_request"
handler403 = "zhengai.core.errors.permission_denied"
handler404 = "zhengai.core.errors.page_not_found"
handler500 = "zhengai.core.errors.server_error"
