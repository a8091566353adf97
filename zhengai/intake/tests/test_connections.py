"""Saved connections keep their password out of the URL, encrypted or in the environment, and never
show it back."""

import pytest
from django.core.exceptions import ValidationError

from zhengai.datacenter.models import SourceSystem
from zhengai.intake.pull import secrets
from zhengai.intake.pull.models import SourceConnection, parse_url


@pytest.fixture
def source(db):
    return SourceSystem.objects.create(code="rs", name="人事系统", kind="database")


def test_it_stores_the_password_encrypted_and_shows_it_masked(source):
    connection = SourceConnection(name="rs-db", source=source)
    connection.set_url("mysql://reader:s3cret-P%40ss@10.0.0.5:3306/hr")  # "@" percent-encoded, as URLs need
    connection.save()
    stored = SourceConnection.objects.get(pk=connection.pk)

    assert "s3cret" not in stored.url and "s3cret" not in stored.password_encrypted
    assert stored.url == "mysql+pymysql://reader@10.0.0.5:3306/hr"
    assert stored.display_url == "mysql+pymysql://reader:***@10.0.0.5:3306/hr"
    assert stored.engine_url().password == "s3cret-P@ss"


def test_it_reads_the_password_from_an_environment_variable(source, monkeypatch):
    connection = SourceConnection(name="rs-db", source=source, password_env="ZG_TEST_HR_PASSWORD")
    connection.set_url("postgres://reader@db.example:5432/hr")

    with pytest.raises(secrets.SecretError, match="ZG_TEST_HR_PASSWORD 未设置"):
        connection.engine_url()
    monkeypatch.setenv("ZG_TEST_HR_PASSWORD", "from-env")

    assert connection.engine_url().password == "from-env"
    assert connection.display_url == "postgresql+psycopg://reader:***@db.example:5432/hr"


def test_it_says_so_when_the_key_changed(source, settings):
    connection = SourceConnection(name="rs-db", source=source)
    connection.set_url("mysql://reader:pw@h/db")
    settings.ZHENGAI_CONNECTION_KEY = "another key"

    with pytest.raises(secrets.SecretError, match="无法解密"):
        connection.engine_url()


def test_it_keeps_the_stored_password_when_the_masked_url_is_pasted_back(source):
    connection = SourceConnection(name="rs-db", source=source)
    connection.set_url("mysql://reader:first@h/db")
    connection.set_url(connection.display_url)

    assert connection.engine_url().password == "first"


@pytest.mark.parametrize(
    "url, driver",
    [
        ("mysql://u@h/db", "mysql+pymysql"),
        ("mariadb://u@h/db", "mariadb+pymysql"),
        ("postgresql://u@h/db", "postgresql+psycopg"),
        ("oracle://u@h:1521/?service_name=ORCL", "oracle+oracledb"),
        ("mssql+pyodbc://u@dsn", "mssql+pyodbc"),
        ("mssql://u@h:1433/db", "mssql+pymssql"),
        ("sqlite:////tmp/x.db", "sqlite"),
    ],
)
def test_it_accepts_the_documented_database_kinds(url, driver):
    assert parse_url(url).drivername == driver


@pytest.mark.parametrize("url", ["mongodb://u:pw@h/db", "not a url at all", ""])
def test_it_refuses_other_urls_in_chinese_without_echoing_a_password(url):
    with pytest.raises(ValidationError) as refused:
        parse_url(url)
    text = " ".join(refused.value.messages)
    assert ("不支持的数据库类型" in text) or ("无法识别的数据库连接地址" in text)
    assert "pw" not in text.replace("pymysql", "")
