"""The package round in the window: a city exports a signed package from the Export dialog;
the province's window verifies it, is refused until the sender's key is trusted by its
fingerprint, shows the dry-run diff, receives it, and the board shows the city as sent."""
import shutil

import pytest

pytest.importorskip("PySide6")
from PySide6.QtCore import Qt  # noqa: E402
from app.models.db import meta_set, open_store  # noqa: E402
from app.models.values import get_values, set_text  # noqa: E402


def test_export_package_then_receive_it_in_another_office(qtbot, demo_file, tmp_path, monkeypatch):
    from app.ui import i18n
    from app.ui.main import make_app
    from app.ui.main_window import MainWindow

    make_app()
    i18n.set_language("zh")
    # the city office: its own store and key
    monkeypatch.setenv("IPDESK_KEYS_DIR", str(tmp_path / "city-keys"))
    city_store = tmp_path / "city.sqlite"
    shutil.copy(demo_file, city_store)
    city_db = open_store(city_store)
    meta_set(city_db, "home_region", "320100")
    set_text(city_db, "320100", "INV_GRANTS", "2024", "19,999", note="补报")
    city = MainWindow(city_db, region="320100", year=2024)
    qtbot.addWidget(city)
    city.show()
    city.export()
    dlg = city.export_dialog
    dlg.folder.setText(str(tmp_path / "stick"))
    dlg.package.setChecked(True)
    dlg.start()
    qtbot.waitUntil(lambda: dlg.result is not None or "✕" in dlg.result_label.text(), timeout=30000)
    pkg = dlg.package_result.path
    assert pkg.name == "320100_2024_v1.ipdx" and pkg.exists()
    assert "v1" in dlg.result_label.text() or "1" in dlg.result_label.text()
    city_key = dlg.package_result.key_fingerprint
    city.close()

    # the province office: another store, another key
    monkeypatch.setenv("IPDESK_KEYS_DIR", str(tmp_path / "province-keys"))
    prov_store = tmp_path / "province.sqlite"
    shutil.copy(demo_file, prov_store)
    prov_db = open_store(prov_store)
    meta_set(prov_db, "home_region", "320000")
    prov = MainWindow(prov_db, region="320000", year=2024)
    qtbot.addWidget(prov)
    prov.show()
    recv = prov.open_file(str(pkg))                      # what double-clicking the .ipdx does
    assert prov.tabs.currentIndex() == 3
    shown = {(recv.diffs.item(r, 0).text(), recv.diffs.item(r, 5).text(), recv.diffs.item(r, 5).data(Qt.UserRole))
             for r in range(recv.diffs.rowCount())}
    assert any(new == "19,999" and stored == "19999" for _region, new, stored in shown)   # grouped, as the grid shows
    assert not recv.apply_button.isEnabled()             # unknown sender: not merged yet
    assert "未知" in recv.header.text() or "UNKNOWN" in recv.header.text()
    recv.expect.setText("0000-0000-0000-0000-0000")      # a wrong fingerprint read out on the phone
    recv.trust()
    assert not recv.apply_button.isEnabled() and "✕" in recv.summary.text()
    from app.services.package.keys import fingerprint_text
    recv.expect.setText(fingerprint_text(city_key))
    recv.trust()
    assert recv.apply_button.isEnabled()
    before = get_values(prov_db)[("320100", "INV_GRANTS", "2024")]
    recv.apply()
    assert recv.result is not None and not recv.result.noop
    assert str(get_values(prov_db)[("320100", "INV_GRANTS", "2024")]) == "19999" != str(before)
    row = prov_db.execute("select package from \"values\" where region='320100' and indicator='INV_GRANTS' and period='2024'").fetchone()
    assert row[0]                                         # the value remembers its package
    recv.close()
    # the province sums itself up from its cities: the received figure is in the province total
    from decimal import Decimal
    v = get_values(prov_db)
    expected = sum(v[(c, "INV_GRANTS", "2024")] for c, in prov_db.execute("select code from regions where parent='320000'"))
    own = get_values(prov_db)[("320000", "INV_GRANTS", "2024")]
    agg = prov.inbox.aggregate()                          # the dry run first, in a dialog
    # eight cities are still drafts in 2024: the review service refuses the sums, the dialog says why
    assert not agg.apply_button.isEnabled() and "徐州市仍为“草稿”" in agg.summary.text()
    agg.close()
    from app.models import review
    review.override(prov_db, "320000", 2024, user="demo-head", password="demo1234", why="先行汇总已报送城市")
    agg = prov.inbox.aggregate()
    listed = {agg.table.item(r, 0).data(Qt.UserRole): agg.table.item(r, 1).data(Qt.UserRole)
              for r in range(agg.table.rowCount())}
    assert listed == {"INV_GRANTS": "conflict", "TM_REGISTRATIONS": "conflict"}     # the province's own figures
    assert agg.table.item(0, 0).text() in ("发明专利授权量", "商标注册量") and agg.take_sums.isVisible()
    assert not agg.apply_button.isEnabled()               # nothing to write unless the sums are chosen
    assert get_values(prov_db)[("320000", "INV_GRANTS", "2024")] == own
    agg.take_sums.setChecked(True)
    assert agg.apply_button.isEnabled()
    agg.apply_button.click()
    assert agg.result.written == 2 and not agg.apply_button.isEnabled()
    assert get_values(prov_db)[("320000", "INV_GRANTS", "2024")] == Decimal(expected) != own
    agg.close()
    prov.inbox.load("320000", 2024)
    board = {prov.inbox.board.item(r, 0).text(): prov.inbox.board.item(r, 1).text()
             for r in range(prov.inbox.board.rowCount())}
    assert board["南京市"].startswith("✔") and board["无锡市"].startswith("✕")
    assert prov.inbox.received.rowCount() == 1
    # the same package again is a no-op
    again = prov.inbox.open_package(str(pkg))
    assert not again.apply_button.isEnabled() and ("已接收" in again.summary.text() or "already" in again.summary.text())
    again.close()

    # the province asks a question back down, as a signed .ipdq
    prov.inbox.received.setCurrentCell(0, 0)
    ask = prov.inbox.ask()
    ask.region.setCurrentIndex(ask.region.findData("320100"))
    ask.indicator.setCurrentIndex(ask.indicator.findData("INV_GRANTS"))
    ask.text.setText("2024年授权量增幅较大，请说明")
    ask.add()
    query = ask.save(str(tmp_path / "back"))
    from app.services.package.keys import existing_key
    prov_key = existing_key().fingerprint
    assert query is not None and query.path.suffix == ".ipdq"
    ask.close()
    prov.close()

    # the city opens the question file, sees the value beside it, corrects and answers
    monkeypatch.setenv("IPDESK_KEYS_DIR", str(tmp_path / "city-keys"))
    city = MainWindow(city_db, region="320100", year=2024)
    qtbot.addWidget(city)
    city.show()
    prompt = city.open_file(str(query.path))               # the province's key is not trusted here yet
    assert prompt.objectName() == "trustPrompt"
    prompt.expect.setText(fingerprint_text(prov_key))
    prompt.trust()
    ans = prompt.result_
    assert ans.table.rowCount() == 1 and ans.table.item(0, 3).text() == "19999"
    assert "请说明" in ans.table.item(0, 4).text()
    ans.answer_text.setText("补报了12月数据")
    ans.corrected.setText("19,990")
    ans.save_answer()
    assert str(get_values(city_db)[("320100", "INV_GRANTS", "2024")]) == "19990"
    assert ans.table.item(0, 5).text() == "补报了12月数据"
    last = city_db.execute("select action, why from audit where indicator='INV_GRANTS' and region='320100'"
                           " order by id desc limit 1").fetchone()
    assert last[1] == f"query {ans.rows[0].id}"               # the correction is audited, naming the question
    ans.close()
    city.close()


