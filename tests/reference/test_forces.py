"""Force names as written in real files resolve to one force, and unknown names never do."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from loaders.reference.forces import ForceMatcher, normalise_force_name
from loaders.reference.snapshot import Reference

GOLDEN = Path(__file__).parents[1] / "golden" / "force_name_variants_observed.csv"
# Two 'Unassigned' rows of the ONS recorded-crime table carry a neighbour's area code.
MISCODED = {("E23000032", "Surrey"), ("W15000003", "Gwent")}


@pytest.fixture(scope="module")
def reference() -> Reference:
    return Reference.from_files()


@pytest.fixture(scope="module")
def variants() -> pd.DataFrame:
    table = pd.read_csv(GOLDEN, dtype=str, keep_default_na=False)
    coded = table[table["code_in_source"] != ""]
    return coded[[(c, n) not in MISCODED for c, n in
                  zip(coded["code_in_source"], coded["name_in_source"], strict=True)]]


def test_every_observed_variant_resolves_to_its_force(reference: Reference,
                                                        variants: pd.DataFrame) -> None:
    """Each spelling seen with an ONS code or slug resolves to the force with that code."""
    by_ons = {f["ons_code"]: code for code, f in reference.forces.items() if f["ons_code"]}
    wrong = []
    for code, name in zip(variants["code_in_source"], variants["name_in_source"], strict=True):
        expected = by_ons.get(code, code)
        if reference.matcher.resolve(name) != expected:
            wrong.append((code, name, reference.matcher.resolve(name)))
    assert wrong == []
    assert len(variants) == 393  # the whole golden list, less blanks and MISCODED


def test_variants_cover_every_force_with_an_area(reference: Reference,
                                                  variants: pd.DataFrame) -> None:
    """The golden list exercises all 45 forces that have an ONS area code."""
    codes = set(variants["code_in_source"])
    assert {f["ons_code"] for f in reference.forces.values() if f["ons_code"]} <= codes


@pytest.mark.parametrize("text, code", [
    ("Devon & Cornwall", "devon-and-cornwall"),
    ("Met", "metropolitan"),
    ("MPS", "metropolitan"),
    ("London, City of", "city-of-london"),
    ("Hampshire and Isle of Wight Constabulary", "hampshire"),
    ("Lancashire ", "lancashire"),
    ("Greater Manchester8,9", "greater-manchester"),
    ("Humberside [note 4]", "humberside"),
    ("W\u200best Yorkshire", "west-yorkshire"),
    ("south-yorkshire", "south-yorkshire"),
    ("e23000011", "south-yorkshire"),
    ("Police Service of Northern Ireland", "psni"),
    ("BTP", "btp"),
])
def test_common_spellings_resolve(reference: Reference, text: str, code: str) -> None:
    """Spellings people use in returns resolve to the right force."""
    assert reference.matcher.resolve(text) == code


def test_misspelling_is_not_corrected_silently(reference: Reference) -> None:
    """'Nottinghamshre' resolves to nothing but suggests Nottinghamshire Police first."""
    assert reference.matcher.resolve("Nottinghamshre") is None
    assert reference.matcher.suggest("Nottinghamshre")[0] == "Nottinghamshire Police"


@pytest.mark.parametrize("text", ["North East Region", "ENGLAND AND WALES", "Total 43 forces",
                                  "London", "Wales", "", None, "E23000099", "Police"])
def test_regions_totals_and_blanks_resolve_to_nothing(reference: Reference, text: object) -> None:
    """Region and total rows, blanks and unknown area codes are not forces."""
    assert reference.matcher.resolve(text) is None


def test_suggest_returns_at_most_n_official_names(reference: Reference) -> None:
    """Suggestions are distinct official names, no more than asked for."""
    names = reference.matcher.suggest("West Yorks Constab", n=2)
    assert len(names) <= 2 and len(set(names)) == len(names)
    assert set(names) <= {f["name"] for f in reference.forces.values()}


@pytest.mark.parametrize("text, key", [
    ("Dyfed-Powys4", "dyfed powys"),
    ("Dyfed Powys Police", "dyfed powys"),
    ("Essex10", "essex"),
    ("  Avon  &  Somerset Constabulary ", "avon and somerset"),
    ("The Metropolitan Police Service", "metropolitan"),
    ("\uff27\uff4d\uff50", "gmp"),
])
def test_normalise_force_name(text: str, key: str) -> None:
    """Footnotes, '&', hyphens, spacing, width and trailing 'Police'/'Constabulary' are ignored."""
    assert normalise_force_name(text) == key


def test_alias_to_unknown_force_is_refused() -> None:
    """An alias naming a force that does not exist is an error, not a silent miss."""
    forces = {"kent": {"name": "Kent Police", "short_name": "Kent", "ons_code": "E23000032"}}
    with pytest.raises(ValueError, match="unknown force 'surrey'"):
        ForceMatcher(forces, [("Surrey", "surrey")])
