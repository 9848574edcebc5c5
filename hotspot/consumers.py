"""Base websocket consumer: authenticated, organization-scoped HTML pushes."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from hotspot import sessions

# Close codes: 4401 not logged in, 4404 no such object in the operator's organization.
UNAUTHENTICATED = 4401
NOT_FOUND = 4404


class HtmlPushConsumer(AsyncWebsocketConsumer):
    """Joins the groups `get_groups()` names and forwards their HTML fragments."""

    groups_joined: list[str]
    ended = False

    async def connect(self):
        self.groups_joined = []
        user = self.scope.get("user")
        session = self.scope.get("session")
        self.session_key = session.session_key if session is not None else None
        if user is None or not user.is_authenticated or not self.session_key:
            await self.close(code=UNAUTHENTICATED)
            return
        org_id = await database_sync_to_async(_organization_id)(user)
        groups = await database_sync_to_async(self.get_groups)(org_id) if org_id else None
        if not groups:
            await self.close(code=NOT_FOUND)
            return
        # The socket lives as long as its session (hotspot/sessions.py).
        self.session_group = sessions.session_group(self.session_key)
        self.auth_hash = await database_sync_to_async(sessions.connect_auth_hash)(self.scope)
        groups = [*groups, self.session_group, sessions.user_group(user.pk)]
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        await self.accept()

    async def disconnect(self, code):
        await self._leave_groups()

    async def _leave_groups(self):
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.groups_joined = []

    async def session_ended(self, event):
        """The session logged out: no push after this one."""
        self.ended = True
        await self._leave_groups()
        await self.close(code=UNAUTHENTICATED)

    async def session_renewed(self, event):
        """This session changed the password: it got a new key; follow it."""
        await self.channel_layer.group_discard(self.session_group, self.channel_name)
        self.groups_joined.remove(self.session_group)
        self.session_group = event["group"]
        await self.channel_layer.group_add(self.session_group, self.channel_name)
        self.groups_joined.append(self.session_group)
        self.auth_hash = await database_sync_to_async(sessions.current_auth_hash)(
            self.scope["user"].pk)

    async def session_check(self, event):
        """The user's password changed: close unless this socket's session made the change."""
        current = await database_sync_to_async(sessions.auth_hash_current)(
            self.scope["user"].pk, self.auth_hash)
        if not current:
            await self.session_ended(event)

    def get_groups(self, org_id: int) -> list[str] | None:
        """Groups to join, or None when the object is not the organization's."""
        raise NotImplementedError

    async def html_push(self, event):
        if not self.ended:
            await self.send(text_data=event["html"])


def _organization_id(user) -> int | None:
    operator = getattr(user, "operator", None)
    return operator.organization_id if operator else None
