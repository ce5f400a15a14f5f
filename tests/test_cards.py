"""Member card numbers (issue 30, SPEC §3 "card number"): digits with a check digit, random, a reference
everywhere, replaceable when a card is lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loyaltycli.domain.cards import card_number, check_digit, is_card_number
from tests.conftest import Cli


@pytest.mark.parametrize(("twelve", "check"), [("400638133393", "1"), ("200000000000", "8"), ("212345678901", "0")])
def test_the_check_digit_is_ean_13s(twelve: str, check: str) -> None:
    assert check_digit(twelve) == check


def test_a_card_number_is_13_digits_starting_with_2_and_checks_itself() -> None:
    card = card_number("12345678901")
    assert card == "2123456789010" and is_card_number(card)
    assert not is_card_number("2123456789011")  # one digit misread
    assert not is_card_number("4006381333931")  # a product's barcode, not one of ours
    assert not is_card_number("212345678901")
    with pytest.raises(ValueError):
        card_number("123")


def test_every_member_gets_a_card_that_names_them(cli: Cli, tmp_path: Path) -> None:
    cli("enroll", "Anna", "--id", "A", "--phone", "0170 1234567")
    card = cli.json("member", "show", "A")["card"]
    assert is_card_number(card)
    assert cli.json("member", "show", card)["id"] == "A"
    assert [m["id"] for m in cli.json("member", "find", card)] == ["A"]  # the counter's search finds it too
    cli("purchase", card, "10.00")
    assert cli("member", "card", "A").stdout.strip() == card
    (tmp_path / "c.csv").write_text("name,points\n" + "".join(f"C{n},1\n" for n in range(50)), encoding="utf-8")
    cli("member", "import", str(tmp_path / "c.csv"))
    (tmp_path / "s.csv").write_text("receipt,date,member,amount\nR1,2026-06-01,new@example.com,5.00\n", "utf-8")
    cli("import", str(tmp_path / "s.csv"), "--enroll-unknown")
    assert is_card_number(json.loads(cli("member", "export", "new@example.com").stdout)["member"]["card"])
    listed = {cli.json("member", "show", m["id"])["card"] for m in cli.json("member", "list")}
    assert len(listed) == 52 and all(is_card_number(c) for c in listed)


def test_a_lost_card_is_replaced_and_the_old_number_names_nobody(cli: Cli) -> None:
    cli("enroll", "Anna", "--id", "A")
    old = cli.json("member", "show", "A")["card"]
    new = cli.json("member", "card", "A", "--new")["card"]
    assert new != old and is_card_number(new)
    assert "No member matches" in cli("member", "show", old, expect=1).stderr
    assert cli.json("member", "show", new)["id"] == "A"


def test_an_erased_member_keeps_no_card(cli: Cli) -> None:
    cli("enroll", "Anna", "--id", "A")
    card = cli.json("member", "show", "A")["card"]
    cli("member", "erase", "A", "--yes")
    assert cli.json("member", "show", "A")["card"] is None
    cli("member", "show", card, expect=1)


def _shop_with_cards(cli: Cli) -> list[str]:
    cli("enroll", "Zoë Müller-Łukasz", "--id", "Z")
    cli("enroll", "Anna", "--id", "A")
    return [cli.json("member", "show", m)["card"] for m in ("Z", "A")]


def test_cards_as_png_and_svg_files(sqlite_cli: Cli, tmp_path: Path) -> None:
    cards = _shop_with_cards(sqlite_cli)
    listed = sqlite_cli.json("card", "Z", "A", "--png", str(tmp_path / "png"))
    assert [(c["member"], c["card"]) for c in listed] == [("Z", cards[0]), ("A", cards[1])]
    from PIL import Image

    with Image.open(tmp_path / "png" / "card-Z.png") as image:
        assert image.size == (1011, 638)  # 85.6 x 54 mm at 300 dpi
    sqlite_cli("card", "--all", "--svg", str(tmp_path / "svg"))
    svg = (tmp_path / "svg" / "card-Z.svg").read_text(encoding="utf-8")
    assert "Zoë Müller-Łukasz" in svg and "Test Shop" in svg and svg.count("<svg") >= 3


def test_card_asks_for_one_output_and_members_or_all(sqlite_cli: Cli, tmp_path: Path) -> None:
    _shop_with_cards(sqlite_cli)
    assert "--pdf" in sqlite_cli("card", "A", expect=2).stderr
    assert "--catima" in sqlite_cli("card", "A", "--pdf", str(tmp_path / "c.pdf"), "--catima-qr", expect=2).stderr
    assert "--all" in sqlite_cli("card", "--pdf", str(tmp_path / "c.pdf"), expect=2).stderr
    assert "--all" in sqlite_cli("card", "A", "--all", "--pdf", str(tmp_path / "c.pdf"), expect=2).stderr
    assert "cannot be written" in sqlite_cli("card", "A", "--pdf", "/nonexistent/dir/c.pdf", expect=2).stderr


def test_a_sheet_of_cards_reads_back_to_the_card_numbers(sqlite_cli: Cli, tmp_path: Path) -> None:
    """The PDF as a person prints it: pdftoppm renders the page, zbarimg (a decoder as a till's scanner and a
    phone's camera) reads every barcode and QR code back to its card number."""
    import shutil
    import subprocess

    if not (shutil.which("pdftoppm") and shutil.which("zbarimg")):
        pytest.skip("Debian's poppler-utils and zbar-tools are not installed (.ci/run installs them)")
    cards = _shop_with_cards(sqlite_cli)
    for n in range(10):
        sqlite_cli("enroll", f"Member {n}")
    sqlite_cli("card", "--all", "--pdf", str(tmp_path / "cards.pdf"))
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(tmp_path / "cards.pdf"), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2  # twelve cards: ten on the first sheet, two on the second
    read: list[str] = []
    for crop in _cards_cut_out(pages, tmp_path):  # one card at a time, as a scanner sees one card
        read += subprocess.run(["zbarimg", "-q", str(crop)], capture_output=True, text=True).stdout.split()
    codes = {line.split(":", 1)[1] for line in read}
    assert set(cards) <= codes and len(codes) == 12
    assert sum(line.startswith("QR-Code:") for line in read) == 12
    assert sum(line.startswith("CODE-128:") for line in read) == 12


def _cards_cut_out(pages: list[Path], folder: Path) -> list[Path]:
    """Each card of the rendered sheets as a picture of its own, cut where the cut marks say."""
    from PIL import Image

    from loyaltycli.reports.cards import A4_MM, CARD_MM, COLUMNS, ROWS

    crops = []
    left, top = (A4_MM[0] - COLUMNS * CARD_MM[0]) / 2, (A4_MM[1] - ROWS * CARD_MM[1]) / 2
    for number, page in enumerate(pages):
        with Image.open(page) as image:
            scale = image.width / A4_MM[0]
            for slot in range(COLUMNS * ROWS):
                x, y = left + slot % COLUMNS * CARD_MM[0], top + slot // COLUMNS * CARD_MM[1]
                box = (
                    round(x * scale),
                    round(y * scale),
                    round((x + CARD_MM[0]) * scale),
                    round((y + CARD_MM[1]) * scale),
                )
                crop = folder / f"card-{number}-{slot}.png"
                image.crop(box).save(crop)
                crops.append(crop)
    return crops


def test_catima_links_and_catima_csv_read_back_as_catimas_documents_describe(sqlite_cli: Cli, tmp_path: Path) -> None:
    """The share link and catima.csv parsed with the layouts of Catima's docs (CARD_SHARING_URL_FORMAT.md: the
    parameters url-encoded, then the fragment again; EXPORT_FORMAT.md: version 2, groups, cards, links)."""
    import csv
    import io
    from urllib.parse import parse_qs, unquote_plus, urlsplit

    cards = _shop_with_cards(sqlite_cli)
    sqlite_cli("purchase", "Z", "30.00")
    listed = sqlite_cli.json("card", "Z", "A", "--png", str(tmp_path / "png"), "--catima")
    link = urlsplit(listed[0]["catima"])
    assert (link.scheme, link.netloc, link.path) == ("https", "catima.app", "/share")
    fields = {k: v[0] for k, v in parse_qs(unquote_plus(link.fragment)).items()}
    assert fields == {
        "store": "Test Shop",
        "note": "Zoë Müller-Łukasz (Z)",
        "balance": "80",
        "cardid": cards[0],
        "barcodetype": "CODE_128",
    }
    lines = (tmp_path / "png" / "catima.csv").read_text(encoding="utf-8").split("\n")
    assert lines[:4] == ["2", "", "_id", ""]  # version 2, a group table with no groups
    end = lines.index("", 4)
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[4:end]))))
    assert [(r["cardid"], r["balance"], r["barcodetype"], r["store"]) for r in rows] == [
        (cards[0], "80", "CODE_128", "Test Shop"),
        (cards[1], "50", "CODE_128", "Test Shop"),
    ]
    assert lines[end + 1] == "cardId,groupId"
    printed = sqlite_cli("card", "A", "--catima").stdout.strip()
    assert printed.startswith("A\thttps://catima.app/share#")


