from django.urls import path

from routers import api, views

app_name = "routers"

urlpatterns = [
    path("routers/", views.router_list, name="list"),
    path("routers/add/", views.router_add, name="add"),
    path("routers/<int:pk>/", views.router_detail, name="detail"),
    path("routers/<int:pk>/wizard/", views.wizard, name="wizard"),
    path("routers/<int:pk>/probe-panel/", views.probe_panel, name="probe-panel"),
    path("routers/<int:pk>/initial.rsc", views.initial_script_download, name="initial-script"),
    path("routers/<int:pk>/configs/<int:config_id>.rsc", views.config_download,
         name="config-download"),
    path("routers/<int:pk>/probe-again/", views.probe_again, name="probe-again"),
    path("routers/<int:pk>/new-token/", views.new_token, name="new-token"),
    path("routers/<int:pk>/trust-certificate/", views.retrust_certificate,
         name="trust-certificate"),
    path("routers/<int:pk>/delete/", views.router_delete, name="delete"),
    path("routers/<int:pk>/remove-config/", views.router_remove_config, name="remove-config"),
    path("api/routers/create-with-config", api.create_with_config, name="api-create"),
    path("api/routers/<int:pk>/provisioning-status", api.provisioning_status,
         name="api-status"),
]
