from django.urls import path

from vouchers import views

app_name = "vouchers"

urlpatterns = [
    path("vouchers/", views.batch_list, name="list"),
    path("vouchers/profiles/new/", views.profile_form, name="profile-add"),
    path("vouchers/profiles/<int:pk>/edit/", views.profile_form, name="profile-edit"),
    path("vouchers/batches/new/", views.batch_generate, name="batch-add"),
    path("vouchers/v/<int:pk>/", views.voucher_detail, name="voucher"),
    path("vouchers/v/<int:pk>/release-device/", views.voucher_release_device,
         name="voucher-release-device"),
    path("vouchers/batches/<int:pk>/", views.batch_detail, name="batch"),
    path("vouchers/batches/<int:pk>/progress/", views.batch_progress_view, name="batch-progress"),
    path("vouchers/batches/<int:pk>/vouchers.csv", views.batch_csv, name="batch-csv"),
    path("vouchers/batches/<int:pk>/print/", views.batch_print, name="batch-print"),
    path("vouchers/batches/<int:pk>/<str:action>/confirm/", views.batch_action,
         name="batch-confirm"),
    path("vouchers/batches/<int:pk>/retry/", views.batch_retry, name="batch-retry"),
    path("vouchers/batches/<int:pk>/revoke/", views.batch_revoke, name="batch-revoke"),
    path("vouchers/batches/<int:pk>/verify/", views.batch_verify, name="batch-verify"),
]