def test_a_card_whose_qr_code_opens_catima(sqlite_cli: Cli, tmp_path: Path) -> None:
    import shutil
    import subprocess

    if not shutil.which("zbarimg"):
        pytest.skip("Debian's zbar-tools is not installed (.ci/run installs it)")
    card = _shop_with_cards(sqlite_cli)[1]
    sqlite_cli("card", "A", "--png", str(tmp_path), "--catima", "--catima-qr")
    read = subprocess.run(["zbarimg", "-q", str(tmp_path / "card-A.png")], capture_output=True, text=True).stdout
    assert "QR-Code:https://catima.app/share#" in read and f"CODE-128:{card}" in read


def test_an_unsigned_wallet_pass_says_apple_wallet_will_refuse_it(sqlite_cli: Cli, tmp_path: Path) -> None:
    import hashlib
    import zipfile

    card = _shop_with_cards(sqlite_cli)[0]
    result = sqlite_cli("card", "Z", "--pkpass", str(tmp_path / "z.pkpass"))
    assert "Apple Wallet will refuse it" in result.stderr
    with zipfile.ZipFile(tmp_path / "z.pkpass") as archive:
        names = set(archive.namelist())
        assert {"pass.json", "manifest.json", "icon.png", "icon@2x.png"} <= names and "signature" not in names
        manifest = json.loads(archive.read("manifest.json"))
        assert all(hashlib.sha1(archive.read(n)).hexdigest() == digest for n, digest in manifest.items())
        shown = json.loads(archive.read("pass.json"))
    assert shown["serialNumber"] == card and shown["organizationName"] == "Test Shop"
    assert shown["barcodes"][0] == {
        "format": "PKBarcodeFormatCode128",
        "message": card,
        "messageEncoding": "iso-8859-1",
    }
    assert shown["storeCard"]["secondaryFields"][0]["value"] == "Zoë Müller-Łukasz"
    assert "one member" in sqlite_cli("card", "--all", "--pkpass", str(tmp_path / "x.pkpass"), expect=2).stderr


