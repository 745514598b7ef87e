"""The Hindi catalogue is complete: every entry translated (no fuzzy ones), placeholders kept,
and no string of the templates or code is missing from it."""

import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from ..services import require

PO = Path(settings.BASE_DIR) / "locale" / "hi" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}")


def _entries():
    return [e for e in polib.pofile(str(PO)) if not e.obsolete]


def test_every_hindi_entry_is_translated():
    catalogue = polib.pofile(str(PO))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated in {PO.name}: {untranslated}"
    assert not fuzzy, f"fuzzy in {PO.name}: {fuzzy}"
    assert len(_entries()) > 300


def test_translations_keep_their_placeholders():
    for entry in _entries():
        if entry.msgid_plural:
            # A singular form may spell the number out; none may bring a name of its own.
            allowed = set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural))
            for text in entry.msgstr_plural.values():
                assert set(PLACEHOLDER.findall(text)) <= allowed, entry.msgid
        else:
            wanted = sorted(PLACEHOLDER.findall(entry.msgid))
            assert sorted(PLACEHOLDER.findall(entry.msgstr)) == wanted, entry.msgid


def test_the_catalogue_has_every_marked_string(tmp_path, settings):
    """makemessages on a copy of the sources must find nothing the committed file lacks."""
    require("GNU gettext", shutil.which("xgettext") is not None, "apt-get install -y gettext")
    root = Path(settings.BASE_DIR)
    for app in ("config", "registry", "catalog", "consent", "web"):
        shutil.copytree(
            root / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    (tmp_path / "locale" / "hi" / "LC_MESSAGES").mkdir(parents=True)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        call_command("makemessages", locale=["hi"], verbosity=0)
    finally:
        os.chdir(cwd)
    extracted = polib.pofile(str(tmp_path / "locale" / "hi" / "LC_MESSAGES" / "django.po"))
    have = {(e.msgctxt, e.msgid) for e in _entries()}
    missing = sorted(e.msgid for e in extracted if (e.msgctxt, e.msgid) not in have)
    assert not missing, f"run `make messages` and translate: {missing}"


@pytest.mark.parametrize("code", ["en", "hi"])
def test_the_compiled_catalogue_is_used(code, client, db):
    client.cookies["suchi_language"] = code
    page = client.get("/portal/login").content.decode()
    assert f'<html lang="{code}"' in page
    expected = "साइन इन" if code == "hi" else "Sign in"
    assert expected in page


def test_pages_vary_by_the_language_cookie_and_the_apis_by_neither(client, db):
    """A shared cache keys a page by both things that choose its language."""
    client.cookies["suchi_language"] = "hi"
    page = client.get("/datasets", HTTP_ACCEPT="text/html")
    assert page["Content-Language"] == "hi"
    assert {"cookie", "accept-language"} <= {v.strip().lower() for v in page["Vary"].split(",")}
    api = client.get("/api/v1/datasets")
    assert "cookie" not in api.get("Vary", "").lower()


def test_every_choice_of_every_enum_has_an_english_and_a_hindi_label():
    """A choice without a label shows its raw code on a page; one without Hindi, English in a
    Hindi page. Every TextChoices of the models is in web.labels.choice_tables()."""
    from django.apps import apps
    from django.db.models import TextChoices
    from django.utils import translation

    from web.labels import choice_tables

    tables = choice_tables()
    enums = set()
    for model in apps.get_models():
        if model._meta.app_label not in {
            "registry", "consent", "harvest", "catalog", "exchange", "identity", "rights",
            "transparency",
        }:  # fmt: skip
            continue
        module = __import__(model.__module__, fromlist=["*"])
        enums |= {
            v for v in vars(module).values()
            if isinstance(v, type) and issubclass(v, TextChoices) and v is not TextChoices
        }  # fmt: skip
    assert enums - set(tables) == set(), "enums with no table of labels"
    translated = {e.msgid for e in _entries() if e.msgstr}
    missing = []
    for enum, table in tables.items():
        for value in enum.values:
            label = table.get(value)
            if label is None:
                missing.append(f"{enum.__name__}.{value}: no label")
                continue
            with translation.override("en"):
                english = str(label)
            if english not in translated:
                missing.append(f"{enum.__name__}.{value}: no Hindi for {english!r}")
    assert missing == []


def test_every_token_scope_has_an_english_and_a_hindi_label():
    """A new user found three scopes shown by their raw codes on the tokens page."""
    from django.utils import translation

    from registry.scopes import SCOPES
    from web.labels import SCOPES as LABELS

    translated = {e.msgid for e in _entries() if e.msgstr}
    for scope in SCOPES:
        assert scope in LABELS, scope
        with translation.override("en"):
            assert str(LABELS[scope]) in translated, scope


def test_every_page_says_its_time_zone(client, db):
    """A new user saw one dataset's dates differ between the public pages (UTC) and the
    console and portal (India's time), with no zone named on either."""
    assert "Times on this page are in UTC." in client.get("/datasets").content.decode()
    portal = client.get("/portal/login").content.decode()
    assert "Times on this page are in Asia/Kolkata." in portal


def test_the_password_rules_a_citizen_reads_are_in_hindi():
    """Django's own Hindi has none of its password rules: the account page showed them in
    English (a new user's trial). web/django_texts.py keeps them in Suchi's catalogue."""
    from django.contrib.auth.password_validation import (
        password_validators_help_texts,
        validate_password,
    )
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("hi"):
        rules = password_validators_help_texts()
        with pytest.raises(ValidationError) as refused:
            validate_password("1234")
    for text in [*rules, *refused.value.messages]:
        assert not re.search(r"[A-Za-z]{3,}", text), text
