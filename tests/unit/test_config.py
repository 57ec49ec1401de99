"""Configuration: env variables, overrides, the secret key file."""
import os
import stat

from app import create_app
from office.config import load_or_create_secret


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = load_or_create_secret(tmp_path / "secret_key")
    assert len(first) == 64
    assert load_or_create_secret(tmp_path / "secret_key") == first
    assert stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode) == 0o600


def test_defaults_live_in_the_instance_folder(tmp_path, monkeypatch):
    for name in ("OFFICE_DATABASE_URL", "OFFICE_SECRET_KEY", "OFFICE_HUEY_PATH"):
        monkeypatch.delenv(name, raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'office.db'}"
    assert app.config["SECRET_KEY"] == (tmp_path / "secret_key").read_text()
    assert app.instance_path == str(tmp_path)


def test_environment_is_read_and_overrides_win(tmp_path, monkeypatch):
    monkeypatch.setenv("OFFICE_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("OFFICE_DATABASE_URL", f"sqlite:///{tmp_path}/other.db")
    monkeypatch.setenv("OFFICE_SECRET_KEY", "from-env")
    monkeypatch.setenv("OFFICE_HUEY_IMMEDIATE", "true")
    app = create_app()
    assert app.config["DATABASE_URL"].endswith("other.db")
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["HUEY_IMMEDIATE"] is True
    assert create_app({"SECRET_KEY": "override"}).config["SECRET_KEY"] == "override"
