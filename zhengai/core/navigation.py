"""Navigation by role. Each app lists its entries in its own ``nav.py`` as ``ITEMS``; this module
collects them, so adding an app never means editing a shared template.

Entries are grouped by area (``GROUPS``: 画像, 数据中心, 监测预警, 两链, 诊改, 系统); an entry without a
group stands on the bar itself. A group with one visible entry is shown as that entry alone, so a
student's short menu is not a row of one-item drop-downs. Entries marked ``technical`` (imports,
pulls, mappings, the data dictionary, the audit log …) are shown only to whoever may
``SEE_TECHNICAL_PAGES`` — never to a school leader, whose menu is the school's figures."""

from dataclasses import dataclass, field
from importlib import import_module
from typing import Callable

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str  # lazily translated
    url_name: str
    roles: tuple[str, ...] = ()  # empty: every signed-in user
    order: int = 100
    group: str = ""  # a key of GROUPS; "" on the bar itself; "account" beside the user's name
    act: object = None  # a rule of zhengai.org.access (an act or "see" rule): shown to whoever ``may`` it
    technical: bool = False  # a page about the machinery: only for access.SEE_TECHNICAL_PAGES
    args: tuple = field(default=())  # the URL's arguments
    check: Callable | None = None  # a further test of the user (no query beyond their roles)


# The areas of the menu, in order: key, label.
GROUPS = [
    ("portraits", _("画像")),
    ("datacenter", _("数据中心")),
    ("monitoring", _("监测预警")),
    ("chains", _("两链")),
    ("cycles", _("诊改")),
    ("system", _("系统")),
]


def _collect() -> list[NavItem]:
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("zhengai."):
            continue
        try:
            module = import_module(f"{config.name}.nav")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.nav":
                raise
            continue
        items.extend(getattr(module, "ITEMS", []))
    return sorted(items, key=lambda i: i.order)


_ITEMS: list[NavItem] | None = None


def items_for(user) -> list[dict]:
    """The entries the user sees, in order (flat)."""
    from zhengai.org.access import SEE_TECHNICAL_PAGES, has_role, may

    global _ITEMS
    if _ITEMS is None:
        _ITEMS = _collect()
    technical = None
    visible = []
    for item in _ITEMS:
        if item.roles and not has_role(user, *item.roles):
            continue
        if item.act is not None and not may(user, item.act):
            continue
        if item.technical:
            if technical is None:
                technical = may(user, SEE_TECHNICAL_PAGES)
            if not technical:
                continue
        if item.check is not None and not item.check(user):
            continue
        try:
            url = reverse(item.url_name, args=item.args)
        except NoReverseMatch:
            continue
        visible.append({"label": item.label, "url": url, "url_name": item.url_name, "group": item.group,
                        "args": item.args})
    return visible


def _is_current(item: dict, match) -> bool:
    if match is None or match.view_name != item["url_name"]:
        return False
    return not item["args"] or tuple(str(a) for a in item["args"]) == tuple(str(a) for a in match.args) + tuple(
        str(v) for v in match.kwargs.values())


def menu_for(user, match=None, items: list[dict] | None = None) -> list[dict]:
    """The menu as shown: the entries without a group first (home, the workspaces, messages), then
    the groups in ``GROUPS`` order. Each entry is a link (``{"label", "url", "current", …}``) or a
    group (``{"key", "label", "children": [links], "current"}``); a group of one is that one link."""
    items = [dict(item, current=_is_current(item, match)) for item in (items_for(user) if items is None else items)
             if item["group"] != "account"]
    menu: list[dict] = [item for item in items if item["group"] not in dict(GROUPS)]
    for key, label in GROUPS:
        members = [item for item in items if item["group"] == key]
        if len(members) == 1:
            menu.append(members[0])
        elif members:
            menu.append({"key": key, "label": label, "children": members, "current": any(m["current"] for m in members)})
    return menu
