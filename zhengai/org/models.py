"""Accounts and who may see what: users linked to people, and roles held over scopes."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import ROLE_SCOPE, Role, ScopeKind


class User(AbstractUser):
    """A sign-in account (账号). Staff sign in with 工号 and students with 学号 as the username;
    the person behind an account is ``user.staff`` or ``user.student`` (see the data center)."""

    display_name = models.CharField(_("显示名称"), max_length=100, blank=True)
    # When the password was last set (expiry: ZHENGAI_PASSWORD_MAX_AGE_DAYS); empty for an account
    # whose password was never set through ``set_password`` (then ``date_joined`` counts).
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    # Raised by "sign out everywhere" (and, with ZHENGAI_ONE_SESSION_PER_ACCOUNT, by each sign-in):
    # it is part of the session hash, so every session signed in before it ends at its next request.
    session_epoch = models.PositiveIntegerField(_("会话代次"), default=0, editable=False)

    class Meta(AbstractUser.Meta):
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.display_name or self.username

    def set_password(self, raw_password):
        super().set_password(raw_password)
        from django.utils import timezone

        self.password_changed_at = timezone.now()

    def _get_session_auth_hash(self, secret=None):
        # Django's session hash covers the password; the epoch makes "end every session" one write.
        from django.utils.crypto import salted_hmac

        return salted_hmac("zhengai.org.User.session_auth_hash", f"{self.password}:{self.session_epoch}",
                           secret=secret, algorithm="sha256").hexdigest()


class RoleAssignment(models.Model):
    """A role held over a scope (角色授权): e.g. department head of 机械工程学院, counsellor of one class.

    Exactly the scope object that the role's scope kind names is set; ``zhengai.org.access`` turns a
    user's assignments into queryset filters.
    """

    user = models.ForeignKey(User, models.CASCADE, related_name="roles", verbose_name=_("账号"))
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices)
    department = models.ForeignKey(
        "datacenter.Department", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("部门")
    )
    specialty = models.ForeignKey(
        "datacenter.Specialty", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("专业")
    )
    course = models.ForeignKey(
        "datacenter.Course", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("课程")
    )
    admin_class = models.ForeignKey(
        "datacenter.AdminClass", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("行政班")
    )
    created_at = models.DateTimeField(_("授权时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        indexes = [models.Index(fields=["user", "role"], name="role_user")]

    def __str__(self) -> str:
        target = self.department or self.specialty or self.course or self.admin_class
        return f"{self.get_role_display()} · {target}" if target else self.get_role_display()

    @property
    def scope_kind(self) -> str:
        return ROLE_SCOPE[Role(self.role)]

    def clean(self):
        needed = {
            ScopeKind.DEPARTMENT: "department",
            ScopeKind.SPECIALTY: "specialty",
            ScopeKind.COURSE: "course",
            ScopeKind.ADMIN_CLASS: "admin_class",
        }.get(self.scope_kind)
        given = [f for f in ("department", "specialty", "course", "admin_class") if getattr(self, f"{f}_id")]
        if needed and given != [needed]:
            raise ValidationError(_("角色“%(role)s”须且只须指定一个%(scope)s。")
                                  % {"role": self.get_role_display(), "scope": ScopeKind(self.scope_kind).label})
        if not needed and given:
            raise ValidationError(_("角色“%(role)s”不针对具体对象授权。") % {"role": self.get_role_display()})
