from django.utils.translation import gettext_lazy as _

from .navigation import NavItem

ITEMS = [NavItem(_("首页"), "home", order=0)]
