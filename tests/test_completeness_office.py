"""Completeness counts only what is this office's to fill: the home region and the regions below it. A
Jiangsu store's other provinces and the nation above it carry no figure (no 0 % badge); the same store
with the nation as its home region owes them again."""
from __future__ import annotations

from app.models.completeness import completeness, office_regions
from app.models.findings import task_regions
from app.models.store_basics import meta_get, meta_set
from app.services.views import dashboard


def test_only_the_home_subtree_owes_values(demo_db):
    assert meta_get(demo_db, "home_region") == "320000"
    mine = office_regions(demo_db)
    assert {"320000", "320100", "320102"} <= mine and not {"100000", "110000", "440000"} & mine
    c = completeness(demo_db, 2024)
    for code in ("100000", "110000", "440000"):              # above and beside: nothing expected, no badge
        assert c.of(code) is None and c.below(code).expected == 0 and c.below(code).percent() == ""
    assert c.below("320000").expected > 0 and c.of("320100").expected == 22
    # the dashboard reads the same figures
    d = dashboard(demo_db, "110000", 2024)
    assert d.share is None and not d.share_below.expected
    # overdue tasks answer to the same rule
    assert task_regions(demo_db, ["100000", "110000", "320100"]) == ["320100"]


def test_a_national_home_owes_every_province_again(demo_db):
    meta_set(demo_db, "home_region", "100000")
    c = completeness(demo_db, 2024)
    assert c.of("110000") is not None and c.of("110000").expected == 22 and c.below("110000").percent() == "0%"
    assert c.below("100000").expected > c.below("320000").expected
