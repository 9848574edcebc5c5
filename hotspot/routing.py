"""Websocket routes."""

from django.urls import path

from routers import consumers as router_consumers

websocket_urlpatterns = [
    path("ws/routers/", router_consumers.RouterListConsumer.as_asgi()),
    path("ws/routers/<int:router_id>/", router_consumers.RouterConsumer.as_asgi()),
]
