"""Publishing and editing standard versions: history is never rewritten.

Only a draft version is edited. ``do_publish_version`` makes a draft the version in force from a
day on and closes the version it replaces the day before, so measurements of earlier dates keep
being judged by the version in force then. ``do_copy_version`` starts the next draft from any
version.
"""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhengai.core import clock
from zhengai.org import access

from .choices import VersionStatus
from .models import ChainEvent, StandardNode, StandardVersion


def can_edit_standards(user) -> bool:
    """Standards are the college's: the quality office and administrators edit them
    (``access.EDIT_STANDARD``); everyone signed in reads them."""
    return access.may(user, access.EDIT_STANDARD)


def _require_editor(user):
    if user is not None and not can_edit_standards(user):
        raise PermissionDenied(_("只有质管办可以修改标准。"))


@transaction.atomic
def do_publish_version(version: StandardVersion, effective_from: date, *, acting_user) -> StandardVersion:
    """Publish a draft from ``effective_from``; the version it replaces ends the day before."""
    _require_editor(acting_user)
    version = StandardVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("版本“%(label)s”已发布，不能再次发布。") % {"label": version.label})
    siblings = StandardVersion.objects.select_for_update().filter(
        standard_id=version.standard_id, status=VersionStatus.PUBLISHED
    )
    later = [v for v in siblings if v.effective_from and v.effective_from >= effective_from]
    if later:
        raise ValidationError(_("生效日期 %(day)s 不能早于或等于已发布版本“%(label)s”的生效日期 %(other)s。") % {
            "day": effective_from, "label": later[0].label, "other": later[0].effective_from})
    closed = []
    for previous in siblings:
        if previous.effective_to is None or previous.effective_to >= effective_from:
            previous.effective_to = effective_from - timedelta(days=1)
            closed.append(previous)
    StandardVersion.objects.bulk_update(closed, ["effective_to"])
    version.status = VersionStatus.PUBLISHED
    version.effective_from = effective_from
    version.effective_to = None
    version.published_at = clock.now()
    version.save(update_fields=["status", "effective_from", "effective_to", "published_at"])
    ChainEvent.objects.create(user=acting_user, action="publish_version", version=version, detail={
        "effective_from": effective_from.isoformat(), "closed": [v.label for v in closed]})
    return version


@transaction.atomic
def do_copy_version(version: StandardVersion, label: str, *, acting_user) -> StandardVersion:
    """A new draft with the same tree and applicability as ``version``, to be edited and published."""
    _require_editor(acting_user)
    if StandardVersion.objects.filter(standard_id=version.standard_id, label=label).exists():
        raise ValidationError(_("版本号“%(label)s”已存在。") % {"label": label})
    draft = StandardVersion.objects.create(
        standard_id=version.standard_id, label=label, status=VersionStatus.DRAFT, applies_to=version.applies_to,
        note=version.note,
    )
    copy_nodes(version, draft)
    ChainEvent.objects.create(user=acting_user, action="copy_version", version=draft, detail={"from": version.label})
    return draft


def copy_nodes(source: StandardVersion, target: StandardVersion) -> None:
    """Copy a version's tree level by level: three bulk inserts whatever the tree's size."""
    nodes = list(source.nodes.order_by("pk"))
    new_id: dict[int, int] = {}
    by_depth: dict[int, list[StandardNode]] = {}
    parents = {n.pk: n.parent_id for n in nodes}

    def depth(pk):
        d = 0
        while parents.get(pk):
            pk, d = parents[pk], d + 1
        return d

    for node in nodes:
        by_depth.setdefault(depth(node.pk), []).append(node)
    for d in sorted(by_depth):
        group = by_depth[d]
        clones = []
        for node in group:
            clone = StandardNode(**{f.attname: getattr(node, f.attname) for f in StandardNode._meta.concrete_fields
                                    if f.attname not in ("id", "version_id", "parent_id")})
            clone.version = target
            clone.parent_id = new_id.get(node.parent_id)
            clones.append(clone)
        created = StandardNode.objects.bulk_create(clones)
        for node, clone in zip(group, created):
            new_id[node.pk] = clone.pk


def require_draft(version: StandardVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("已发布的版本不能修改；请先复制为新版本。"))


# Draft standards' own rows (nodes, the version's applicability), written through these actions,
# atomic and audited (zhengai.core.audit): a published version is never changed.

def do_save_node(form, *, version: StandardVersion, parent=None, kind=None, acting_user) -> StandardNode:
    """Save a validated ``NodeForm`` on the draft ``version`` (a new node goes last under ``parent``)."""
    from zhengai.core import audit

    _require_editor(acting_user)
    require_draft(version)

    def place(node):
        if node.pk is None:
            node.version, node.parent, node.kind = version, parent, kind
            node.order = StandardNode.objects.filter(version=version, parent=parent).count() + 1

    return audit.save_form(form, acting_user=acting_user, prepare=place)


def do_delete_node(node: StandardNode, *, acting_user) -> None:
    from zhengai.core import audit

    _require_editor(acting_user)
    require_draft(node.version)
    audit.delete_audited(node, acting_user=acting_user)


def do_set_applicability(version: StandardVersion, applies_to, *, acting_user) -> StandardVersion:
    """The draft version's applicability rule (适用范围)."""
    from zhengai.core import audit

    _require_editor(acting_user)
    require_draft(version)
    with transaction.atomic():
        before = audit.values(version, ["applies_to"])
        version.applies_to = applies_to
        version.save(update_fields=["applies_to"])
        audit.record_change(version, before, audit.values(version, ["applies_to"]), acting_user=acting_user)
    return version