def test_receive_dialog_shows_own_changes_as_conflicts_and_needs_a_choice(qtbot, demo_file, tmp_path, monkeypatch):
    """The province received v1, then corrected the city's figure itself; v2 does not carry the
    correction. The window lists it first as a conflict and writes nothing until a choice is made."""
    from app.services.package.receive import apply_receive
    from app.ui import i18n
    from app.ui.main import make_app
    from app.ui.main_window import MainWindow
    from tests.test_package_roundtrip import Office

    monkeypatch.setenv("IPDESK_KEYS_DIR", str(tmp_path / "default-keys"))
    city = Office(tmp_path, "city", "320100", demo_file)
    prov = Office(tmp_path, "province", "320000", demo_file)
    prov.trust(city, "320100")
    apply_receive(prov.db, city.export("320100", 2024).path)
    theirs = get_values(prov.db)[("320100", "INV_GRANTS", "2024")]
    set_text(prov.db, "320100", "INV_GRANTS", "2024", str(theirs + 500), note="省局订正", who="省局张三")
    smes = get_values(city.db)[("320100", "PLEDGE_SMES", "2024")] + 2
    set_text(city.db, "320100", "PLEDGE_SMES", "2024", str(smes))
    v2 = city.export("320100", 2024).path

    make_app()
    i18n.set_language("zh")
    monkeypatch.setenv("IPDESK_KEYS_DIR", str(prov.keys))
    w = MainWindow(prov.db, region="320000", year=2024)
    qtbot.addWidget(w)
    w.show()
    dlg = w.open_file(str(v2))
    assert dlg.conflict_box.isVisible() and "1" in dlg.conflict_label.text()
    first = [dlg.diffs.item(0, j).text() for j in range(6)]
    assert first[:2] == ["南京市", "发明专利授权量"] and "省局张三" in first[3] and first[4] == f"{theirs + 500:,}"
    assert dlg.diffs.item(1, 1).text() == "知识产权质押融资惠及中小企业数量"     # the sender's own change: no choice
    assert dlg.diffs.cellWidget(1, 6) is None
    assert not dlg.apply_button.isEnabled()               # no choice yet
    head = prov.db.execute("select count(*) from audit").fetchone()[0]
    dlg.apply()                                           # even if called: refused, nothing written
    assert "✕" in dlg.summary.text() and "南京市 发明专利授权量 2024" in dlg.summary.text()
    assert prov.db.execute("select count(*) from audit").fetchone()[0] == head
    combo = dlg.diffs.cellWidget(0, 6)
    combo.setCurrentIndex(combo.findData("mine"))
    assert dlg.apply_button.isEnabled()
    dlg.apply_button.click()
    assert dlg.result is not None and dlg.result.counts["kept_mine"] == 1
    v = get_values(prov.db)
    assert v[("320100", "INV_GRANTS", "2024")] == theirs + 500 and v[("320100", "PLEDGE_SMES", "2024")] == smes
    dlg.close()
    w.close()


