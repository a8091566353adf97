"""Saved database connections and saved pulls (channel 2 of the intake: 数据库抽取).

A ``SourceConnection`` is an SQLAlchemy URL to a source system's database. Its password is never
stored in the URL: it is kept encrypted (``password_encrypted``) or read from an environment
variable named in ``password_env``, and the URL is only ever shown back with ``***``.

A ``SavedPull`` reads one query or one table from a connection into one data-dictionary table
through the one import pipeline, incrementally when the source has an update timestamp.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengai.datacenter.dictionary import TABLE_CODES

from ..choices import HighWaterKind, PullCadence
from . import secrets

# Backends accepted in a connection URL, with the driver used when the URL names none. MySQL,
# PostgreSQL and SQLite drivers are dependencies; Oracle (``pip install 'zhengai[oracle]'``, the
# thin-mode ``oracledb``) and SQL Server (``pip install 'zhengai[sqlserver]'``, ``pymssql``) are
# optional extras, so their URLs are accepted and the driver is asked for only when connecting.
BACKENDS = {
    "mysql": "pymysql",
    "mariadb": "pymysql",
    "postgresql": "psycopg",
    "sqlite": "",
    "oracle": "oracledb",
    "mssql": "pymssql",
}
URL_EXAMPLES = (
    "mysql+pymysql://user@host:3306/db",
    "postgresql+psycopg://user@host:5432/db",
    "oracle+oracledb://user@host:1521/?service_name=ORCL",
    "mssql+pymssql://user@host:1433/db",
    "sqlite:////path/to/file.db",
)

CADENCE_INTERVALS = {
    PullCadence.HOURLY: timedelta(hours=1),
    PullCadence.DAILY: timedelta(days=1),
    PullCadence.WEEKLY: timedelta(days=7),
}


def parse_url(raw: str):
    """The SQLAlchemy URL of ``raw`` with its driver made explicit, or a Chinese ValidationError."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    raw = (raw or "").strip()
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://"):]
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError):
        raise ValidationError(
            _("无法识别的数据库连接地址：%(url)s（示例：%(examples)s）"),
            params={"url": _mask(raw), "examples": "；".join(URL_EXAMPLES)},
        ) from None
    backend = url.get_backend_name()
    if backend not in BACKENDS:
        raise ValidationError(
            _("不支持的数据库类型 %(backend)s；支持 MySQL/MariaDB、PostgreSQL、Oracle、SQL Server、SQLite"),
            params={"backend": backend},
        )
    if "+" not in url.drivername and BACKENDS[backend]:
        url = url.set(drivername=f"{backend}+{BACKENDS[backend]}")
    return url


def _mask(raw: str) -> str:
    # A URL that does not parse may still hold a password between ':' and '@'.
    if "@" in raw and "://" in raw:
        scheme, rest = raw.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"
    return raw


