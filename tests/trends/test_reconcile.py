"""Reconciliation: store beside the published figures, computed independently from both CSVs."""

from __future__ import annotations

import pytest

from hicmonitor import store
from hicmonitor.analysis import reconcile
from hicmonitor.errors import InputError
from tests.trends import raw


@pytest.fixture(scope="module")
def table(shared_con):
    published = reconcile.read_published(raw.NL / reconcile.PUBLISHED_FILE)
    return reconcile.reconcile(store.category_counts(shared_con, regions=["NL01"]), published)


def test_difference_per_category_and_year(table) -> None:
    pub, nat = raw.published(), raw.national()
    rows = {(r.category, r.year): r for r in table.itertuples()}
    expected_keys = {(c, y) for c in pub for y in pub[c] if y in nat[c]}
    assert set(rows) == expected_keys
    assert {y for _, y in expected_keys} == set(range(2012, 2020))
    for (cat, year), r in rows.items():
        assert r.store == nat[cat][year] and r.published == pub[cat][year]
        assert r.diff == nat[cat][year] - pub[cat][year]
        assert r.diff_pct == pytest.approx((nat[cat][year] - pub[cat][year]) / pub[cat][year] * 100)
    assert rows[("geweld", 2019)].definition == "1.4.2 + 1.4.4 + 1.4.5"


def test_summary_mean_absolute_difference(table) -> None:
    pub, nat = raw.published(), raw.national()
    summ = reconcile.summary(table).set_index("category")
    for cat in pub:
        diffs = [abs(nat[cat][y] - pub[cat][y]) for y in range(2012, 2020)]
        assert summ.loc[cat, "mean_abs_diff"] == pytest.approx(sum(diffs) / len(diffs))
        assert summ.loc[cat, "years"] == 8


@pytest.mark.parametrize(
    "content,line,field",
    [
        ("jaar,geweld\n2019,1\n", 1, "year"),
        ("year,geweld\n2019,veel\n", 2, "geweld"),
        ("year,geweld\ntwintig,5\n", 2, "year"),
        ("year,geweld\n2019,-4\n", 2, "geweld"),
    ],
)
def test_bad_published_file(tmp_path, content, line, field) -> None:
    path = tmp_path / "pub.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        reconcile.read_published(path)
    assert info.value.line == line and info.value.field == field
    assert "pub.csv" in str(info.value)
