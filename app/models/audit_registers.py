"""The audit replay of the registers receiving rests on: what :func:`audit.verify` compares besides
values, states, explanations and the task ledger (:mod:`app.models.audit_ledger` calls it).

    trusted_keys       trust_add / trust_scope / trust_retire / trust_remove rows: each key the office trusts,
                       for which office and regions, active or retired (and replaced by which); the public
                       key must still be the one its fingerprint names
    packages_received  receive rows (the package's own, without an indicator), return_package and
                       accept_package: each package received (its SHA-256), for which region and year, from
                       which sender and version, under which file name, and its state; the stored manifest
                       must say the same region, year, version and sender
    packages_sent      export_package rows: each package sent, its region, year, file and the head it follows
    regions            region_tree rows over the bundled tree (a new store's, not audited): each region's
                       parent, level and validity — a key's scope is a region and the regions below it,
                       so a region moved under another behind the app would widen it
    users              user_add / user_role / user_passwd / rehash rows: each user and role, and a digest of
                       the stored password hash (salt, hash and cost; never the password or the hash) — a
                       clerk made a head, a user added, or a head's password hash replaced with one the
                       clerk knows, behind the app, is named (rows of an ipdesk before the digest was
                       recorded are checked for the user and role only, until the next password change)

A key widened to other regions lets a sender's package in; a received package's row deleted lets it be
received again (a replay), its version changed lets an older one in; each is one difference, named by
office or region and the first digits of the fingerprint or hash.
"""
from __future__ import annotations

import hashlib
import json
import re

TRUST_ACTIONS = frozenset({"trust_add", "trust_scope", "trust_retire", "trust_remove"})
PACKAGE_ACTIONS = frozenset({"receive", "return_package", "accept_package", "export_package"})
USER_ACTIONS = frozenset({"user_add", "user_role", "user_passwd", "rehash"})
REGISTER_ACTIONS = TRUST_ACTIONS | PACKAGE_ACTIONS | USER_ACTIONS | {"region_tree"}
# (the app writes exactly 16 digits, and the chain fixes a row's why: {16,17} reads the same rows — equivalent)
_CREDENTIAL = re.compile(r"credential (.*):([0-9a-f]{16})$")  # pragma: no mutate


def _json(text):
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _digest(name: str, salt: bytes, digest: bytes, n: int, r: int, p: int) -> str:
    """The first 16 hex digits of SHA-256 over a user's name, cost, salt and stored hash."""
    h = hashlib.sha256(f"{name}\x00{n}:{r}:{p}\x00".encode("utf-8") + bytes(salt) + b"\x00" + bytes(digest))
    return h.hexdigest()[:16]


def credential(name: str, salt: bytes, digest: bytes, n: int, r: int, p: int) -> str:
    """What a user row's audit row says of the stored password (its ``why``, after any reason):
    ``credential NAME:<16 hex>`` (:func:`_digest`) — never the password or the hash."""
    return f"credential {name}:{_digest(name, salt, digest, n, r, p)}"


def compare(add, kind: str, want: dict, held, place) -> None:
    """Name each difference between what the trail made (``want``: key -> record, emptied here) and what a
    table holds (``held``: (key, record) rows); ``place(key)`` -> (region, indicator, period)."""
    for key, got in held:
        exp = want.pop(key, None)
        if exp != got:
            add(kind, *place(key), exp, got, ledger=kind)
    for key, exp in want.items():
        if exp is not None:
            add(kind, *place(key), exp, None, ledger=kind)


def replay_registers(db, rows: list[tuple], add, have: set) -> None:
    """Replay the registers' trail rows ``(id, action, region, indicator, period, old, new, why)``."""
    if "users" in have:
        replay_users(db, [r for r in rows if r[1] in USER_ACTIONS], add)
    if "regions" in have:
        replay_tree(db, [r for r in rows if r[1] == "region_tree"], add)
    if "trusted_keys" in have:
        replay_trust(db, [r for r in rows if r[1] in TRUST_ACTIONS], add)
    if "packages_received" in have:
        replay_received(db, [r for r in rows if r[1] in PACKAGE_ACTIONS], add)
    if "packages_sent" in have:
        replay_sent(db, [r for r in rows if r[1] == "export_package"], add)


