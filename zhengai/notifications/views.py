"""The inbox (站内消息): a person's digests and warning steps, newest first."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from zhengai.org import access

from .models import Notification


@login_required
@require_safe
def inbox(request):
    # A person's own messages: the recipient is the scope (nobody reads another's inbox).
    qs = Notification.objects.filter(recipient=request.user)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "breadcrumbs": [(_("消息"), None)]})


@require_POST
@access.gate(access.SIGNED_IN)  # one's own messages only (the recipient is the scope)
def mark_read(request):
    Notification.objects.filter(recipient=request.user, read_at=None).update(read_at=timezone.now())
    return HttpResponseRedirect(reverse("notifications:inbox"))
