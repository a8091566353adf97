from django.conf import settings

from zhengai.org.access import primary_role

from . import clock
from .navigation import items_for, menu_for


def navigation(request):
    # Every page says when it does not run on the real date ("演示日期 2026-11-20").
    fixed = clock.fixed()
    common = {"school_name": settings.ZHENGAI_SCHOOL_NAME, "fixed_date": fixed}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_menu": [], "primary_role": None, **common}
    items = items_for(user)
    return {"nav_items": items, "nav_menu": menu_for(user, getattr(request, "resolver_match", None), items),
            "primary_role": primary_role(user), **common}
