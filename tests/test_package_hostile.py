"""Hostile and broken packages: each is rejected with one clear reason and nothing is written.

One real package is exported by a city office; the variants are made from its bytes —
names that escape the folder, links, duplicates, bombs, cut-off files, members added or
removed (and the manifest signed again, so the named check is the one that fires),
unknown versions, a missing signature, a signature by another key — and finally a bit
flipped at many offsets of the whole file.
"""
from __future__ import annotations

import io
import json
import shutil
import stat
import zipfile

import pytest

from app.models.db import meta_get, meta_set, open_store
from app.models.errors import IpdeskError
from app.services.package.format import (
    MAX_FILE_BYTES,
    PackageError,
    build_archive,
    manifest_bytes,
    read_archive,
    sha256,
)
from app.services.package.keys import office_key, trust_add
from app.services.package.receive import apply_receive, plan_receive, read_package, verify_file
from app.services.package.write import export_package


@pytest.fixture(autouse=True)
def _no_default_keys(tmp_path, monkeypatch):
    monkeypatch.setenv("IPDESK_KEYS_DIR", str(tmp_path / "default-keys"))


@pytest.fixture(scope="module")
def real(demo_file, tmp_path_factory):
    """A real city package, its sender's key, and a province store that trusts that key."""
    root = tmp_path_factory.mktemp("hostile")
    shutil.copy(demo_file, root / "city.sqlite")
    city = open_store(root / "city.sqlite")
    meta_set(city, "home_region", "320100")
    res = export_package(city, "320100", 2024, root / "out", key_dir=root / "city-keys")
    shutil.copy(demo_file, root / "province.sqlite")
    prov = open_store(root / "province.sqlite")
    meta_set(prov, "home_region", "320000")
    key = office_key(root / "city-keys")
    trust_add(prov, key.public, "320100", "南京")
    return {"raw": res.path.read_bytes(), "key": key, "other": office_key(root / "other-keys"), "province": prov,
            "root": root}


