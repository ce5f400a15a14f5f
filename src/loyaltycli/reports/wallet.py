"""A member's card as a wallet pass (`.pkpass`): a zip of `pass.json` (a store card with the card number as a
Code128 barcode and the points), the pictures a pass needs, `manifest.json` (the SHA-1 of every file) and,
when the shop gives its own pass certificate, `signature` (a detached PKCS#7 signature of the manifest, made
with `cryptography`). Never a certificate of ours: unsigned, Apple Wallet refuses the pass, while Catima and
the Android pass readers open it.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any, NamedTuple


class PassCard(NamedTuple):
    """What the pass shows."""

    shop: str
    name: str
    member: str
    number: str
    points: int
    pass_type: str  # the shop's pass type identifier (`pass.com.example.loyalty`); Apple's, when signed
    team: str  # the shop's Apple team identifier (empty when unsigned)


class Signer(NamedTuple):
    """The shop's pass certificate and key, and Apple's WWDR intermediate certificate, as PEM bytes."""

    certificate: bytes
    key: bytes
    wwdr: bytes


def pass_json(card: PassCard) -> dict[str, Any]:
    barcode = {"format": "PKBarcodeFormatCode128", "message": card.number, "messageEncoding": "iso-8859-1"}
    return {
        "formatVersion": 1,
        "passTypeIdentifier": card.pass_type,
        "serialNumber": card.number,
        "teamIdentifier": card.team,
        "organizationName": card.shop,
        "description": f"{card.shop}: {card.name}",
        "foregroundColor": "rgb(0, 0, 0)",
        "backgroundColor": "rgb(255, 255, 255)",
        "storeCard": {
            "primaryFields": [{"key": "points", "label": "Points", "value": card.points}],
            "secondaryFields": [{"key": "name", "label": "Member", "value": card.name}],
            "auxiliaryFields": [{"key": "card", "label": "Card", "value": card.number}],
        },
        "barcodes": [barcode],
        "barcode": barcode,  # for readers of the first pass format
    }


def write_pkpass(card: PassCard, path: Path, signer: Signer | None = None) -> None:
    files = {"pass.json": json.dumps(pass_json(card), ensure_ascii=False, indent=2).encode("utf-8")}
    files["icon.png"], files["icon@2x.png"] = _icon(29), _icon(58)
    manifest = json.dumps({name: hashlib.sha1(data).hexdigest() for name, data in files.items()}, indent=2)
    files["manifest.json"] = manifest.encode("utf-8")
    if signer is not None:
        files["signature"] = sign(files["manifest.json"], signer)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def sign(manifest: bytes, signer: Signer) -> bytes:
    """A detached PKCS#7 signature (DER) of the manifest with the shop's certificate, Apple's WWDR included."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs7

    certificate = x509.load_pem_x509_certificate(signer.certificate)
    key = serialization.load_pem_private_key(signer.key, password=None)
    wwdr = x509.load_pem_x509_certificate(signer.wwdr)
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(manifest)
        .add_signer(certificate, key, hashes.SHA256())  # type: ignore[arg-type]
        .add_certificate(wwdr)
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary])
    )


def _icon(side: int) -> bytes:
    """A plain square icon (a pass must have one)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (side, side), (40, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()