class SourceConnection(models.Model):
    """A saved connection to a source system's database (数据库连接), for database pulls."""

    name = models.SlugField(_("连接名"), max_length=64, unique=True)
    source = models.ForeignKey(
        "datacenter.SourceSystem", models.PROTECT, related_name="connections", verbose_name=_("来源系统")
    )
    url = models.CharField(
        _("连接地址"), max_length=500,
        help_text=_("SQLAlchemy 连接地址，不含密码，如 mysql+pymysql://reader@10.0.0.5:3306/jwxt"),
    )
    password_encrypted = models.TextField(_("密码（加密）"), blank=True, editable=False)
    password_env = models.CharField(
        _("密码环境变量"), max_length=100, blank=True, help_text=_("从该环境变量读取密码，密码不进数据库")
    )
    last_tested_at = models.DateTimeField(_("最近测试时间"), null=True, blank=True)
    last_test_ok = models.BooleanField(_("最近测试是否成功"), null=True, blank=True)
    last_test_message = models.TextField(_("最近测试结果"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    # No department owns a source system's database: only school-wide roles (quality office,
    # leaders, admins) pass ``restrict``; leaders only to look.
    scope_lookups: dict = {}

    class Meta:
        verbose_name = _("数据库连接")
        verbose_name_plural = _("数据库连接")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def set_url(self, raw: str, password: str | None = None) -> None:
        """Store ``raw`` without its password; a password in the URL or given apart is encrypted."""
        url = parse_url(raw)
        secret = password if password else url.password
        if secret == "***":  # the masked URL pasted back: keep the stored password
            secret = None
        # URL.set() ignores None, so the password is dropped with the named tuple's own _replace.
        self.url = url._replace(password=None).render_as_string(hide_password=False)
        if secret:
            self.password_encrypted = secrets.encrypt(str(secret))

    def set_password(self, password: str) -> None:
        self.password_encrypted = secrets.encrypt(password) if password else ""

    @property
    def has_password(self) -> bool:
        return bool(self.password_encrypted or self.password_env)

    @property
    def display_url(self) -> str:
        """The URL as it may be shown: the password, if any, as ``***``."""
        url = parse_url(self.url)
        if self.has_password:
            # SQLAlchemy's own masking writes "***" for whatever password the URL holds.
            return url.set(password="hidden").render_as_string(hide_password=True)
        return url.render_as_string(hide_password=False)

    def engine_url(self):
        """The URL with its password, for SQLAlchemy only (raises ``secrets.SecretError``)."""
        url = parse_url(self.url)
        if self.password_env:
            return url.set(password=secrets.from_env(self.password_env))
        if self.password_encrypted:
            return url.set(password=secrets.decrypt(self.password_encrypted))
        return url

    @property
    def backend(self) -> str:
        return parse_url(self.url).get_backend_name()


def _table_choices():
    return [(code, code) for code in TABLE_CODES]


class SavedPull(models.Model):
    """A saved pull (数据库抽取任务): a query or a table of a source database into one target table.

    With an ``incremental_column`` (the source's update timestamp, or an ever-growing id), a run reads
    only rows past ``high_water`` and moves the mark to the largest value it read, and only when its
    batch succeeded: a failed run reads the same rows again next time.
    """

    name = models.SlugField(_("名称"), max_length=64, unique=True)
    connection = models.ForeignKey(SourceConnection, models.PROTECT, related_name="pulls", verbose_name=_("数据库连接"))
    table = models.CharField(_("目标表"), max_length=64, choices=_table_choices, help_text=_("数据字典的表代码"))
    query = models.TextField(
        _("查询语句"), blank=True,
        help_text=_("一条 SELECT 语句；增量抽取时系统在外层加“增量字段 > 高水位”的条件"),
    )
    source_table = models.CharField(_("来源表"), max_length=200, blank=True, help_text=_("不写查询时，整表抽取"))
    incremental_column = models.CharField(
        _("增量字段"), max_length=100, blank=True, help_text=_("来源的更新时间列；留空则每次全量抽取")
    )
    high_water = models.CharField(_("高水位"), max_length=64, blank=True, help_text=_("上次成功抽取读到的最大值"))
    high_water_kind = models.CharField(_("高水位类型"), max_length=16, choices=HighWaterKind.choices, blank=True)
    cadence = models.CharField(_("运行周期"), max_length=16, choices=PullCadence.choices, default=PullCadence.DAILY)
    partial = models.BooleanField(_("部分导入"), default=False, help_text=_("导入有效行并退回无效行；默认全部或全不"))
    enabled = models.BooleanField(_("启用"), default=True)
    chunk_size = models.PositiveIntegerField(_("每批读取行数"), default=5000)
    next_run_at = models.DateTimeField(_("下次运行时间"), null=True, blank=True)
    # A compare-and-set claim (as healthchecks' sendalerts): a run sets it from NULL, so two workers
    # never run one pull at once. A claim whose process on this host is gone (killed, crashed), or
    # older than STALE_CLAIM, is taken over.
    running_since = models.DateTimeField(_("运行开始于"), null=True, blank=True, editable=False)
    runner = models.CharField(_("运行进程"), max_length=100, blank=True, editable=False, help_text=_("主机:进程号"))
    last_run_at = models.DateTimeField(_("最近运行时间"), null=True, blank=True)
    last_batch = models.ForeignKey(
        "datacenter.ImportBatch", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("最近批次")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    STALE_CLAIM = timedelta(hours=6)
    scope_lookups: dict = {}  # as SourceConnection: school-wide roles only

    class Meta:
        verbose_name = _("数据库抽取任务")
        verbose_name_plural = _("数据库抽取任务")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(query="") & ~models.Q(source_table=""))
                | (~models.Q(query="") & models.Q(source_table="")),
                name="savedpull_query_xor_table",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if bool(self.query.strip()) == bool(self.source_table.strip()):
            raise ValidationError(_("查询语句和来源表须且只须填写一项"))
        if self.query.strip():
            head = self.query.strip().split(None, 1)[0].lower()
            if head not in ("select", "with"):
                raise ValidationError({"query": _("只允许 SELECT 查询，不能是 %(word)s") % {"word": head}})

    @property
    def source(self):
        return self.connection.source

    @property
    def description(self) -> str:
        """What a batch records as its "file name or query"."""
        what = self.query.strip() or self.source_table
        return f"{self.name}: {what}"[:500]

    def schedule_next(self, now):
        interval = CADENCE_INTERVALS.get(self.cadence)
        return now + interval if interval else None
