"""Locust scenarios, one per kind of person, for bench_load.py (loopback only).

Readers fill the reading form (the page, then autosaves), lead inspectors move between
the evaluation and report pages, the partnership reads the shared draft and comments,
and API clients read with a token. Think time 3-8 s. Each request is named by its page,
so the figures come out per page.
"""

import itertools
import os
import random
import re

import orjson
from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

CONFIG = orjson.loads(open(os.environ["SCRUTINY_LOAD_CONFIG"], "rb").read())  # noqa: SIM115
HOSTS = os.environ.get("SCRUTINY_LOAD_HOSTS", "").split(",")
THINK = between(
    float(os.environ.get("SCRUTINY_THINK_MIN", 3)), float(os.environ.get("SCRUTINY_THINK_MAX", 8))
)
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_VERSION = re.compile(r'name="version" value="(\d+)"')
_readers = itertools.count()
_leads = itertools.count()
_partners = itertools.count()
_hosts = itertools.count()


def _csrf(html: str) -> str:
    found = _CSRF.search(html)
    return found.group(1) if found else ""


class _Person(FastHttpUser):
    """FastHttpUser (geventhttpclient), not HttpUser (requests): the load runs on the
    same two cores as the server, and requests costs several times the CPU a request."""

    abstract = True
    wait_time = THINK

    def on_start(self) -> None:
        if HOSTS and HOSTS[0]:
            # The scale-out path: people spread over the app servers, as a balancer would.
            self.client.base_url = HOSTS[next(_hosts) % len(HOSTS)]

    def sign_in(self, username: str) -> None:
        page = self.client.get(CONFIG["login"], name="sign-in")
        self.client.post(
            CONFIG["login"],
            {
                "username": username,
                "password": CONFIG["password"],
                "csrfmiddlewaretoken": _csrf(page.text),
            },
            name="sign-in",
        )


class Reader(_Person):
    weight = 4

    def on_start(self) -> None:
        super().on_start()
        me = CONFIG["readers"][next(_readers) % len(CONFIG["readers"])]
        self.form = me["form"]
        self.list = me["list"]
        self.sign_in(me["username"])
        self.version = "1"
        self.csrf = ""

    @task(2)
    def open_form(self) -> None:
        page = self.client.get(self.form, name="reading form")
        self.csrf = _csrf(page.text) or self.csrf
        found = _VERSION.search(page.text)
        if found:
            self.version = found.group(1)

    @task(3)
    def autosave(self) -> None:
        if not self.csrf:
            return self.open_form()
        response = self.client.post(
            self.form,
            {
                "csrfmiddlewaretoken": self.csrf,
                "version": self.version,
                "action": "autosave",
                CONFIG["rating_field"]: str(random.randint(1, 6)),
            },
            name="reading autosave",
        )
        if response.ok:
            self.version = str(response.json().get("version", self.version))

    @task(1)
    def my_list(self) -> None:
        self.client.get(self.list, name="my readings")


class Lead(_Person):
    weight = 3

    def on_start(self) -> None:
        super().on_start()
        self.sign_in(CONFIG["leads"][next(_leads) % len(CONFIG["leads"])])

    @task
    def page(self) -> None:
        name, path = random.choice(list(CONFIG["lead_pages"].items()))
        self.client.get(path, name=name)


class Partner(_Person):
    weight = 1

    def on_start(self) -> None:
        super().on_start()
        self.sign_in(CONFIG["partners"][next(_partners) % len(CONFIG["partners"])])

    @task(3)
    def read_draft(self) -> None:
        self.client.get(CONFIG["shared_draft"], name="shared draft")

    @task(1)
    def comment(self) -> None:
        form = random.choice(CONFIG["comment_forms"])
        page = self.client.get(form, name="comment form")
        self.client.post(
            form,
            {"csrfmiddlewaretoken": _csrf(page.text), "text": "Please check this figure."},
            name="comment",
        )


class ApiClient(_Person):
    weight = 1

    def on_start(self) -> None:
        super().on_start()
        self.auth = {"Authorization": f"Bearer {CONFIG['token']}"}

    @task
    def read(self) -> None:
        name, path = random.choice(list(CONFIG["api"].items()))
        self.client.get(path, name=f"api {name}", headers=self.auth)
