"""/certificate and the api-ssl service's TLS.

A certificate is added as a template (name, common-name, key-size, days-valid...)
and becomes usable when ``/certificate/sign`` makes its key and X.509 certificate;
print then shows ``fingerprint`` (SHA-256 of the DER certificate, lowercase hex, as
terraform-provider-routeros's sample shows). ``/ip/service set api-ssl
certificate=NAME`` makes api-ssl present it. Without a certificate RouterOS offers
only anonymous Diffie-Hellman on api-ssl (MikroTik API manual), which a modern TLS
client refuses: the handshake fails.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import ssl
import tempfile
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import Trap

if TYPE_CHECKING:
    from .state import RouterState

_lock = threading.Lock()
_contexts: dict[str, ssl.SSLContext] = {}
_anonymous: ssl.SSLContext | None = None


@dataclass(frozen=True)
class Material:
    cert_pem: bytes
    key_pem: bytes
    fingerprint: str


def _key(key_size: str):
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    curves = {"prime256v1": ec.SECP256R1(), "secp384r1": ec.SECP384R1(),
              "secp521r1": ec.SECP521R1()}
    if key_size in curves:
        return ec.generate_private_key(curves[key_size])
    bits = int(float(key_size or "2048"))
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def make(common_name: str, key_size: str = "2048", days: int = 365,
         issuer: tuple[object, object] | None = None) -> tuple[Material, dict[str, str]]:
    """A key and certificate (self-signed, or signed by ``issuer`` = (cert, key))."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    key = _key(key_size)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name or "routersim")])
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    issuer_cert, issuer_key = issuer if issuer else (None, key)
    builder = (
        x509.CertificateBuilder().subject_name(subject)
        .issuer_name(issuer_cert.subject if issuer_cert is not None else subject)  # type: ignore[attr-defined]
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(days=days))
    )
    cert = builder.sign(issuer_key, hashes.SHA256())  # type: ignore[arg-type]
    der = cert.public_bytes(serialization.Encoding.DER)
    material = Material(
        cert.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                          serialization.NoEncryption()),
        hashlib.sha256(der).hexdigest(),
    )
    shown = {
        "fingerprint": material.fingerprint,
        "serial-number": f"{cert.serial_number:X}"[:16],
        "invalid-before": cert.not_valid_before_utc.strftime("%Y-%m-%d %H:%M:%S"),
        "invalid-after": cert.not_valid_after_utc.strftime("%Y-%m-%d %H:%M:%S"),
    }
    return material, shown


def sign(state: RouterState, item_id: str, args: dict[str, str]) -> None:
    """/certificate/sign: make the key and certificate of a template (optionally by a CA)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    table = state.table("/certificate")
    row = table.rows[item_id]
    if row.get("fingerprint"):
        raise Trap("failure: certificate is already signed")  # wording unverified
    issuer = None
    if args.get("ca"):
        ca_id = table.by_key(args["ca"])
        ca = state.cert_material.get(ca_id or "")
        if ca is None:
            raise Trap("input does not match any value of ca", 1)
        issuer = (x509.load_pem_x509_certificate(ca.cert_pem),
                  serialization.load_pem_private_key(ca.key_pem, None))
    material, shown = make(row.get("common-name", row.get("name", "")), row.get("key-size", "2048"),
                           int(row.get("days-valid", "365") or "365"), issuer)
    state.cert_material[item_id] = material
    row.update(shown)
    row.update({"private-key": "true", "trusted": "true",
                "authority": "true" if "key-cert-sign" in row.get("key-usage", "") else "false"})
    if args.get("ca"):
        row["ca"] = args["ca"]
    if args.get("name"):
        row["name"] = args["name"]
    state.emit("certificate", id=item_id)


def api_ssl_material(state: RouterState) -> Material | None:
    """The certificate api-ssl presents now, or None (RouterOS then offers only anon-DH)."""
    services = state.table("/ip/service")
    item = services.by_key("api-ssl")
    name = services.rows[item].get("certificate", "none") if item else "none"
    if not name or name == "none":
        return None
    certs = state.table("/certificate")
    cert_id = certs.by_key(name)
    return state.cert_material.get(cert_id or "")


def server_context(material: Material | None) -> ssl.SSLContext:
    """An SSL context serving ``material``; without it, anonymous ciphers only."""
    global _anonymous
    with _lock:
        if material is None:
            if _anonymous is None:
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                # No certificate: only anonymous (EC)DH suites, which TLS 1.3 does not have.
                context.maximum_version = ssl.TLSVersion.TLSv1_2
                context.set_ciphers("aNULL:@SECLEVEL=0")
                _anonymous = context
            return _anonymous
        found = _contexts.get(material.fingerprint)
        if found is None:
            found = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            # load_cert_chain only reads files: write both to a private temp dir briefly.
            with tempfile.TemporaryDirectory() as tmp:
                cert_path = os.path.join(tmp, "cert.pem")
                key_path = os.path.join(tmp, "key.pem")
                with open(cert_path, "wb") as fh:
                    fh.write(material.cert_pem)
                with open(key_path, "wb") as fh:
                    fh.write(material.key_pem)
                found.load_cert_chain(cert_path, key_path)
            if len(_contexts) > 256:
                _contexts.clear()
            _contexts[material.fingerprint] = found
        return found


def install(state: RouterState, name: str = "api-ssl", common_name: str = "router") -> str:
    """Add, sign and assign a certificate to api-ssl, as an operator would (tests, demos)."""
    from . import engine

    item_id = engine.add(state, "/certificate", {"name": name, "common-name": common_name,
                                                 "key-size": "prime256v1"})
    sign(state, item_id, {})
    services = state.table("/ip/service")
    engine.set_items(state, "/ip/service", [services.by_key("api-ssl") or ""],
                     {"certificate": name})
    return state.table("/certificate").rows[item_id]["fingerprint"]
