"""Every visible string is extracted and has a Chinese translation."""
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def test_every_message_is_translated_to_chinese(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "--no-location", "--omit-header",
                    "-o", str(pot), "."], cwd=ROOT, check=True)
    with pot.open("rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    with (ROOT / "translations/zh/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = {m.id: m.string for m in read_po(handle) if m.id}
    missing = sorted(i for i in extracted if not catalog.get(i))
    assert not missing, f"run `make translations` and translate: {missing}"
