from django.urls import path

from provisioning import views

app_name = "provisioning"

urlpatterns = [
    path("routers/<int:pk>/services/", views.wizard, name="wizard"),
]
