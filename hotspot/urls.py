from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.forms import LoginForm
from accounts.views import PasswordChangeView


@login_not_required
def favicon(request):
    """No icon: an empty answer browsers cache, instead of a 404 on every page (the admin's
    pages have no <link rel=icon> of ours)."""
    response = HttpResponse(status=204)
    response["Cache-Control"] = "public, max-age=86400"
    return response


urlpatterns = [
    path("favicon.ico", favicon),
    path("", RedirectView.as_view(pattern_name="routers:list", permanent=False)),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password-change"),
    # Before admin/: the admin's catch-all would answer 404 for the queue dashboard.
    path("admin/rq/", include("django_rq.urls")),
    path("admin/", admin.site.urls),
    path("", include("routers.urls")),
    path("", include("provisioning.urls")),
    path("", include("vouchers.urls")),
    path("", include("radius.urls")),
    path("", include("fleet.urls")),
    path("", include("background.urls")),
    path("", include("accounting.urls")),
    path("", include("subscribers.urls")),
    path("", include("sales.urls")),
]
