"""Configuration: validated on load, errors name the key, secrets come from the environment."""

import pytest

from fupin.config import ConfigError, load_config, parse_config

MINIMAL = {"province": "52", "landing": {"root": "/srv/landing"}}


def write(tmp_path, text: str):
    path = tmp_path / "fupin.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_config_uses_the_embedded_warehouse():
    config = parse_config(MINIMAL)
    assert config.warehouse.dsn is None
    assert config.national is None


def test_unknown_key_is_an_error_naming_it():
    with pytest.raises(ConfigError, match=r"warehouse\.dns: unknown key"):
        parse_config({**MINIMAL, "warehouse": {"dns": "postgresql://x"}})


def test_missing_key_is_named():
    with pytest.raises(ConfigError, match=r"landing: required key is missing"):
        parse_config({"province": "52"})


def test_wrong_value_is_named():
    with pytest.raises(ConfigError, match=r"national\.sender_id"):
        parse_config(
            {**MINIMAL, "national": {"base_url": "http://x", "sender_id": "52", "secret": "s"}}
        )


def test_secret_from_environment_is_not_shown(tmp_path, monkeypatch):
    monkeypatch.setenv("NATIONAL_SECRET", "hunter2")
    path = write(
        tmp_path,
        """
province: "52"
landing: {root: landing}
national: {base_url: "http://127.0.0.1:1", sender_id: "520000", secret: "${NATIONAL_SECRET}"}
""",
    )
    config = load_config(path)
    assert config.national.secret.get_secret_value() == "hunter2"
    assert "hunter2" not in repr(config) and "hunter2" not in str(config.national)
    assert config.landing.root == (tmp_path / "landing").resolve()  # relative to the file


def test_unset_environment_variable_is_an_error(tmp_path, monkeypatch):
    monkeypatch.delenv("FUPIN_NOT_SET", raising=False)
    path = write(
        tmp_path, 'province: "52"\nlanding: {root: x}\nwarehouse: {dsn: "${FUPIN_NOT_SET}"}\n'
    )
    with pytest.raises(ConfigError, match=r"warehouse\.dsn: environment variable FUPIN_NOT_SET"):
        load_config(path)


def test_unreadable_and_invalid_files(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "absent.yml")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(write(tmp_path, "province: [\n"))
    with pytest.raises(ConfigError, match="must be a mapping"):
        load_config(write(tmp_path, "- a\n"))


def test_policy_overrides_reach_dbt_vars():
    config = parse_config(
        {**MINIMAL, "policy": {"monitoring_threshold": {2024: 8700}, "poverty_line": {2017: 3000}}}
    )
    assert config.dbt_vars()["monitoring_threshold_overrides"] == {"2024": 8700}
    assert config.dbt_vars()["poverty_line_overrides"] == {"2017": 3000}


@pytest.mark.parametrize(
    ("dsn", "uri"),
    [
        ("postgresql://u:p%40ss@db:5433/fupin", "postgresql://u:p%40ss@db:5433/fupin"),
        (
            "host=db port=5433 dbname=fupin user=u password=p@ss",
            "postgresql://u:p%40ss@db:5433/fupin",
        ),
        ("host=/run/pg dbname=fupin user=u", "postgresql://u@/fupin?host=%2Frun%2Fpg"),
    ],
)
def test_dsns_are_parsed_by_libpq_and_normalised(dsn, uri):
    config = parse_config({**MINIMAL, "warehouse": {"dsn": dsn}})
    assert config.warehouse.dsn.get_secret_value() == uri


@pytest.mark.parametrize("dsn", ["not a dsn", "http://db/fupin", "   "])
def test_what_libpq_cannot_parse_is_refused_naming_the_key(dsn):
    with pytest.raises(ConfigError, match=r"warehouse\.dsn: ") as error:
        parse_config({**MINIMAL, "warehouse": {"dsn": dsn}})
    assert len(str(error.value).splitlines()) == 1


def test_empty_secret_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("NATIONAL_SECRET", "")
    path = write(
        tmp_path,
        'province: "52"\nlanding: {root: x}\n'
        'national: {base_url: "http://x", sender_id: "520000", secret: "${NATIONAL_SECRET}"}\n',
    )
    with pytest.raises(ConfigError, match=r"national\.secret: empty"):
        load_config(path)


@pytest.mark.parametrize("province", [520, 5, "5x"])
def test_province_error_says_what_is_expected(province):
    with pytest.raises(ConfigError) as error:
        parse_config({**MINIMAL, "province": province})
    assert str(error.value) == (
        f'<config>: province: expected the 2-digit province code in quotes, e.g. "52" '
        f"(got {province!r})"
    )


def test_a_number_that_is_a_valid_code_is_accepted():
    assert parse_config({**MINIMAL, "province": 52}).province == "52"
