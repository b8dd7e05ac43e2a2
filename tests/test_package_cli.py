"""The package verbs as scripts use them: output, ``--json`` shapes, exit codes (0 done,
1 not valid / cannot be applied, 2 error with one line on stderr and nothing written)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from app.cli import main


@pytest.fixture
def offices(demo_file, tmp_path, monkeypatch):
    monkeypatch.setenv("IPDESK_LANG", "en")
    monkeypatch.setenv("IPDESK_USER", "cli-tester")
    out = {}
    for name, home in (("city", "320100"), ("province", "320000")):
        d = tmp_path / name
        d.mkdir()
        shutil.copy(demo_file, d / "store.sqlite")
        out[name] = {"db": str(d / "store.sqlite"), "keys": str(d / "keys"), "out": d / "out", "home": home}
    return out


def run(office, *args, capsys, monkeypatch):
    monkeypatch.setenv("IPDESK_KEYS_DIR", office["keys"])
    rc = main([*args, "--db", office["db"]])
    out, err = capsys.readouterr()
    return rc, out, err


def test_export_verify_trust_receive_inbox(offices, capsys, monkeypatch):
    city, prov = offices["city"], offices["province"]

    def ipdesk(office, *args):
        return run(office, *args, capsys=capsys, monkeypatch=monkeypatch)

    rc, out, _ = ipdesk(city, "office", "--id", "320100", "--name", "南京市知识产权局", "--json")
    me = json.loads(out)[0]
    assert rc == 0 and me["office_id"] == "320100" and len(me["key_fingerprint"]) == 64
    rc, out, _ = ipdesk(prov, "office", "--id", "320000", "--json")
    prov_key = json.loads(out)[0]["key_fingerprint_text"]
    assert rc == 0
    monkeypatch.setenv("IPDESK_KEYS_DIR", city["keys"])
    from app.models.db import meta_set, open_store

    for o in offices.values():        # the receiving office's own region is never overwritten
        db = open_store(o["db"])
        meta_set(db, "home_region", o["home"])
        db.close()

    rc, out, err = ipdesk(city, "export", "--region", "320100", "--year", "2024", "-o", str(city["out"]), "--json")
    assert rc == 0, err
    res = json.loads(out)[0]
    pkg = city["out"] / "320100_2024_v1.ipdx"
    assert res["file"] == str(pkg) and res["seq"] == 1 and res["key_fingerprint_text"] == me["key_fingerprint_text"]
    assert {p.name for p in city["out"].iterdir()} == {"320100_2024_v1.ipdx", "320100_2024_v1.pdf",
                                                       "320100_2024_v1.xlsx"}

    rc, out, err = ipdesk(prov, "verify", str(pkg))
    assert rc == 0 and "valid package" in out and me["key_fingerprint_text"] in out and "NOT trusted" in out
    rc, out, _ = ipdesk(prov, "verify", str(pkg), "--json")
    assert json.loads(out)[0]["ok"] is True and json.loads(out)[0]["trusted"] is False

    rc, out, err = ipdesk(prov, "receive", str(pkg))
    assert rc == 1 and "cannot be applied" in out and "not trusted" in out
    rc, out, err = ipdesk(prov, "receive", str(pkg), "--apply")
    assert rc == 2 and out == "" and err.count("\n") == 1 and "not trusted" in err

    rc, out, err = ipdesk(prov, "trust", "add", str(pkg), "--fingerprint", "0000-0000-0000-0000-0000")
    assert rc == 2 and err.count("\n") == 1 and "do not trust" in err
    # the whole printed fingerprint, never a prefix (14 of 24 characters) and never none at all
    rc, out, err = ipdesk(prov, "trust", "add", str(pkg), "--fingerprint", me["key_fingerprint_text"][:14])
    assert rc == 2 and err.count("\n") == 1 and "whole fingerprint" in err
    rc, out, err = ipdesk(prov, "trust", "add", str(pkg))
    assert rc == 2 and "whole fingerprint" in err
    rc, out, _ = ipdesk(prov, "trust", "list", "--json")
    assert json.loads(out) == []
    rc, out, err = ipdesk(prov, "trust", "add", str(pkg), "--fingerprint", me["key_fingerprint_text"].lower())
    assert rc == 0 and "trusted" in out and "(320100)" in out
    rc, out, _ = ipdesk(prov, "trust", "list", "--json")
    assert [(k["office_id"], k["fingerprint"]) for k in json.loads(out)] == [("320100", me["key_fingerprint"])]

    rc, out, _ = ipdesk(prov, "receive", str(pkg))
    assert rc == 0 and "dry run" in out and "unchanged 22" in out
    rc, out, _ = ipdesk(prov, "receive", str(pkg), "--apply")
    assert rc == 0 and out.startswith("received 320100_2024_v1.ipdx")
    rc, out, _ = ipdesk(prov, "receive", str(pkg), "--apply")
    assert rc == 0 and "received already" in out

    rc, out, _ = ipdesk(prov, "inbox", "--year", "2024", "--json")
    board = json.loads(out)[0]
    assert board["region"] == "320000" and board["sent"] == 1 and board["missing"] == 12
    assert board["rows"][0]["state"] == "received" and board["packages"][0]["seq"] == 1
    assert {"deadline", "days_left", "rows", "packages"} <= set(board)
    rc, out, _ = ipdesk(prov, "inbox", "--year", "2024")
    assert rc == 0 and "1/13 sent" in out and "not sent" in out

    # questions back down, answers back up
    rc, out, err = ipdesk(prov, "query", str(pkg), "-q", "yoy", "INV_GRANTS", "2024", "请核实", "-q", "-",
                          "PLEDGE_SMES", "2024", "口径？", "-o", str(prov["out"]), "--json")
    assert rc == 0, err
    q = json.loads(out)[0]
    assert q["path"].endswith("320100_2024_v1_q1.ipdq") and len(q["ids"]) == 2
    rc, out, err = ipdesk(city, "questions", "--import", q["path"])
    assert rc == 2 and "not trusted" in err
    assert ipdesk(city, "trust", "add", q["path"], "--fingerprint", prov_key)[0] == 0
    rc, out, _ = ipdesk(city, "questions", "--import", q["path"])
    assert rc == 0 and "2 question(s) imported" in out and "请核实" in out
    rc, out, _ = ipdesk(city, "questions", "--open", "--json")
    ids = {r["indicator"]: r["id"] for r in json.loads(out)}
    fixed = int(next(r["value"] for r in json.loads(out) if r["indicator"] == "INV_GRANTS")) - 50
    rc, out, err = ipdesk(city, "answer", ids["INV_GRANTS"], "已核实", "--value", f"{fixed:,}")
    assert rc == 0 and "export the package again" in out
    assert ipdesk(city, "answer", "nope", "x")[0] == 2
    rc, out, err = ipdesk(city, "export", "--region", "320100", "--year", "2024", "-o", str(city["out"]))
    assert rc == 0 and "320100_2024_v2.ipdx" in out
    rc, out, _ = ipdesk(prov, "receive", str(city["out"] / "320100_2024_v2.ipdx"))
    assert "audit history" not in out         # the city's history continues the one v1 showed
    assert "answer" in out and "已核实" in out and "changed\t320100\tINV_GRANTS\t2024" in out
    assert ipdesk(prov, "receive", str(city["out"] / "320100_2024_v2.ipdx"), "--apply")[0] == 0
    rc, out, _ = ipdesk(prov, "questions", "--json")
    got = {r["indicator"]: r for r in json.loads(out)}
    assert got["INV_GRANTS"]["answer"] == "已核实" and got["INV_GRANTS"]["corrected"] == str(fixed)
    rc, out, _ = ipdesk(prov, "accept", q["package"][:12])
    assert rc == 0 and "accepted" in out

    # v1 again after v2
    rc, out, err = ipdesk(prov, "receive", str(pkg), "--apply")
    assert rc == 0 and "already" in out         # v1 itself was received: the same package is a no-op
    rc, out, err = ipdesk(prov, "trust", "remove", me["key_fingerprint_text"][:9])
    assert rc == 0 and "no longer trusted" in out


def test_errors_are_one_line_and_exit_2(offices, capsys, monkeypatch, tmp_path):
    prov = offices["province"]

    def ipdesk(*args):
        return run(prov, *args, capsys=capsys, monkeypatch=monkeypatch)

    rc, out, err = ipdesk("receive", str(tmp_path / "missing.ipdx"))
    assert rc == 2 and err.count("\n") == 1 and "cannot read" in err
    rc, out, err = ipdesk("export", "--region", "320000", "--year", "2024", "-o", str(tmp_path / "o"))
    assert rc == 2 and err.count("\n") == 1 and "explanation" in err and not (tmp_path / "o").exists()
    rc, out, err = ipdesk("trust", "remove", "ABCD")
    assert rc == 2 and "no trusted key" in err
    rc, out, err = ipdesk("query", "deadbeef00", "-q", "-", "INV_GRANTS", "2024", "x", "-o", str(tmp_path))
    assert rc == 2 and "no received package" in err


def test_verify_exit_codes_in_a_real_process(offices, tmp_path):
    """``python -m app verify``: 1 and one line on stderr for a broken file."""
    bad = tmp_path / "320100_2024_v1.ipdx"
    bad.write_bytes(b"PK\x03\x04" + b"\0" * 100)
    env = dict(os.environ, IPDESK_DB=offices["province"]["db"], IPDESK_LANG="en",
               IPDESK_KEYS_DIR=str(tmp_path / "keys"))
    r = subprocess.run([sys.executable, "-m", "app", "verify", str(bad)], env=env, capture_output=True, text=True,
                       encoding="utf-8", timeout=120)
    assert r.returncode == 1 and r.stdout == "" and r.stderr.count("\n") == 1
    assert r.stderr.startswith("ipdesk verify: 320100_2024_v1.ipdx: not an ipdesk package")
