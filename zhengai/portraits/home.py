"""Panels of the home page. Apps add theirs by listing functions in ``HOME_PANELS`` of their
``nav.py``: each takes the request and returns a dict with a ``template`` and its context, or None.
A panel's ``order`` (default 50) places it: what to do first (10–19), the scope's figures (20–49),
messages last."""

from importlib import import_module

from django.apps import apps


def panels_for(request) -> list[dict]:
    panels = []
    for config in apps.get_app_configs():
        if not config.name.startswith("zhengai."):
            continue
        try:
            module = import_module(f"{config.name}.nav")
        except ModuleNotFoundError:
            continue
        for panel in getattr(module, "HOME_PANELS", []):
            result = panel(request)
            if result:
                panels.append(result)
    return sorted(panels, key=lambda p: p.get("order", 50))
