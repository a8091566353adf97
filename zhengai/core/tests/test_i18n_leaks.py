"""No language leaks on the main pages: a Chinese page shows no English words or developer markup
(backticks, table codes such as ``students``, "学期（terms）"), an English page no Chinese in its
headings, labels, table headers, buttons and menus. Data (people's, courses' and units' names) is
what it is; these checks read what the platform itself says.

Every page of each role's menu is rendered in zh-hans and in en, with a few pages reached from
them (portraits, the dictionary)."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from zhengai.core.navigation import items_for

SKIPPED_TAGS = {"script", "style", "code", "pre", "kbd", "samp", "textarea"}
# Where a Chinese word on an English page is the platform speaking, not data.
CHROME_TAGS = {"h1", "th", "label", "button", "summary", "nav", "legend", "option", "caption"}
# Words a Chinese page may say in Latin letters: formats and standards, the product's own names.
LATIN_OK = {"csv", "json", "xlsx", "xls", "excel", "markdown", "xapi", "uuid", "webhook", "http", "https", "api",
            "pdf", "doc", "docx", "ppt", "pptx", "wps", "txt", "zip", "rar", "jpg", "jpeg", "png", "gif", "mp4",
            "sql", "select", "sqlalchemy", "mysql", "pymysql", "echarts", "utf", "gbk", "wecom", "dingtalk", "html",
            "demo", "email", "dps", "lines"}  # "JSON Lines" is a format
CJK = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"(?<![\w.@/:-])[A-Za-z]{3,}(?![\w@/-])")


class Texts(HTMLParser):
    """(text, innermost chrome tag or "") for every text node outside code and scripts."""

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.texts: list[tuple[str, str]] = []

    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "col", "wbr"}

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        text = data.strip()
        if not text or SKIPPED_TAGS & set(self.stack) or "title" in self.stack:
            return
        chrome = next((t for t in reversed(self.stack) if t in CHROME_TAGS), "")
        self.texts.append((text, chrome))


def texts_of(html: str):
    parser = Texts()
    parser.feed(html)
    return parser.texts


def chinese_page_leaks(html: str, data_words: set[str] = frozenset()) -> list[str]:
    leaks = []
    for text, chrome in texts_of(html):
        if chrome == "option" and text == "English":  # the language menu names English in English
            continue
        if "`" in text:
            leaks.append(text)
            continue
        words = {w for w in WORD.findall(text) if w.lower() not in LATIN_OK and not w.isupper() and w not in data_words}
        if words:
            leaks.append(f"{text[:80]}  ← {sorted(words)}")
    return leaks


def english_page_leaks(html: str, data_words: set[str]) -> list[str]:
    leaks = []
    for text, chrome in texts_of(html):
        if not chrome or not CJK.search(text) or (chrome == "option" and text == "简体中文"):
            continue
        if any(word in text for word in data_words):
            continue
        leaks.append(f"<{chrome}> {text[:80]}")
    return leaks


def _pages(user):
    urls = [item["url"] for item in items_for(user)]
    return urls + [reverse("account")]


ROLES = ["alice", "grace", "dave", "erin"]


@pytest.fixture(autouse=True)
def _language_as_it_was():
    """English requests leave English active in the thread: give the next test the language it had."""
    from django.utils import translation

    before = translation.get_language()
    yield
    translation.activate(before) if before else translation.deactivate()


@pytest.fixture
def data_words(cast):
    """Names that are data: people, departments, specialties, courses, the school (in any language)."""
    from zhengai.datacenter.models import AdminClass, Course, Department, SourceSystem, Specialty, Staff, Student

    from zhengai.org.models import User

    words = {str(name) for model in (Department, Specialty, Course, Staff, Student, AdminClass,
                                                  SourceSystem)
             for name in model.objects.values_list("name", flat=True)}
    words |= {name for pair in User.objects.values_list("username", "display_name") for name in pair if name}
    from django.conf import settings

    return words | {settings.ZHENGAI_SCHOOL_NAME}


@pytest.mark.parametrize("who", ROLES)
def test_it_says_nothing_in_english_on_a_chinese_page(client, cast, who, data_words):
    user = getattr(cast, who)
    client.force_login(user)
    leaks = {}
    for url in _pages(user):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, url
        found = chinese_page_leaks(response.content.decode(), data_words)
        if found:
            leaks[url] = found
    assert not leaks, leaks


@pytest.mark.parametrize("who", ROLES)
def test_it_says_nothing_in_chinese_in_an_english_pages_headings_labels_and_menus(client, cast, who, data_words):
    user = getattr(cast, who)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    leaks = {}
    for url in _pages(user):
        response = client.get(url)
        assert response.status_code == 200, url
        found = english_page_leaks(response.content.decode(), data_words)
        if found:
            leaks[url] = found
    assert not leaks, leaks


def test_it_names_each_language_in_its_own_language(client, cast):
    client.force_login(cast.alice)
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        html = client.get(reverse("home")).content.decode()
        assert '<option value="en" lang="en">English</option>' in html or 'lang="en" selected>English' in html
        assert "简体中文</option>" in html and "英语" not in html


def test_it_describes_every_dictionary_table_for_people(client, cast, data_words):
    from django.utils import translation

    from zhengai.datacenter.dictionary import tables

    with translation.override("zh-hans"):
        assert all(t.description and CJK.search(t.description) for t in tables())
    with translation.override("en"):
        assert all(t.description and not CJK.search(t.description) for t in tables())
    client.force_login(cast.alice)
    html = client.get(reverse("datacenter:dictionary"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert not chinese_page_leaks(html, data_words)
