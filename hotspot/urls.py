from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="routers:list", permanent=False)),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("admin/rq/", include("django_rq.urls")),
    path("", include("routers.urls")),
    path("", include("provisioning.urls")),
    path("", include("vouchers.urls")),
    path("", include("radius.urls")),
    path("", include("fleet.urls")),
    path("", include("accounting.urls")),
]
