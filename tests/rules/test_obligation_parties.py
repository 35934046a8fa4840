"""An obligation's own `parties:` binds only those parties: verdicts, show, schedule, errors."""

from __future__ import annotations

import pytest

from disarm.errors import BadInput
from tests.rules.helpers import programme, run, status

ROWS: list[tuple[str, str, str, float | None]] = [
    ("2021-06-01", "AAA", "alert", 3),
    ("2021-06-01", "BBB", "alert", 3),
]


def test_only_the_bound_parties_get_verdicts() -> None:
    prog = programme(
        [
            {"id": "A", "kind": "status", "category": "alert", "equals": 0, "parties": ["BBB"]},
            {"id": "B", "kind": "status", "category": "alert", "at_most": 5},
        ]
    )
    verdicts = run(prog, ROWS)
    assert set(verdicts.loc[verdicts["obligation"] == "A", "party"]) == {"BBB"}
    assert set(verdicts.loc[verdicts["obligation"] == "B", "party"]) == {"AAA", "BBB"}
    assert status(verdicts, "BBB", "2021-06-01", "A") == "non-compliant"
    assert prog.rule("A").bound("BBB") and not prog.rule("A").bound("AAA")
    assert prog.rule("B").bound("AAA")


def test_a_selector_and_all_minus_some() -> None:
    prog = programme(
        [
            {
                "id": "A",
                "kind": "status",
                "category": "alert",
                "equals": 0,
                "parties": {"select": "all", "exclude": ["AAA"]},
            }
        ]
    )
    assert prog.rule("A").binds == frozenset({"BBB"})


def test_show_and_schedule_leave_out_an_unbound_party() -> None:
    prog = programme(
        [{"id": "A", "kind": "status", "category": "alert", "equals": 0, "parties": ["BBB"]}]
    )
    assert [o["id"] for o in prog.describe("AAA")["obligations"]] == []
    assert prog.describe()["obligations"][0]["binds"] == ["BBB"]
    assert prog.ceiling_schedule("AAA", "alert") == []
    assert prog.ceiling_schedule("BBB", "alert")[0][1] == 0.0


@pytest.mark.parametrize(
    ("parties", "extra", "message"),
    [
        (["CCC"], {}, "CCC is not a party of the programme"),
        ({"select": "no-such"}, {}, "unknown selector 'no-such'"),
        (
            ["AAA"],
            {
                "asymmetries": [
                    {"party": "BBB", "obligation": "A", "set": {"equals": 1}, "reason": "r"}
                ]
            },
            "A does not bind BBB",
        ),
    ],
)
def test_errors_name_the_field(parties: object, extra: dict[str, object], message: str) -> None:
    with pytest.raises(BadInput) as err:
        programme(
            [{"id": "A", "kind": "status", "category": "nfu", "equals": 0, "parties": parties}],
            **extra,
        )
    assert any(message in line for line in err.value.problems), err.value.problems
