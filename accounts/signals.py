"""Failed logins and lockouts in the log: user name and address, never the password."""

import logging

from axes.helpers import get_client_ip_address

log = logging.getLogger("accounts.logins")


def login_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", "") if isinstance(credentials, dict) else ""
    address = get_client_ip_address(request) if request is not None else "unknown"
    log.warning("Failed login for user name %r from %s", username[:150], address)


def locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    log.warning("Logins locked out for user name %r and address %s after repeated failures",
                (username or "")[:150], ip_address)
