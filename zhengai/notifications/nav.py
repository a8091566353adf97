from django.utils.translation import gettext_lazy as _

from zhengai.core.navigation import NavItem

ITEMS = [NavItem(_("消息"), "notifications:inbox", order=95)]


def unread_panel(request):
    if not request.user.is_authenticated:
        return None
    from .models import Notification

    latest = list(Notification.objects.filter(recipient=request.user, read_at=None)[:3])
    if not latest:
        return None
    return {"template": "notifications/_home_panel.html", "items": latest, "order": 90}


HOME_PANELS = [unread_panel]
