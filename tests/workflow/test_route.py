"""The route as pure functions: transitions and the rule "restart from the first role that
must see the change" (workflow/route.py), including generated cases."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hicmonitor.workflow import route as rt
from hicmonitor.workflow.errors import Conflict

DECISIONS = ("beslisnota 2", "beslisnota 3", "kamerbrief")


def standard(sees: dict[str, tuple[str, ...] | None] | None = None) -> tuple[rt.Step, ...]:
    sees = sees or {}
    return rt.build_route(
        [
            ("directeur", "Directeur", sees.get("directeur")),
            ("dg", "Directeur-generaal", sees.get("dg")),
            ("sg", "Secretaris-generaal", sees.get("sg")),
        ],
        ["Minister van Justitie en Veiligheid", "Minister voor Rechtsbescherming"],
    )


def changes(mapping: dict[str, frozenset[str] | None]):  # noqa: ANN201
    return lambda h: mapping[h]


def test_route_shape_and_states() -> None:
    r = standard()
    assert [s.kind for s in r] == ["paraaf"] * 3 + ["eindparaaf"] * 2
    assert [rt.state_at(r, i) for i in range(6)] == [
        "ter_parafering",
        "ter_parafering",
        "ter_parafering",
        "ter_eindparaaf",
        "ter_eindparaaf",
        "getekend",
    ]
    assert rt.Step.from_dict(r[0].to_dict()) == r[0]


@pytest.mark.parametrize(
    ("pattern", "part", "expected"),
    [
        ("beslisnota 4", "beslisnota 4.2", True),
        ("beslisnota 4", "beslisnota 4", True),
        ("beslisnota 4", "beslisnota 41", False),
        ("beslisnota 4", "beslisnota 5", False),
        ("kamerbrief", "kamerbrief 1.1", True),
        ("kamerbrief", "beslisnota 1", False),
        ("beslisnota", "beslisnota kop", True),
    ],
)
def test_covers(pattern: str, part: str, expected: bool) -> None:
    assert rt.covers(pattern, part) is expected


def test_first_offer_starts_at_the_first_role() -> None:
    r = standard()
    restart = rt.restart_point(r, {}, "A", changes({}), DECISIONS)
    assert (restart.step, restart.carried) == (0, ())


def test_a_decision_change_restarts_from_the_first_role() -> None:
    r = standard(sees={"directeur": ("beslisnota 4",), "dg": ("beslisnota 4",)})
    marks = {0: "A", 1: "A", 2: "A"}
    restart = rt.restart_point(
        r, marks, "B", changes({"A": frozenset({"beslisnota 2"})}), DECISIONS
    )
    assert restart.step == 0 and restart.reason == "het besluit is gewijzigd"
    assert restart.changed == {"beslisnota 2"}


def test_a_change_outside_a_roles_view_carries_its_paraaf() -> None:
    # the directeur must see changes in section 4 only; the DG sees everything
    r = standard(sees={"directeur": ("beslisnota 4",)})
    marks = {0: "A", 1: "A", 2: "A"}
    restart = rt.restart_point(
        r, marks, "B", changes({"A": frozenset({"beslisnota 1"})}), DECISIONS
    )
    assert (restart.step, restart.carried) == (1, (0,))
    # a change in section 4.2 is the directeur's: back to the directeur
    restart = rt.restart_point(
        r, marks, "B", changes({"A": frozenset({"beslisnota 4.2"})}), DECISIONS
    )
    assert restart.step == 0


def test_files_that_differ_without_a_text_difference_go_back_to_the_first_role() -> None:
    r = standard(sees={"directeur": ("beslisnota 4",)})
    restart = rt.restart_point(r, {0: "A", 1: "A"}, "B", changes({"A": None}), DECISIONS)
    assert restart.step == 0


def test_a_step_that_has_not_initialled_always_sees_the_new_version() -> None:
    r = standard(sees={"directeur": ("beslisnota 4",), "dg": ("beslisnota 4",)})
    # directeur and DG initialled A; the SG sent it back; change outside both views
    restart = rt.restart_point(
        r, {0: "A", 1: "A"}, "B", changes({"A": frozenset({"beslisnota 1"})}), DECISIONS
    )
    assert (restart.step, restart.carried) == (2, (0, 1))


def test_the_same_version_resumes_where_the_route_was() -> None:
    r = standard()
    restart = rt.restart_point(r, {0: "A", 1: "A", 2: "A"}, "A", changes({}), DECISIONS)
    assert restart.step == 3


def test_a_carried_paraaf_is_compared_with_the_version_its_holder_saw() -> None:
    # the directeur initialled A, carried to B (change outside its view); now C changes
    # section 4 compared with A: the directeur must see it, though B -> C alone might not
    r = standard(sees={"directeur": ("beslisnota 4",)})
    marks = {0: "A", 1: "B"}
    ch = changes(
        {"A": frozenset({"beslisnota 4.1", "beslisnota 1"}), "B": frozenset({"beslisnota 1"})}
    )
    assert rt.restart_point(r, marks, "C", ch, DECISIONS).step == 0


def test_transitions() -> None:
    r = standard()
    pos = rt.Position()
    pos = rt.offer(pos, r, rt.Restart(0), "A")
    assert (pos.state, pos.step, pos.round, pos.hash) == ("ter_parafering", 0, 1, "A")
    with pytest.raises(Conflict, match="niet \\(meer\\) aan de beurt"):
        rt.approve(pos, r, 1, "A")
    with pytest.raises(Conflict, match="nieuwe versie"):
        rt.approve(pos, r, 0, "B")
    for i in range(3):
        pos = rt.approve(pos, r, i, "A")
    assert pos.state == "ter_eindparaaf" and pos.step == 3
    back = rt.send_back(pos, 3, "A")
    assert (back.state, back.returned_by, back.step) == ("concept", 3, None)
    with pytest.raises(Conflict, match="concept"):
        rt.approve(back, r, 3, "A")
    again = rt.offer(back, r, rt.Restart(3, (0, 1, 2)), "A")
    assert again.round == 1 and again.step == 3  # the same version: the same round
    pos = rt.approve(rt.approve(again, r, 3, "A"), r, 4, "A")
    assert pos.state == "getekend" and pos.step is None
    with pytest.raises(Conflict):
        rt.mark_published(pos)
    with pytest.raises(Conflict):
        rt.offer(pos, r, rt.Restart(0), "B")
    assert not rt.may_add_version(pos)
    pos = rt.mark_published(rt.mark_sent(pos))
    assert pos.state == "gepubliceerd"


def test_a_new_version_in_the_route_starts_a_new_round() -> None:
    r = standard()
    pos = rt.approve(rt.offer(rt.Position(), r, rt.Restart(0), "A"), r, 0, "A")
    new = rt.restart_on_new_version(pos, r, rt.Restart(0), "B")
    assert (new.state, new.step, new.round, new.hash) == ("ter_parafering", 0, 2, "B")


PARTS = [f"beslisnota {k}" for k in ("kop", "1", "2", "3", "4.1", "4.2", "5")] + ["kamerbrief 1"]


@settings(max_examples=200, deadline=None)
@given(
    frontier=st.integers(0, 5),
    seen=st.lists(st.sampled_from(["A", "B", "C"]), min_size=5, max_size=5),
    diffs=st.dictionaries(
        st.sampled_from(["A", "B", "C"]),
        st.one_of(st.none(), st.frozensets(st.sampled_from(PARTS), max_size=4)),
    ),
    views=st.lists(
        st.one_of(
            st.none(), st.tuples(st.sampled_from(["beslisnota 4", "beslisnota 1", "kamerbrief"]))
        ),
        min_size=3,
        max_size=3,
    ),
)
def test_the_restart_rule_on_generated_cases(frontier, seen, diffs, views) -> None:
    r = standard(sees=dict(zip(("directeur", "dg", "sg"), views, strict=True)))
    marks = {i: seen[i] for i in range(frontier)}

    def changed(h: str) -> frozenset[str] | None:
        return diffs.get(h, frozenset())

    res = rt.restart_point(r, marks, "D", changed, DECISIONS)
    # never beyond the first step that has not initialled; everything before it is carried
    assert res.step <= frontier
    assert res.carried == tuple(range(res.step))
    # every carried step saw nothing it must see
    for i in res.carried:
        diff = changed(marks[i])
        assert diff is not None
        assert not any(rt.covers(d, p) for d in DECISIONS for p in diff)
        sees = r[i].sees
        assert sees is not None or not diff
        if sees is not None:
            assert not any(rt.covers(s, p) for s in sees for p in diff)
    # and the step it restarts at (when it initialled) had to see it
    if res.step < frontier:
        diff = changed(marks[res.step])
        assert diff is None or diff
