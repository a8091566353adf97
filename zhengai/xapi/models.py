"""The Learning Record Store's statements (xAPI 语句), stored as received."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Statement(models.Model):
    """An xAPI statement (xAPI 学习语句) exactly as the platform accepted it, with ``stored``,
    ``authority``, ``version`` and ``timestamp`` set.

    ``body`` is the JSON text returned by GET, so a list of statements is answered by joining
    texts rather than parsing and re-serialising them. The indexed columns serve the query filters
    (agent, verb, activity, since/until) in ``seq`` order, which is the order of ``stored``;
    ``person_resolved`` and the partial index on it serve the count of unresolved actors.
    """

    seq = models.BigAutoField(primary_key=True)
    statement_id = models.UUIDField(_("语句 ID"), unique=True)
    source = models.ForeignKey(
        "datacenter.SourceSystem", models.PROTECT, related_name="+", verbose_name=_("来源系统"), db_index=False
    )
    body = models.TextField(_("语句 JSON"))
    # The actor's inverse functional identifier as one string ("mbox:mailto:a@b", "account:<homePage> <name>").
    actor_key = models.TextField(_("行为者标识"), blank=True)
    # When the object is an Agent or identified Group, its key: the agent filter matches it too.
    object_agent_key = models.TextField(_("对象标识"), blank=True)
    verb_id = models.TextField(_("动词"))
    activity_id = models.TextField(_("活动"), blank=True)
    registration = models.UUIDField(_("注册 ID"), null=True, blank=True)
    # The id of the statement a StatementRef object points to (for voiding statements: the target).
    ref_id = models.UUIDField(_("引用的语句"), null=True, blank=True)
    is_voiding = models.BooleanField(_("作废语句"), default=False)
    voided = models.BooleanField(_("已作废"), default=False)
    person_resolved = models.BooleanField(_("已识别人员"), default=False)
    stored = models.DateTimeField(_("存储时间"))
    timestamp = models.DateTimeField(_("发生时间"))

    class Meta:
        verbose_name = _("xAPI 语句")
        verbose_name_plural = _("xAPI 语句")
        indexes = [
            models.Index(fields=["source", "seq"], name="xapi_source_seq"),
            models.Index(fields=["actor_key", "seq"], name="xapi_actor_seq"),
            models.Index(fields=["verb_id", "seq"], name="xapi_verb_seq"),
            models.Index(fields=["activity_id", "seq"], name="xapi_activity_seq"),
            models.Index(fields=["stored"], name="xapi_stored"),
            # Small partial indexes: only few rows have these.
            models.Index(fields=["object_agent_key"], name="xapi_object_agent", condition=~Q(object_agent_key="")),
            models.Index(fields=["ref_id"], name="xapi_ref", condition=Q(ref_id__isnull=False)),
            models.Index(fields=["source", "actor_key"], name="xapi_unresolved", condition=Q(person_resolved=False)),
        ]

    def __str__(self) -> str:
        return str(self.statement_id)


class DocumentKind(models.TextChoices):
    STATE = "state", _("状态")
    ACTIVITY_PROFILE = "activity_profile", _("活动档案")
    AGENT_PROFILE = "agent_profile", _("行为者档案")


class Document(models.Model):
    """A document of the State, Activity Profile or Agent Profile resource (xAPI 文档), one row per
    document, its contents kept as received (at most ``ZHENGAI_XAPI_MAX_DOCUMENT_BYTES``).

    ``scope`` is the SHA-1 of what names the document's set — the kind, the activity and the agent
    (the registration apart, since a State list without one spans every registration) — so one
    short indexed column answers "this agent's state in this activity" however long the IRIs are.
    ``etag`` is the SHA-1 of the contents, as the ETag header must be.
    """

    source = models.ForeignKey(
        "datacenter.SourceSystem", models.PROTECT, related_name="+", verbose_name=_("来源系统"), db_index=False
    )
    kind = models.CharField(_("类别"), max_length=20, choices=DocumentKind.choices)
    scope = models.CharField(_("范围摘要"), max_length=40)
    activity_id = models.TextField(_("活动"), blank=True)
    agent_key = models.TextField(_("行为者标识"), blank=True)
    registration = models.CharField(_("注册 ID"), max_length=36, blank=True)
    doc_id = models.CharField(_("文档 ID"), max_length=1000)
    content = models.BinaryField(_("内容"))
    content_type = models.CharField(_("内容类型"), max_length=255)
    etag = models.CharField(_("ETag"), max_length=40)
    updated = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("xAPI 文档")
        verbose_name_plural = _("xAPI 文档")
        constraints = [
            models.UniqueConstraint(fields=["source", "scope", "registration", "doc_id"], name="xapi_document_unique"),
        ]
        indexes = [models.Index(fields=["source", "scope", "updated"], name="xapi_document_scope")]

    def __str__(self) -> str:
        return self.doc_id


class Activity(models.Model):
    """The LRS's definition of an activity (xAPI 活动定义) as a source's statements described it:
    merged at ingest from every definition received (language maps key by key, other properties
    replaced by the latest), answered by the Activities resource and by ``format=canonical``."""

    source = models.ForeignKey(
        "datacenter.SourceSystem", models.PROTECT, related_name="+", verbose_name=_("来源系统"), db_index=False
    )
    activity_id = models.TextField(_("活动"))
    definition = models.TextField(_("活动定义 JSON"))
    updated = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("xAPI 活动")
        verbose_name_plural = _("xAPI 活动")
        constraints = [models.UniqueConstraint(fields=["source", "activity_id"], name="xapi_activity_unique")]

    def __str__(self) -> str:
        return self.activity_id


class RelationRole(models.TextChoices):
    # Context activities, instructor, team (and their members), and the actor, object, instructor
    # and team of a SubStatement (and their members): what related_agents / related_activities add.
    RELATED = "", _("相关")
    # A member of the statement's actor or object Group: the plain ``agent`` filter matches it.
    MEMBER = "member", _("群组成员")
    # The SHA-2 of an attachment the statement carries: keeps the stored content from collection.
    ATTACHMENT = "attachment", _("附件")


class Relation(models.Model):
    """An agent, activity or attachment a statement involves beyond its actor, object agent and
    object activity (which ``Statement`` indexes itself), written with the statements (one COPY
    per request) and only for statements that have such parts: context activities, instructor,
    team, and the actor, object, instructor and team of a SubStatement — what ``related_agents``
    and ``related_activities`` match; the members of a Group actor or object — what the ``agent``
    filter matches too (xAPI 语句关联); and the SHA-2 of each attachment (``role``)."""

    statement_id = models.UUIDField(_("语句 ID"))
    source = models.ForeignKey(
        "datacenter.SourceSystem", models.PROTECT, related_name="+", verbose_name=_("来源系统"), db_index=False
    )
    is_agent = models.BooleanField(_("是行为者"))
    key = models.TextField(_("标识"))
    role = models.CharField(_("关联方式"), max_length=10, choices=RelationRole.choices, blank=True, default="")

    class Meta:
        verbose_name = _("xAPI 语句关联")
        verbose_name_plural = _("xAPI 语句关联")
        indexes = [models.Index(fields=["key", "source"], name="xapi_relation_key")]

    def __str__(self) -> str:
        return self.key


class Attachment(models.Model):
    """The content of an attachment received in a ``multipart/mixed`` statement request (xAPI
    附件), stored once per source and SHA-2 (statements name it by its hash) and bounded by the
    request body limit."""

    source = models.ForeignKey(
        "datacenter.SourceSystem", models.PROTECT, related_name="+", verbose_name=_("来源系统"), db_index=False
    )
    sha2 = models.CharField(_("SHA-2 摘要"), max_length=128)
    content_type = models.CharField(_("内容类型"), max_length=255)
    content = models.BinaryField(_("内容"))
    stored = models.DateTimeField(_("存储时间"))

    class Meta:
        verbose_name = _("xAPI 附件")
        verbose_name_plural = _("xAPI 附件")
        constraints = [models.UniqueConstraint(fields=["source", "sha2"], name="xapi_attachment_unique")]

    def __str__(self) -> str:
        return self.sha2
