"""``ipdesk demo`` never writes over values it did not write, unless forced — and then without
the replaced values' notes. (Seen: a second run reverted a typed 6400 to the demo's figure, as
"demo data", and kept the clerk's note on it.)"""
from __future__ import annotations

from app.cli import main
from app.models import audit
from app.models.db import meta_get, open_store
from app.models.values import set_text
from app.services.demo import make_demo, values_not_from_demo

KEY = ("320100", "INV_GRANTS", "2024")


def _row(db, key=KEY):
    return db.execute('select value, note, source, updated_by from "values" where region=? and indicator=? and period=?',
                      list(key)).fetchone()


def _snapshot(db):
    return (meta_get(db, "audit_head"), db.execute("select count(*) from audit").fetchone()[0],
            db.execute('select * from "values" order by region, indicator, period').fetchall(),
            db.execute("select * from region_years order by region, year").fetchall())


def test_demo_again_on_a_demo_store_is_allowed(store, capsys):
    db = open_store(store)
    assert values_not_from_demo(db) == 0
    before = db.execute('select * from "values" order by region, indicator, period').fetchall()
    assert main(["demo", "--db", str(store)]) == 0
    assert db.execute('select * from "values" order by region, indicator, period').fetchall() == before


def test_demo_over_a_typed_value_is_refused_and_changes_nothing(store, capsys):
    db = open_store(store)
    demo_value = _row(db)[0]
    set_text(db, *KEY, "6400", note="含补报 12 件", why="订正")
    assert values_not_from_demo(db) == 1          # one typed value: the threshold's refusing side
    before = _snapshot(db)
    capsys.readouterr()
    assert main(["demo", "--db", str(store)]) == 2
    err = capsys.readouterr().err
    assert "1 个数值不是示例数据" in err and "--force" in err and "未写入任何示例数据" in err
    assert _snapshot(db) == before
    assert _row(db)[:2] == ("6400", "含补报 12 件") and demo_value != "6400"
    assert main(["--lang", "en", "demo", "--db", str(store)]) == 2
    assert "1 value(s) the demo did not write" in capsys.readouterr().err


def test_values_received_or_imported_count_as_not_the_demos(empty_db):
    make_demo(empty_db)
    assert values_not_from_demo(empty_db) == 0
    # a value written under the demo's source by someone else is still someone else's
    set_text(empty_db, "320200", "INV_GRANTS", "2024", "5", source="示例数据 demo", who="clerk")
    # … and one the demo's user wrote with another source
    set_text(empty_db, "320300", "INV_GRANTS", "2024", "5", source="统计年鉴", who="demo")
    assert values_not_from_demo(empty_db) == 2


def test_force_writes_over_and_clears_the_replaced_notes(store, capsys):
    db = open_store(store)
    demo_value = _row(db)[0]
    set_text(db, *KEY, "6400", note="含补报 12 件", why="订正")
    same = ("320200", "INV_GRANTS", "2024")            # typed again with the demo's very figure, and a note
    set_text(db, *same, _row(db, same)[0], note="已核对", why="核对")
    assert main(["demo", "--db", str(store), "--force"]) == 0
    value, note, source, who = _row(db)
    assert (value, who, source) == (demo_value, "demo", "示例数据 demo") and not note
    last = audit.history(db, *KEY)[-1]
    assert last["why"] == "demo data" and audit.decode(last["old"]) == {"v": "6400", "note": "含补报 12 件",
                                                                         "src": "示例数据 demo"}
    # a value the demo did not change keeps its note (it still describes that value)
    assert _row(db, same)[1] == "已核对"
    assert audit.verify(db).ok


def test_demo_help_documents_force(capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    assert "--force" in capsys.readouterr().out
