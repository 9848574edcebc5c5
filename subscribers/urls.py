from django.urls import path

from subscribers import views

app_name = "subscribers"

urlpatterns = [
    path("subscribers/", views.subscriber_list, name="list"),
    path("subscribers/new/", views.subscriber_form, name="add"),
    path("subscribers/bulk/", views.bulk, name="bulk"),
    path("subscribers/<int:pk>/", views.subscriber_detail, name="detail"),
    path("subscribers/<int:pk>/edit/", views.subscriber_form, name="edit"),
    path("subscribers/<int:pk>/action/", views.subscriber_action, name="action"),
    path("subscribers/<int:pk>/password/", views.reveal_password, name="password"),
    path("subscribers/plans/", views.plan_list, name="plans"),
    path("subscribers/plans/new/", views.plan_form, name="plan-add"),
    path("subscribers/plans/<int:pk>/", views.plan_form, name="plan-edit"),
    path("subscribers/runs/<int:pk>/", views.run_detail, name="run"),
    path("subscribers/runs/<int:pk>/progress/", views.run_progress, name="run-progress"),
    path("subscribers/runs/<int:pk>/csv/", views.run_csv, name="run-csv"),
    path("subscribers/migrate/<int:router_id>/", views.migrate_review, name="migrate"),
    path("subscribers/switch/<int:router_id>/", views.switch_page, name="switch"),
    path("subscribers/switch/run/<int:pk>/progress/", views.switch_progress,
         name="switch-progress"),
]
