"""The only code that talks to RouterOS: an API client and the .rsc quoting function."""

from .client import Reply, RouterOSClient, probe, to_api
from .errors import (
    RouterAuthFailed,
    RouterCertificateChanged,
    RouterClosedEarly,
    RouterCommandError,
    RouterConnectionLost,
    RouterOSError,
    RouterTimeout,
    RouterTLSError,
    RouterUnreachable,
)
from .quoting import check_script, rsc_line, rsc_quote

__all__ = [
    "Reply", "RouterAuthFailed", "RouterCertificateChanged", "RouterClosedEarly",
    "RouterCommandError", "RouterConnectionLost", "RouterOSClient",
    "RouterOSError", "RouterTLSError", "RouterTimeout", "RouterUnreachable", "check_script",
    "probe", "rsc_line", "rsc_quote", "to_api",
]
