import pytest

from kundsvar.core.env import EnvError, envbool, envint, envlist, envstr, secret_key


def test_envbool_rejects_anything_but_true_or_false(monkeypatch):
    monkeypatch.setenv("X_FLAG", "ture")
    with pytest.raises(EnvError):
        envbool("X_FLAG", False)
    monkeypatch.setenv("X_FLAG", "true")
    assert envbool("X_FLAG", False) is True
    monkeypatch.delenv("X_FLAG")
    assert envbool("X_FLAG", True) is True


def test_envint_rejects_words(monkeypatch):
    monkeypatch.setenv("X_N", "ten")
    with pytest.raises(EnvError):
        envint("X_N", 1)
    monkeypatch.setenv("X_N", "10")
    assert envint("X_N", 1) == 10


def test_secrets_can_come_from_a_file(monkeypatch, tmp_path):
    (tmp_path / "pw").write_text("s3cret\n")
    monkeypatch.setenv("X_PASSWORD_FILE", str(tmp_path / "pw"))
    assert envstr("X_PASSWORD") == "s3cret"


def test_envlist_splits_on_commas(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "a.se, b.se,,")
    assert envlist("X_HOSTS", []) == ["a.se", "b.se"]


def test_secret_key_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = secret_key(tmp_path)
    assert len(first) > 40
    assert secret_key(tmp_path) == first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_serve_links_to_the_address_it_listens_on():
    from kundsvar.ops.management.commands.serve import site_url_for

    assert site_url_for("127.0.0.1:8100") == "http://127.0.0.1:8100"
    assert site_url_for("0.0.0.0:9000") == "http://127.0.0.1:9000"  # noqa: S104
    assert site_url_for("help.shop.example:80") == "http://help.shop.example:80"