def trust_why(name: str | None, regions) -> str:
    """A ``trust_add`` row's why: the key's name and the regions confirmed for it (read back by
    :func:`_trust_regions`)."""
    return f"{name or ''} regions {','.join(regions)}".strip()


def _trust_regions(why):
    """The regions a ``trust_add`` row confirmed (its why: ``"<name> regions 320100,320200"``); None for a
    key trusted before regions were recorded (its why: the name alone)."""
    text = " " + (why or "")
    if " regions " not in text:
        return None
    return [c for c in text.rsplit(" regions ", 1)[1].split(",") if c]


def replay_trust(db, rows: list[tuple], add) -> None:
    """The trusted keys as the trail made them, compared with ``trusted_keys``: a key added, widened to
    other regions, made active again or swapped for another public key behind the app is a difference
    (receiving rests on this table: a scope widened here would let a sender's package in)."""
    import base64
    import binascii

    keys: dict[str, dict] = {}
    for rid, action, region, _indicator, _period, old, new, why in rows:
        if action == "trust_add" and new:
            keys[new] = {"office": region, "regions": _trust_regions(why), "active": True, "replaced_by": None}
        elif action == "trust_scope" and why in keys:
            k = keys[why]
            if k["regions"] != _json(old):
                add("trusted_key_history", region, f"key:{why}", None, k["regions"], _json(old), rid,
                    ledger="trusted_key")
            k.update(regions=_json(new), active=True, replaced_by=None)
        elif action == "trust_retire" and old in keys:
            keys[old].update(active=False, replaced_by=new)
        elif action == "trust_remove":
            keys.pop(old, None)
    for fp, office, regions, retired, replaced, public in db.execute(
            "select fingerprint, office_id, regions, retired_at, replaced_by, public_key from trusted_keys"):
        held = {"office": office, "regions": _json(regions), "active": retired is None, "replaced_by": replaced}
        want = keys.pop(fp, None)
        if want != held:
            add("trusted_key", office, f"key:{fp}", None, want, held, ledger="trusted_key")
        try:
            raw = base64.b64decode(str(public), validate=True)
        except (binascii.Error, ValueError):
            raw = str(public).encode()
        if hashlib.sha256(raw).hexdigest() != fp:
            add("trusted_key", office, f"key:{fp}", None, fp, hashlib.sha256(raw).hexdigest(), ledger="trusted_key")
    for fp, want in keys.items():
        add("trusted_key", want["office"], f"key:{fp}", None, want, None, ledger="trusted_key")


def received_why(file, seq, sender, name: str | None = None) -> str:
    """A package's receive row's why: file, version, sender and the sender's name (an early ipdesk wrote
    it without the name; :func:`replay_received` reads both)."""
    return f"{file} v{seq} from {sender} {name or ''}".rstrip()


RECORDED_LATE = " (recorded after an interrupted export)"     # a sent package's row written at the next start


def replay_received(db, rows: list[tuple], add) -> None:
    """The packages received as the trail recorded them, compared with ``packages_received``."""
    want: dict[str, dict] = {}
    for _rid, action, region, indicator, period, _old, new, why in rows:
        if action == "receive" and indicator is None and new:
            want[new] = {"region": region, "year": period, "state": "received", "why": why}
        elif action == "return_package":              # (a package the trail never received: nothing to mark)
            want.get(new, {})["state"] = "returned"
        elif action == "accept_package":
            want.get(why, {})["state"] = "accepted"
    for digest, region, year, state, seq, sender, file, manifest in db.execute(
            "select hash, region, year, state, seq, sender_id, file, manifest from packages_received"):
        exp = want.pop(digest, None)
        m = _json(manifest)
        m = m if isinstance(m, dict) else {}
        sent = (m.get("sender") or {}).get("office_id") if isinstance(m.get("sender"), dict) else None
        held = {"region": region, "year": str(year), "state": state, "seq": seq, "sender": sender}
        if exp is None:
            add("package_received", region, f"package:{digest}", str(year), None, held, ledger="package_received")
            continue
        base = received_why(file, seq, sender)
        said = {"region": m.get("region"), "year": str(m.get("year")), "seq": m.get("seq"), "sender": sent}
        if (exp["region"], exp["year"], exp["state"]) != (region, str(year), state) or not (
                exp["why"] == base or str(exp["why"]).startswith(base + " ")) or said != {
                k: held[k] for k in ("region", "year", "seq", "sender")}:
            add("package_received", region, f"package:{digest}", str(year),
                {"region": exp["region"], "year": exp["year"], "state": exp["state"], "row": exp["why"]},
                {**held, "file": file}, ledger="package_received")
    for digest, exp in want.items():
        add("package_received", exp["region"], f"package:{digest}", exp["year"],
            {"region": exp["region"], "year": exp["year"], "state": exp["state"], "row": exp["why"]}, None,
            ledger="package_received")


