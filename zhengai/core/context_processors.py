from django.conf import settings

from zhengai.org.access import primary_role

from .navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "primary_role": None, "school_name": settings.ZHENGAI_SCHOOL_NAME}
    return {
        "nav_items": items_for(user),
        "primary_role": primary_role(user),
        "school_name": settings.ZHENGAI_SCHOOL_NAME,
    }
