"""The region tree: bundled divisions, reporting units without a code, yearly changes."""
import pytest

from app.models import catalogue
from app.models.findings import check
from app.models.errors import InputError, NotFoundError
from app.models.reference import import_regions
from app.models.values import Change, write_values


def test_bundled_tree_is_consistent(empty_db):
    regs = catalogue.regions(empty_db)
    assert regs["100000"].parent is None and regs["100000"].name_zh == "全国"
    assert all(r.parent in regs for r in regs.values() if r.parent)
    assert regs["320100"].name_en == "Nanjing" and regs["320100"].level == "prefecture"
    # municipalities hold their districts directly; Dongguan has no county level
    assert {regs[c].parent for c in catalogue.children(empty_db, "110000")} == {"110000"}
    assert len(catalogue.children(empty_db, "110000")) == 16
    assert catalogue.children(empty_db, "441900") == []
    assert len(catalogue.children(empty_db, "440000")) == 21
    assert empty_db.execute("select value from meta where key='regions_snapshot'").fetchone()[0] == "2023-06-30"


def test_reporting_unit_without_a_division_code(empty_db):
    unit = catalogue.add_region(empty_db, "XJBT", "新疆生产建设兵团", parent="100000", level="unit",
                                name_en="Xinjiang Production and Construction Corps")
    assert unit.level == "unit" and unit.parent == "100000"
    write_values(empty_db, [Change("XJBT", "INV_GRANTS", "2022", "1234")])
    assert "XJBT" in catalogue.children(empty_db, "100000")
    with pytest.raises(InputError):
        catalogue.add_region(empty_db, "XJBT", "重复", parent="100000")
    with pytest.raises(NotFoundError):
        catalogue.add_region(empty_db, "ZONE1", "某园区", parent="999999")
    first = empty_db.execute("select action, region, new from audit order by id limit 1").fetchone()
    assert first == ("region_add", "XJBT", "新疆生产建设兵团")


def test_yearly_division_changes_are_imported(empty_db, tmp_path):
    """A county abolished in 2023 and its successor: the province-vs-cities sum uses the valid ones."""
    f = tmp_path / "changes-2023.csv"
    f.write_text("code,parent,level,name_zh,name_en,valid_from,valid_to\n"
                 "320117,320100,county,溧水区,Lishui District,,2022-12-31\n"
                 "320199,320100,county,新设区,New District,2023-01-01,\n", encoding="utf-8")
    assert import_regions(empty_db, f) == 2
    kids_2022 = catalogue.children(empty_db, "320100", 2022)
    kids_2023 = catalogue.children(empty_db, "320100", 2023)
    assert "320117" in kids_2022 and "320199" not in kids_2022
    assert "320199" in kids_2023 and "320117" not in kids_2023
    # 2023: the city equals the sum of its valid districts; the abolished one is not counted
    changes = [Change(k, "INV_GRANTS", "2023", "100") for k in kids_2023]
    changes.append(Change("320100", "INV_GRANTS", "2023", str(100 * len(kids_2023))))
    write_values(empty_db, changes)
    assert not [f for f in check(empty_db, "320100", 2023) if f.rule == "sum"]


def test_bad_region_file_names_row_and_writes_nothing(empty_db, tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("code,parent,level,name_zh\n330199,330100,county,好区\n330198,330100,village,坏区\n", encoding="utf-8")
    before = empty_db.execute("select count(*) from regions").fetchone()[0]
    with pytest.raises(InputError) as exc:
        import_regions(empty_db, f)
    msg = exc.value.message("en")
    assert "bad.csv" in msg and "row 3" in msg and "village" in msg
    assert empty_db.execute("select count(*) from regions").fetchone()[0] == before