def replay_sent(db, rows: list[tuple], add) -> None:
    """The packages sent as the trail recorded them (region, year, the head each follows, its file),
    compared with ``packages_sent``."""
    want = {new: {"region": region, "year": period, "previous": old, "file": str(why or "").removesuffix(RECORDED_LATE)}
            for _rid, _action, region, _indicator, period, old, new, why in rows if new}
    for digest, region, year, prev, file in db.execute(
            "select hash, region, year, prev_hash, file from packages_sent"):
        exp = want.pop(digest, None)
        held = {"region": region, "year": str(year), "previous": prev, "file": file}
        if exp != held:
            add("package_sent", region, f"package:{digest}", str(year), exp, held, ledger="package_sent")
    for digest, exp in want.items():
        add("package_sent", exp["region"], f"package:{digest}", exp["year"], exp, None, ledger="package_sent")



def replay_users(db, rows: list[tuple], add) -> None:
    """The users as the trail made them (name, role, the stored password's digest where recorded),
    compared with ``users``."""
    users: dict[str, dict] = {}

    def said(why):
        m = _CREDENTIAL.search(str(why or ""))
        return (m[1], m[2]) if m else (None, None)

    for _rid, action, _region, _indicator, _period, _old, new, why in rows:
        name, cred = said(why)
        if action in ("user_add", "user_role"):               # new: "NAME:ROLE" (a name may hold a colon)
            who, _, role = str(new).rpartition(":")
            u = users.setdefault(who, {"role": role, "credential": None})
            u["role"] = role
            if action == "user_add":
                u["credential"] = cred if name == who else None
        elif name is not None:                                 # user_passwd / rehash with the digest
            users.get(name, {})["credential"] = cred
        elif action == "user_passwd":                          # an early ipdesk: the name alone, no digest
            users.get(new, {})["credential"] = None
    for name, role, salt, digest, n, r, p in db.execute("select name, role, salt, hash, n, r, p from users"):
        want = users.pop(name, None)
        if want is None:
            add("user", None, f"user:{name}", None, None, {"role": role}, ledger="user")
            continue
        if want["role"] != role:
            add("user", None, f"user:{name}", None, {"role": want["role"]}, {"role": role}, ledger="user")
        if want["credential"] is not None:
            try:
                got = _digest(name, salt, digest, n, r, p)
            except (TypeError, ValueError):
                got = "?"
            if got != want["credential"]:
                add("user", None, f"user:{name}", None, {"password": want["credential"]}, {"password": got},
                    ledger="user")
    for name, want in users.items():
        add("user", None, f"user:{name}", None, {"role": want["role"]}, None, ledger="user")



def replay_tree(db, rows: list[tuple], add) -> None:
    """The regions' tree as the bundled one and the trail's ``region_tree`` rows made it, compared with
    ``regions`` (parent, level, validity)."""
    from .region_tree import bundled_tree, tree

    want = bundled_tree()
    for rid, _action, region, _indicator, _period, old, new, _why in rows:
        before, after = _json(old), _json(new)
        if want.get(region) != before:
            add("region_history", region, None, None, want.get(region), before, rid, ledger="region")
        if after is None:        # (the app never removes a region — import_regions adds or updates — so no row
            want.pop(region, None)   # pragma: no mutate  (has new None: equivalent; kept for a trail from elsewhere)
        else:
            want[region] = after
    compare(add, "region", want, tree(db).items(), lambda code: (code, None, None))
