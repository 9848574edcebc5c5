"""The HTTP client of the RADIUS agent API (seed 003's RadiusApiService).

One persistent connection per client (keep-alive): a sync of 100,000 vouchers makes
800 requests. Errors say whether a retry may help (`transient`).
"""

from __future__ import annotations

import http
import http.client
import json
from urllib.parse import urlencode, urlsplit

from hotspot import outbound

# An agent's answer for 250 vouchers read back is about 100 KB; more is not an agent.
MAX_ANSWER_BYTES = 8 * 1024 * 1024


class AgentError(Exception):
    """The agent refused or could not be reached; `transient` errors are worth retrying."""

    def __init__(self, message: str, *, transient: bool, status: int | None = None):
        super().__init__(message)
        self.transient = transient
        self.status = status


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "error"


def _policed_connection(address, timeout=None, source_address=None):
    """http.client's connection factory, through the outbound policy."""
    return outbound.create_connection(address[0], address[1], timeout)


class AgentClient:
    """Talks to one RADIUS server's agent API with its Bearer token."""

    def __init__(self, base_url: str, token: str, timeout: float = 15):
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise AgentError(f"agent URL {base_url!r} is not http(s)", transient=False)
        self.scheme, self.netloc = parts.scheme, parts.netloc
        self.prefix = parts.path.rstrip("/")
        self._token = token
        self.timeout = timeout
        self._conn: http.client.HTTPConnection | None = None

    def __repr__(self):  # never show the token
        return f"AgentClient({self.scheme}://{self.netloc}{self.prefix})"

    @classmethod
    def for_server(cls, server) -> AgentClient:
        from django.conf import settings

        return cls(server.agent_url, server.agent_token, settings.RADIUS_AGENT_TIMEOUT)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            kind = (
                http.client.HTTPSConnection if self.scheme == "https"
                else http.client.HTTPConnection
            )
            self._conn = kind(self.netloc, timeout=self.timeout)
            # Every connection goes through the outbound policy (hotspot/outbound.py).
            self._conn._create_connection = _policed_connection
        return self._conn

    def request(self, method: str, path: str, body=None, query: list | None = None) -> dict:
        url = f"{self.prefix}/{path.lstrip('/')}"
        if query:
            url += "?" + urlencode(query)
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        try:
            conn = self._connection()
            conn.request(method, url, body=data, headers=headers)
            response = conn.getresponse()
            raw = response.read(MAX_ANSWER_BYTES + 1)
            if len(raw) > MAX_ANSWER_BYTES:
                self.close()
                raise AgentError(f"agent at {self.scheme}://{self.netloc} answered more than "
                                 f"{MAX_ANSWER_BYTES // 2**20} MiB", transient=False)
            if response.getheader("Connection", "").lower() == "close":
                self.close()
        except outbound.OutboundRefused as exc:
            self.close()
            raise AgentError(f"agent URL refused: {exc}", transient=False) from None
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise AgentError(
                f"agent unreachable at {self.scheme}://{self.netloc}: {exc or type(exc).__name__}",
                transient=True,
            ) from None
        return self._parse(response, raw)

    def _parse(self, response, raw: bytes) -> dict:
        """The agent's JSON answer; errors name the cause, never quote a foreign body.

        A URL that is not an agent (a web server's 403 page, another internal service)
        must not have its answer shown to the operator: only the agent's own error
        messages (a JSON {"success": false, "errors": [...]}) are repeated.
        """
        status = response.status
        try:
            payload = json.loads(raw or b"{}")
        except ValueError:
            payload = None
        if status >= 400:
            transient = status >= 500 or status == 429
            agent = isinstance(payload, dict) and payload.get("success") is False
            errors = payload.get("errors") if agent else None
            if isinstance(errors, list) and errors and all(isinstance(e, str) for e in errors):
                cause = "; ".join(errors)[:300]
            else:
                kind = (response.getheader("Content-Type") or "no content type").split(";")[0]
                cause = f"{_phrase(status)} ({kind[:60]}, not an answer of the agent API)"
            raise AgentError(f"agent answered {status}: {cause}", transient=transient,
                             status=status)
        if not isinstance(payload, dict):
            raise AgentError(f"agent at {self.scheme}://{self.netloc} answered {status} "
                             "without a JSON object: is the URL the agent API's?",
                             transient=False, status=status)
        return payload

    def push_users(self, users: list[dict], *, read_back: bool | str = False) -> dict:
        """POST up to 250 vouchers; answers {success, synced, failed, errors}.

        With `read_back`, the answer's "users" holds their rows read back after the
        write committed (what read_users would answer), saving a second request; with
        read_back="digest", its "digests" holds each user's radius.attributes.digest of
        those rows instead (an agent from before digests answers neither).
        """
        body = {"vouchers": users, "read_back": read_back} if read_back else {"vouchers": users}
        return self.request("POST", "users/", body)

    def push_subscribers(self, items: list[dict]) -> dict:
        """POST up to 250 PPPoE subscribers; the answer's "users" holds their rows read
        back after the write committed."""
        return self.request("POST", "subscribers/", {"subscribers": items, "read_back": True})

    def delete_subscribers(self, usernames: list[str]) -> dict:
        return self.request("POST", "subscribers/delete/", {"usernames": usernames})

    def read_users(self, usernames: list[str]) -> dict:
        """The rows of these users, keyed by username (absent users missing)."""
        return self.request("GET", "users/", query=[("username", u) for u in usernames])["users"]

    def delete_users(self, usernames: list[str]) -> dict:
        return self.request("POST", "users/delete/", {"usernames": usernames})

    def delete_user(self, username: str) -> dict:
        return self.request("DELETE", f"users/{username}/")

    def read_usage(self, usernames: list[str]) -> dict:
        query = [("username", u) for u in usernames]
        return self.request("GET", "usage/", query=query)["usage"]

    def replace_nas(self, clients: list[dict]) -> dict:
        """Make the NAS rows of this token's scope exactly `clients`."""
        return self.request("PUT", "nas/", {"nas": clients})

    def read_accounting(self, after: int, limit: int = 5000) -> dict:
        """Accounting changes after change number `after`: {rows, last, more}."""
        return self.request("GET", "accounting/", query=[("after", after), ("limit", limit)])

    def close_sessions(self, unique_ids: list[str], cause: str) -> int:
        return self.request("POST", "accounting/close/",
                            {"sessions": unique_ids, "cause": cause})["closed"]

    def read_bindings(self, usernames: list[str]) -> dict:
        query = [("username", u) for u in usernames]
        return self.request("GET", "bindings/", query=query)["bindings"]

    def release_bindings(self, usernames: list[str]) -> int:
        return self.request("POST", "bindings/release/", {"usernames": usernames})["released"]

    def disconnect(self, nas: str, port: int, attributes: dict, kind: str = "disconnect"
                   ) -> dict:
        """Have the agent send a Disconnect- (or CoA-) Request: {answer, error_cause}."""
        return self.request("POST", "disconnect/", {"nas": nas, "port": port, "kind": kind,
                                                    "attributes": attributes})
