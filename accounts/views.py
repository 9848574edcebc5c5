"""An operator's own account: changing the password; the page of a locked-out login."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy

from accounts.forms import PasswordChangeForm
from hotspot import sessions


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view (it keeps this session logged in and ends the user's other sessions);
    the websockets of those other sessions close too."""

    form_class = PasswordChangeForm
    success_url = reverse_lazy("routers:list")

    def form_valid(self, form):
        old_key = self.request.session.session_key
        response = super().form_valid(form)  # a new session key, the other sessions ended
        sessions.password_changed(form.user, old_key, self.request.session.session_key)
        messages.success(self.request, "Password changed. Your other sessions were logged out.")
        return response


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): 429 with a clear page."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html",
                  {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
                  status=settings.AXES_HTTP_RESPONSE_CODE)
