"""Websocket routes."""

from django.urls import path

from routers import consumers as router_consumers
from subscribers import consumers as subscriber_consumers
from vouchers import consumers as voucher_consumers

websocket_urlpatterns = [
    path("ws/routers/", router_consumers.RouterListConsumer.as_asgi()),
    path("ws/routers/<int:router_id>/", router_consumers.RouterConsumer.as_asgi()),
    path("ws/batches/<int:batch_id>/", voucher_consumers.BatchConsumer.as_asgi()),
    path("ws/subscribers/", subscriber_consumers.RunsConsumer.as_asgi()),
]
