"""Navigation by role. Each app lists its entries in its own ``nav.py`` as ``ITEMS``; this module
collects them, so adding an app never means editing a shared template."""

from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str  # lazily translated
    url_name: str
    roles: tuple[str, ...] = ()  # empty: every signed-in user
    order: int = 100
    group: str = ""
    act: object = None  # a rule of zhengai.org.access (an act or "see" rule): shown to whoever ``may`` it


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
    from zhengai.org.access import has_role, may

    global _ITEMS
    if _ITEMS is None:
        _ITEMS = _collect()
    visible = []
    for item in _ITEMS:
        if item.roles and not has_role(user, *item.roles):
            continue
        if item.act is not None and not may(user, item.act):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        visible.append({"label": item.label, "url": url, "url_name": item.url_name, "group": item.group})
    return visible
