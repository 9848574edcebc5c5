"""Subscriber jobs: thin wrappers that call services. Messages carry row ids only."""

from hotspot import queues
from hotspot.jobs import job
from hotspot.periodic import every


@job(queues.RADIUS_SYNC, timeout=3600, retry_delays=(5, 30, 120))
def sync_subscribers(server_id: int):
    """Sync pending subscribers to RADIUS."""
    from subscribers.services.radius import sync_server

    return sync_server(server_id)


@job(queues.RADIUS_SYNC, timeout=600, retry_delays=(5, 30, 120))
def remove_subscribers(server_id: int, usernames: list[str]):
    """Remove subscribers' rows from a RADIUS server they no longer use."""
    from subscribers.services.radius import remove_from_server

    return remove_from_server(server_id, usernames)


@job(queues.ROUTER_DATA, timeout=60)
def change_session_rate(subscriber_id: int, session_id: int):
    """Apply a subscriber's new plan to an online session."""
    from accounting.models import Session
    from subscribers.models import Subscriber
    from subscribers.services.live import change_session_rate as change

    sub = Subscriber.objects.select_related("plan", "radius_server").get(pk=subscriber_id)
    return change(sub, Session.objects.select_related("router").get(pk=session_id))


@every("SUBSCRIBER_EXPIRY_SECONDS", 300)
@job(queues.DEFAULT, timeout=300)
def expire_subscribers():
    """Expire subscribers whose validity has ended."""
    from subscribers.services.lifecycle import expire_due

    return expire_due()


@every("SUBSCRIBER_QUOTA_ROLL_SECONDS", 600)
@job(queues.DEFAULT, timeout=300)
def roll_quota_periods():
    """Move subscribers' quota counting to the new period."""
    from subscribers.services.radius import roll_quota_periods as roll

    return roll()
