from django.urls import path

from sales import api, views

app_name = "sales"

urlpatterns = [
    path("sales/", views.report_page, name="report"),
    path("sales/<str:table>.csv", views.report_csv, name="csv"),
    path("sales/settings/", views.settings_page, name="settings"),
    path("sales/sell/", views.sell_page, name="sell"),
    path("sales/resellers/", views.reseller_list, name="resellers"),
    path("sales/resellers/<int:pk>/", views.reseller_detail, name="reseller"),
    path("sales/api-keys/", views.api_keys, name="api-keys"),
    path("sales/api-keys/<int:pk>/revoke/", views.api_key_revoke, name="api-key-revoke"),
    path("api/v1/openapi.json", api.openapi, name="api-openapi"),
    path("api/v1/profiles", api.profiles, name="api-profiles"),
    path("api/v1/sales", api.sales, name="api-sales"),
    path("api/v1/vouchers/<str:code>", api.voucher, name="api-voucher"),
]
