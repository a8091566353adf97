"""The Agents resource's Person object (xAPI 1.0.3, Part Three, 2.6): the identifiers and names
the LRS knows for the person an Agent stands for, merged across identifiers.

A source learns nothing it did not send itself: the Person holds the Agent's own identifiers and
name, the names this source's statements gave that actor, and — when the Agent resolves to a
student or member of staff of the data center (by 学号/工号 as ``account.name`` or by e-mail, as
statements' actors are resolved) — the person's other identifier *if this source has used it as
an actor*: asked by account, the ``mailto:`` e-mail the source also sent statements with. The
data center's own name and e-mail are never disclosed. A fixed number of queries (at most four).
"""

import orjson

from zhengai.datacenter.models import Staff, Student

from . import mapping
from .identity import agent_key, canonical_mbox
from .models import Statement


def _latest_actor(source, *keys: str) -> dict | None:
    body = (Statement.objects.filter(source=source, actor_key__in=sorted(set(keys))).order_by("-seq")
            .values_list("body", flat=True).first())
    return orjson.loads(body)["actor"] if body else None


def person(source, agent: dict) -> dict:
    names, mboxes = [], []
    known = [agent]
    mine = _latest_actor(source, agent_key(agent))
    if mine is not None:
        known.append(mine)
    hint = mapping.person_hint(agent)
    if hint is not None and hint[0] == "name":
        people, _offerings = mapping.resolve({hint}, set())
        found = people.get(hint)
        if found is not None:
            model = Student if found[0] == "student" else Staff
            email = model.objects.filter(pk=found[1]).values_list("email", flat=True).first()
            if email:
                # As sent, or in lower case (the data center matches e-mails case-insensitively).
                other = _latest_actor(source, agent_key({"mbox": f"mailto:{email}"}),
                                      agent_key({"mbox": f"mailto:{email.lower()}"}))
                if other is not None:
                    known.append(other)
    for one in known:
        if one.get("name") and one["name"] not in names:
            names.append(one["name"])
        if "mbox" in one and canonical_mbox(one["mbox"]) not in mboxes:
            mboxes.append(canonical_mbox(one["mbox"]))
    out = {"objectType": "Person"}
    if names:
        out["name"] = names
    if mboxes:
        out["mbox"] = mboxes
    for key in ("mbox_sha1sum", "openid", "account"):
        if key in agent:
            out[key] = [agent[key]]
    return out
