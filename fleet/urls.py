from django.urls import path

from fleet import views

app_name = "fleet"

urlpatterns = [
    path("routers/<int:pk>/imports/", views.import_list, name="imports"),
    path("routers/<int:pk>/imports/start/", views.import_start, name="import-start"),
    path("routers/<int:pk>/imports/<int:run_id>/", views.import_detail, name="import-detail"),
    path("routers/<int:pk>/imports/<int:run_id>/progress/", views.import_progress,
         name="import-progress"),
    path("routers/<int:pk>/pools/", views.pool_list, name="pools"),
    path("routers/<int:pk>/secrets/", views.secret_list, name="secrets"),
    path("routers/<int:pk>/hotspot-users/", views.hotspot_user_list, name="hotspot-users"),
    path("routers/<int:pk>/live/", views.live_data, name="live-data"),
    path("routers/<int:pk>/drift/", views.drift_panel, name="drift"),
    path("routers/<int:pk>/drift/check/", views.drift_check, name="drift-check"),
    path("routers/<int:pk>/drift/reapply/", views.drift_reapply, name="drift-reapply"),
]