def _certificate(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """A self-made certificate and key (PEM), standing in for the shop's pass certificate in a test."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def test_a_wallet_pass_signed_with_the_shops_certificate(sqlite_cli: Cli, tmp_path: Path) -> None:
    import zipfile

    from cryptography.hazmat.primitives.serialization import pkcs7

    _shop_with_cards(sqlite_cli)
    cert, key = _certificate(tmp_path, "shop")
    wwdr, _key = _certificate(tmp_path, "wwdr")
    signing = ["--sign-cert", str(cert), "--sign-key", str(key), "--wwdr", str(wwdr)]
    result = sqlite_cli("card", "A", "--pkpass", str(tmp_path / "a.pkpass"), *signing)
    assert "refuse" not in result.stderr
    with zipfile.ZipFile(tmp_path / "a.pkpass") as archive:
        signature = archive.read("signature")
    names = sorted(c.subject.rfc4514_string() for c in pkcs7.load_der_pkcs7_certificates(signature))
    assert names == ["CN=shop", "CN=wwdr"]
    assert "--wwdr" in sqlite_cli("card", "A", "--pkpass", str(tmp_path / "b.pkpass"), *signing[:4], expect=2).stderr


def test_a_slip_on_an_escpos_printer_with_umlauts_euro_barcode_and_cut(
    sqlite_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bytes python-escpos sends (its file printer here, the same bytes as the Dummy printer gives)."""
    from loyaltycli.i18n import set_language

    monkeypatch.setenv("LOYALTY_LANG", "de")
    set_language(None)
    sqlite_cli("enroll", "Jürgen Müller", "--id", "J")
    sqlite_cli("purchase", "J", "100.00", "--receipt", "B-1")
    code = sqlite_cli.json("redeem", "J", "mug")["voucher"]
    assert "LOYALTY_PRINTER" in sqlite_cli("slip", "B-1", expect=2).stderr  # says how to set one up
    doc = sqlite_cli.json("slip", "B-1", "--printer", f"file:{tmp_path / 'b.bin'}")
    sent = (tmp_path / "b.bin").read_bytes()
    assert doc == {"printed": True, "bytes": len(sent)}
    assert b"J\x81rgen M\x81ller" in sent  # ü in the printer's code page 437, chosen with ESC t 0
    assert b"\x1bt\x0f\xa4" in sent  # the euro sign: code page 15 (ISO 8859-15), then 0xA4
    assert b"\x81r diesen Einkauf: 100" in sent and sent.endswith(b"\x1dV\x00")  # ... and a cut
    sqlite_cli("slip", code, "--printer", str(tmp_path / "v.bin"))
    voucher = (tmp_path / "v.bin").read_bytes()
    assert b"\x1dkI" in voucher and ("{B" + code).encode() in voucher  # the code as a Code128 barcode
    assert "keine Belegnummer" in sqlite_cli("slip", "NOPE", "--printer", str(tmp_path / "x.bin"), expect=1).stderr