def test_receive_dialog_take_theirs_for_all(qtbot, demo_file, tmp_path, monkeypatch):
    from app.services.package.receive import apply_receive
    from app.ui import i18n
    from app.ui.main import make_app
    from app.ui.main_window import MainWindow
    from tests.test_package_roundtrip import Office

    monkeypatch.setenv("IPDESK_KEYS_DIR", str(tmp_path / "default-keys"))
    city = Office(tmp_path, "city", "320100", demo_file)
    prov = Office(tmp_path, "province", "320000", demo_file)
    prov.trust(city, "320100")
    apply_receive(prov.db, city.export("320100", 2024).path)
    theirs = get_values(prov.db)[("320100", "INV_GRANTS", "2024")]
    set_text(prov.db, "320100", "INV_GRANTS", "2024", str(theirs + 500))
    set_text(city.db, "320100", "PLEDGE_SMES", "2024", str(get_values(city.db)[("320100", "PLEDGE_SMES", "2024")] + 2))
    v2 = city.export("320100", 2024).path
    make_app()
    i18n.set_language("zh")
    monkeypatch.setenv("IPDESK_KEYS_DIR", str(prov.keys))
    w = MainWindow(prov.db, region="320000", year=2024)
    qtbot.addWidget(w)
    w.show()
    dlg = w.open_file(str(v2))
    dlg.take_all_button.click()
    assert dlg.chosen() == {("320100", "INV_GRANTS", "2024"): "theirs"} and dlg.apply_button.isEnabled()
    dlg.apply_button.click()
    assert get_values(prov.db)[("320100", "INV_GRANTS", "2024")] == theirs
    dlg.close()
    w.close()