def members(raw: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def resign(raw: bytes, key, *, manifest=None, data=None, drop=(), add=(), list_added=True) -> bytes:
    """The package rebuilt in the canonical layout after a change, manifest signed by ``key``."""
    ms = dict(members(raw))
    m = json.loads(ms.pop("manifest.json"))
    ms.pop("manifest.sig")
    if data:
        d = json.loads(ms["data.json"])
        data(d)
        ms["data.json"] = json.dumps(d, ensure_ascii=False).encode()
    for name in drop:
        ms.pop(name)
    ms.update(dict(add))
    m["files"] = [{"name": n, "size": len(b), "sha256": sha256(b)} for n, b in ms.items()
                  if list_added or n not in dict(add)]
    if manifest:
        manifest(m)
    body = manifest_bytes(m)
    return build_archive([("manifest.json", body), ("manifest.sig", key.sign(body)), *ms.items()])


def zip_of(entries, compression=zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for info, data in entries:
            zf.writestr(info, data)
    return buf.getvalue()


def rejected(real, raw: bytes, code: str | None = None) -> IpdeskError:
    """Assert ``raw`` is refused by verify and by receive, with nothing written to the store."""
    prov = real["province"]
    before = (meta_get(prov, "audit_head"), prov.conn.total_changes)
    v = verify_file(prov, raw)
    assert not v.ok and v.reason and "\n" not in v.reason and v.code
    with pytest.raises(PackageError) as exc:
        apply_receive(prov, raw)
    assert (meta_get(prov, "audit_head"), prov.conn.total_changes) == before
    if code:
        assert exc.value.code == code == v.code, (exc.value.code, v.reason)
    return exc.value


def test_the_real_package_is_valid_and_canonical(real):
    v = verify_file(real["province"], real["raw"])
    assert v.ok and v.trusted and v.kind == "package"
    assert [n for n, _ in members(real["raw"])] == ["manifest.json", "manifest.sig", "data.json", "report.pdf",
                                                    "report.xlsx"]
    assert build_archive(members(real["raw"])) == real["raw"]
    assert resign(real["raw"], real["key"]) == real["raw"]         # the test helper rebuilds it exactly
    assert len(real["raw"]) < 5 * 2**20


@pytest.mark.parametrize("name", ["../data.json", "/data.json", "C:data.json", "..\\data.json", "a/../../x",
                                  "\\\\server\\share\\x"])
def test_names_that_escape_the_folder(real, name):
    raw = zip_of([(name, b"x"), *members(real["raw"])])
    assert "unsafe" in rejected(real, raw, "pkg_unsafe_name").message("en")


def test_a_name_with_a_nul_byte(real):
    ms = members(real["raw"])
    raw = build_archive([("data.json\x00.exe" if n == "data.json" else n, b) for n, b in ms])
    rejected(real, raw, "pkg_unsafe_name")


def test_symlink_member(real):
    info = zipfile.ZipInfo("report.pdf")
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    ms = [(n, b) for n, b in members(real["raw"]) if n != "report.pdf"]
    rejected(real, zip_of([*ms[:3], (info, b"/etc/passwd"), *ms[3:]]), "pkg_symlink")


def test_duplicate_entry(real):
    ms = members(real["raw"])
    with pytest.warns(UserWarning):
        raw = zip_of([*ms, ("data.json", ms[2][1])])
    rejected(real, raw, "pkg_duplicate")


def test_zip_bombs(real):
    # declared size above the limits
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("data.json", "w", force_zip64=True) as f:
            chunk = b"\0" * 2**20
            for _ in range(MAX_FILE_BYTES // 2**20 + 2):
                f.write(chunk)
    assert len(buf.getvalue()) < 2**20
    assert "bomb" in rejected(real, buf.getvalue(), "pkg_bomb").message("en")
    # small, but a compression ratio no document has
    rejected(real, zip_of([("data.json", b"\0" * 4 * 2**20)], zipfile.ZIP_DEFLATED), "pkg_bomb")
    # too many entries
    rejected(real, zip_of([(f"f{i}", b"") for i in range(2000)]), "pkg_too_many")


def test_compressed_members_are_not_ours(real):
    rejected(real, zip_of(members(real["raw"]), zipfile.ZIP_DEFLATED), "pkg_method")


@pytest.mark.parametrize("cut", [0, 1, 30, 100, 1000, -1, -22, -100, -5000, 0.5])
def test_truncated(real, cut):
    raw = real["raw"]
    n = int(len(raw) * cut) if isinstance(cut, float) else (cut if cut >= 0 else len(raw) + cut)
    rejected(real, raw[:n])


def test_extra_bytes_before_or_after(real):
    rejected(real, real["raw"] + b"\0", "pkg_not_canonical")
    rejected(real, real["raw"] + b"PK\x05\x06" + b"\0" * 18, None)
    rejected(real, b"MZ" + b"\0" * 62 + real["raw"], "pkg_not_canonical")


def test_rewritten_by_another_zip_writer(real):
    """Same members, same order, other headers (timestamps, attributes): the layout check fires."""
    rejected(real, zip_of(members(real["raw"])), "pkg_not_canonical")
    ms = members(real["raw"])
    rejected(real, build_archive([ms[0], ms[1], ms[3], ms[2], ms[4]]), "pkg_not_canonical")


def test_extra_file(real):
    rejected(real, resign(real["raw"], real["key"], add=[("readme.txt", b"hello")]), "pkg_extra")
    rejected(real, resign(real["raw"], real["key"], add=[("data/", b"")]), "pkg_extra")
    ms = members(real["raw"])
    rejected(real, build_archive([*ms, ("query.json", b"{}")]), "pkg_extra")


def test_missing_file(real):
    rejected(real, resign(real["raw"], real["key"], drop=["report.xlsx"]), "pkg_missing")
    ms = [(n, b) for n, b in members(real["raw"]) if n != "report.pdf"]
    rejected(real, build_archive(ms), "pkg_missing")
    rejected(real, build_archive([m for m in members(real["raw"]) if m[0] != "manifest.json"]), "pkg_missing")


def test_member_not_listed_in_the_manifest(real):
    def unlist(m):
        m["files"] = [f for f in m["files"] if f["name"] != "report.xlsx"]

    rejected(real, resign(real["raw"], real["key"], manifest=unlist), "pkg_hash")


def test_altered_member_with_consistent_headers(real):
    """data.json changed and the archive rebuilt (CRCs right), the manifest left as signed."""
    ms = members(real["raw"])
    d = json.loads(ms[2][1])
    d["values"][0]["value"] = str(int(float(d["values"][0]["value"])) + 1)
    ms[2] = ("data.json", json.dumps(d).encode())
    assert "data.json" in rejected(real, build_archive(ms), "pkg_hash").message("en")


def test_unknown_versions(real):
    def schema(d):
        d["schema"] = 99

    e = rejected(real, resign(real["raw"], real["key"], data=schema), "pkg_data_schema")
    assert "99" in e.message("en") and "update ipdesk" in e.message("en")

    def version(m):
        m["version"] = 2

    rejected(real, resign(real["raw"], real["key"], manifest=version), "pkg_version")


@pytest.mark.parametrize("change", ["region", "value", "outside", "period"])
def test_data_that_disagrees_with_the_manifest(real, change):
    def alter(d):
        if change == "region":
            d["region"] = "320200"
        elif change == "value":
            d["values"][0]["value"] = "1e5"
        elif change == "outside":
            d["values"][0]["region"] = "320000"
        else:
            d["values"][0]["period"] = "2019"

    rejected(real, resign(real["raw"], real["key"], data=alter), "pkg_data")


def test_no_signature(real):
    ms = [(n, b) for n, b in members(real["raw"]) if n != "manifest.sig"]
    assert "not signed" in rejected(real, build_archive(ms), "pkg_no_signature").message("en")


def test_signature_by_another_key_than_the_claimed_senders(real):
    # the manifest names the city's key but another key signed it
    ms = members(real["raw"])
    ms[1] = ("manifest.sig", real["other"].sign(ms[0][1]))
    rejected(real, build_archive(ms), "pkg_bad_signature")
    # a manifest re-signed by another key that names itself, claiming to be the city
    forged = resign(real["raw"], real["other"], manifest=lambda m: m["sender"].update(
        key=real["other"].public_b64, fingerprint=real["other"].fingerprint))
    assert read_package(forged)          # a well-formed, self-consistent package …
    e = rejected(real, forged, "pkg_key_mismatch")   # … by a key the province does not know for 320100
    assert real["other"].text in e.message("en")


def test_unknown_key_is_not_merged_until_trusted(real, demo_file, tmp_path):
    shutil.copy(demo_file, tmp_path / "nation.sqlite")
    nation = open_store(tmp_path / "nation.sqlite")
    meta_set(nation, "home_region", "100000")
    v = verify_file(nation, real["raw"])
    assert v.ok and not v.trusted and v.trust == "unknown"
    plan = plan_receive(nation, real["raw"])
    assert plan.refusal.code == "pkg_untrusted" and real["key"].text in plan.refusal.message("en")
    with pytest.raises(PackageError):
        apply_receive(nation, real["raw"])
    assert not nation.execute("select count(*) from packages_received").fetchone()[0]
    trust_add(nation, real["key"].public, "320100")
    assert not apply_receive(nation, real["raw"]).noop


def test_a_key_may_only_send_its_own_region(real):
    """The city's key, trusted for 320200, signing a package of 320100: refused."""
    prov = real["province"]
    forged = resign(real["raw"], real["other"], manifest=lambda m: m["sender"].update(
        office_id="320200", key=real["other"].public_b64, fingerprint=real["other"].fingerprint))
    trust_add(prov, real["other"].public, "320200")
    try:
        plan = plan_receive(prov, forged)
        assert plan.refusal.code == "pkg_outside"
    finally:
        from app.services.package.keys import trust_remove

        trust_remove(prov, real["other"].fingerprint)


def test_too_large_or_not_a_zip(real, tmp_path):
    big = tmp_path / "big.ipdx"
    with open(big, "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)
    assert verify_file(real["province"], big).code == "pkg_too_large"
    assert verify_file(real["province"], b"").code == "pkg_not_zip"
    assert verify_file(real["province"], b"%PDF-1.4 not a package").code == "pkg_not_zip"
    assert verify_file(real["province"], tmp_path / "missing.ipdx").code == "pkg_unreadable"
    with pytest.raises(PackageError) as exc:
        read_archive(real["raw"], kind="query")
    assert exc.value.code == "pkg_kind"


def test_every_flipped_bit_is_caught(real):
    """A bit flipped every 97th byte and in the first and last 64 bytes: every variant refused,
    none crashes, nothing is written; the unaltered package is then received."""
    raw = real["raw"]
    offsets = set(range(0, len(raw), 97)) | set(range(64)) | set(range(len(raw) - 64, len(raw)))
    # and every byte that is not member content: local headers, central directory, end record —
    # where a reader might not look (timestamps, attributes, versions, offsets)
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        infos = zf.infolist()
        cd_start = zf.start_dir
    for i in infos:
        offsets |= set(range(i.header_offset, i.header_offset + 30 + len(i.filename)))
    offsets = sorted(offsets | set(range(cd_start, len(raw))))
    assert len(offsets) > 1000
    prov = real["province"]
    before = (meta_get(prov, "audit_head"), prov.conn.total_changes)
    codes: dict[str, int] = {}
    for k, off in enumerate(offsets):
        flipped = bytearray(raw)
        flipped[off] ^= 1 << (k % 8)
        with pytest.raises(PackageError) as exc:
            apply_receive(prov, bytes(flipped))
        assert exc.value.message("en") and exc.value.message("zh")
        codes[exc.value.code] = codes.get(exc.value.code, 0) + 1
    assert (meta_get(prov, "audit_head"), prov.conn.total_changes) == before
    assert {"pkg_damaged", "pkg_not_canonical"} <= set(codes), codes      # CRC of a member; headers
    assert plan_receive(prov, raw).can_apply
