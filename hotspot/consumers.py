"""Base websocket consumer: authenticated, organization-scoped HTML pushes."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

# Close codes: 4401 not logged in, 4404 no such object in the operator's organization.
UNAUTHENTICATED = 4401
NOT_FOUND = 4404


class HtmlPushConsumer(AsyncWebsocketConsumer):
    """Joins the groups `get_groups()` names and forwards their HTML fragments."""

    groups_joined: list[str]

    async def connect(self):
        self.groups_joined = []
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=UNAUTHENTICATED)
            return
        org_id = await database_sync_to_async(_organization_id)(user)
        groups = await database_sync_to_async(self.get_groups)(org_id) if org_id else None
        if not groups:
            await self.close(code=NOT_FOUND)
            return
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        await self.accept()

    async def disconnect(self, code):
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    def get_groups(self, org_id: int) -> list[str] | None:
        """Groups to join, or None when the object is not the organization's."""
        raise NotImplementedError

    async def html_push(self, event):
        await self.send(text_data=event["html"])


def _organization_id(user) -> int | None:
    operator = getattr(user, "operator", None)
    return operator.organization_id if operator else None
