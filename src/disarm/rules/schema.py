"""The programme file format `disarm-programme/1`, as strict pydantic models.

These models check the shape of one file (types, required fields, allowed values). Checks that
relate fields to each other (a category that exists, an extension within the cap) are in
`disarm.rules.checks`. Field meanings are documented in docs/programme-format.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from disarm.rules.timing import check_when, parse_duration

FORMAT = "disarm-programme/1"

Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Ident = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=64)]
ISO3 = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
Text = Annotated[str, Field(min_length=1)]
When = dt.date | Annotated[str, AfterValidator(check_when)]
Unit = Literal["count", "flag", "level", "kg", "tonnes"]
Amount = Annotated[float, Field(ge=0, allow_inf_nan=False)]


def _check_duration(text: str) -> str:
    parse_duration(text)
    return text


DurationText = Annotated[str, AfterValidator(_check_duration)]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Category(Strict):
    unit: Unit
    description: Text
    source: Text | None = None


class PartySelector(Strict):
    select: Text
    include: list[ISO3] = []
    exclude: list[ISO3] = []


class _Obligation(Strict):
    id: Ident
    source: Text
    description: Text | None = None
    due: When | None = None
    until: When | None = None
    provisional: bool = False
    #: the parties this obligation binds (default: every party of the programme)
    parties: Annotated[list[ISO3], Field(min_length=1)] | PartySelector | None = None


class Ceiling(_Obligation):
    kind: Literal["ceiling"]
    category: Name
    max: Amount | None = None
    fraction: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] | None = None
    #: groups of parties bound together: each group's summed value is held to the limit
    jointly: list[Annotated[list[ISO3], Field(min_length=2)]] = []
    #: the limit's value (not its deadline) is unconfirmed
    provisional_value: bool = False

    @model_validator(mode="after")
    def _needs_a_limit(self) -> Ceiling:
        if self.max is None and self.fraction is None:
            raise ValueError("a ceiling needs `max`, `fraction` (of the baseline) or both")
        return self


class Elimination(_Obligation):
    kind: Literal["elimination"]
    category: Name


class Status(_Obligation):
    kind: Literal["status"]
    category: Name
    equals: Amount | None = None
    at_most: Amount | None = None
    at_least: Amount | None = None
    provisional_value: bool = False

    @model_validator(mode="after")
    def _one_condition(self) -> Status:
        given = [n for n in ("equals", "at_most", "at_least") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError(
                "a status obligation needs exactly one of `equals`, `at_most`, `at_least` "
                f"(got {', '.join(given) or 'none'})"
            )
        return self


class Reporting(_Obligation):
    kind: Literal["reporting"]
    categories: list[Name] | None = None
    baseline_within_days: Annotated[int, Field(ge=0)]
    every_months: Annotated[int, Field(ge=1)]
    grace_days: Annotated[int, Field(ge=0)] = 0


class NonIncrease(_Obligation):
    kind: Literal["non-increase"]
    category: Name


class Prohibition(_Obligation):
    kind: Literal["prohibition"]
    category: Name


KINDS = ("ceiling", "elimination", "status", "reporting", "non-increase", "prohibition")

Obligation = Annotated[
    Ceiling | Elimination | Status | Reporting | NonIncrease | Prohibition,
    Field(discriminator="kind"),
]


class Phase(Strict):
    id: Ident
    title: Text
    deadline: When
    source: Text
    description: Text | None = None
    provisional: bool = False
    obligations: Annotated[list[Obligation], Field(min_length=1)]


class ExtensionPolicy(Strict):
    max_delay: DurationText
    source: Text


class Extension(Strict):
    obligation: Ident
    party: ISO3
    new_deadline: When
    reason: Text
    source: Text | None = None
    decided: dt.date | None = None


class Asymmetry(Strict):
    party: ISO3
    obligation: Ident
    set: Annotated[dict[str, float | int | dt.date | str], Field(min_length=1)]
    reason: Text
    source: Text | None = None


class ProgrammeFile(Strict):
    format: Literal["disarm-programme/1"]
    id: Ident
    title: Text
    source: Text
    description: Text | None = None
    version: Text | None = None
    entry_into_force: dt.date
    parties: Annotated[list[ISO3], Field(min_length=1)] | PartySelector
    categories: Annotated[dict[Name, Category], Field(min_length=1)]
    phases: Annotated[list[Phase], Field(min_length=1)]
    standing: list[Obligation] = []
    extension_policy: ExtensionPolicy | None = None
    extensions: list[Extension] = []
    asymmetries: list[Asymmetry] = []
    notes: list[Text] = []


#: Fields an `asymmetries[].set` block may override, per obligation kind.
OVERRIDABLE: dict[str, tuple[str, ...]] = {
    "ceiling": ("max", "fraction", "due", "until"),
    "elimination": ("due", "until"),
    "status": ("equals", "at_most", "at_least", "due", "until"),
    "reporting": ("baseline_within_days", "every_months", "grace_days", "due", "until"),
    "non-increase": ("due", "until"),
    "prohibition": ("due", "until"),
}


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the programme format (what `disarm programme schema` prints)."""
    schema = ProgrammeFile.model_json_schema()
    schema["$id"] = "https://disarm.invalid/schema/disarm-programme-1.json"
    schema["title"] = "disarm programme file (format disarm-programme/1)"
    return schema
