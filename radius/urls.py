from django.urls import path

from radius import agent, views

app_name = "radius"

urlpatterns = [
    path("radius/", views.server_list, name="list"),
    path("radius/new/", views.server_form, name="server-add"),
    path("radius/<int:pk>/", views.server_detail, name="detail"),
    path("radius/<int:pk>/test/", views.server_test, name="test"),
    path("radius/<int:pk>/edit/", views.server_form, name="server-edit"),
    path("radius/<int:pk>/token/", views.token_confirm, name="token-confirm"),
    path("radius/<int:pk>/token/rotate/", views.token_rotate, name="token-rotate"),
    # The agent API (Bearer token), deployable next to FreeRADIUS.
    path("radius/agent/users/", agent.users, name="agent-users"),
    path("radius/agent/users/delete/", agent.users_delete, name="agent-users-delete"),
    path("radius/agent/users/<str:username>/", agent.user_delete, name="agent-user-delete"),
    path("radius/agent/usage/", agent.usage, name="agent-usage"),
    path("radius/agent/nas/", agent.nas, name="agent-nas"),
    path("radius/agent/token/", agent.token, name="agent-token"),
    path("radius/agent/accounting/", agent.accounting, name="agent-accounting"),
    path("radius/agent/accounting/close/", agent.accounting_close,
         name="agent-accounting-close"),
    path("radius/agent/disconnect/", agent.disconnect, name="agent-disconnect"),
    path("radius/agent/bindings/", agent.bindings, name="agent-bindings"),
    path("radius/agent/bindings/release/", agent.bindings_release,
         name="agent-bindings-release"),
    path("radius/agent/subscribers/", agent.subscribers, name="agent-subscribers"),
    path("radius/agent/subscribers/delete/", agent.subscribers_delete,
         name="agent-subscribers-delete"),
]
