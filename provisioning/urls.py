from django.urls import path

from provisioning import views

app_name = "provisioning"

urlpatterns = [
    path("routers/<int:pk>/services/", views.wizard, name="wizard"),
    path("routers/<int:pk>/services/generate/", views.generate, name="generate"),
    path("routers/<int:pk>/services/deploy/", views.deploy, name="deploy"),
    path("routers/<int:pk>/services/progress/", views.progress, name="progress"),
    path("routers/<int:pk>/deployments/<int:deployment_id>/", views.deployment_detail,
         name="deployment"),
    path("routers/<int:pk>/services/<int:config_id>.rsc", views.script_download,
         name="script-download"),
    path("api/routers/<int:pk>/interfaces", views.api_interfaces, name="api-interfaces"),
    path("api/routers/<int:pk>/generate-service-config", views.api_generate,
         name="api-generate"),
    path("api/routers/<int:pk>/deploy-service-config", views.api_deploy, name="api-deploy"),
]
