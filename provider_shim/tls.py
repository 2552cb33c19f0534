"""The TLS certificate the plugin serves with (server-only TLS, as Terraform checks the server).

Terraform learns the certificate from the handshake line and trusts only it. The certificate is
made once, at install, next to the filesystem mirror (``provider-cert.pem`` and a key only the
user can read); a launch then just reads two small files, with no crypto import. Without those
files (a provider started by hand), a launch makes a fresh ECDSA certificate in memory. Nothing
is ever written to HOME.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

CERT_FILE = "provider-cert.pem"
KEY_FILE = "provider-key.pem"
VALID_DAYS = 3650


def make_certificate(valid_days: int = VALID_DAYS) -> tuple[bytes, bytes]:
    """A self-signed ECDSA P-256 certificate for ``localhost``: ``(cert_pem, key_pem)``.

    Shaped like go-plugin's own automatic certificates (CA flag, server and client auth), which
    is what Terraform's TLS verification expects.
    """
    from datetime import datetime, timedelta, timezone

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost"), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "together-remediation")])
    now = datetime.now(timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=True, data_encipherment=False,
                key_agreement=True, key_cert_sign=True, crl_sign=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_pem = certificate.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return cert_pem, key_pem


def write_certificate(directory: Path) -> None:
    """Write a new certificate and key into ``directory`` (the key readable by the user only)."""
    cert_pem, key_pem = make_certificate()
    directory.mkdir(parents=True, exist_ok=True)
    key_path = directory / KEY_FILE
    temporary = key_path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key_pem)
    os.replace(temporary, key_path)
    (directory / CERT_FILE).write_bytes(cert_pem)


def pem_to_der(cert_pem: bytes) -> bytes:
    body = b"".join(line for line in cert_pem.strip().splitlines() if not line.startswith(b"-----"))
    return base64.b64decode(body)


def load_certificate(runtime_dir: str | None) -> tuple[bytes, bytes]:
    """``(cert_pem, key_pem)`` from the install's runtime directory, else a fresh pair."""
    if runtime_dir:
        try:
            return (Path(runtime_dir) / CERT_FILE).read_bytes(), (Path(runtime_dir) / KEY_FILE).read_bytes()
        except OSError:
            pass
    return make_certificate(valid_days=1)
