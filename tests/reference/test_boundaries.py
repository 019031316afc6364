"""The police force area boundaries shipped for maps."""

from __future__ import annotations

import json

import pytest

from loaders.reference.snapshot import Reference
from store.settings import REFERENCE_DIR


@pytest.fixture(scope="module")
def areas() -> dict:
    return json.loads((REFERENCE_DIR / "police_force_areas.geojson").read_text(encoding="utf-8"))


def _rings(feature: dict) -> list[list[list[float]]]:
    geometry = feature["geometry"]
    polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                else geometry["coordinates"])
    return [ring for polygon in polygons for ring in polygon]


def test_one_feature_per_area_matching_forces(areas: dict) -> None:
    """43 features whose PFA20CD codes are exactly the territorial forces' ONS codes."""
    forces = Reference.from_files().forces
    codes = {f["ons_code"] for f in forces.values() if f["country"] in ("England", "Wales")}
    assert areas["type"] == "FeatureCollection"
    assert [f["properties"]["PFA20CD"] for f in areas["features"]] == sorted(codes)
    assert all(set(f["properties"]) == {"PFA20CD", "PFA20NM"} for f in areas["features"])


def test_rings_are_closed_and_in_britain(areas: dict) -> None:
    """Every ring is closed, has at least four points and lies within England and Wales."""
    for feature in areas["features"]:
        for ring in _rings(feature):
            assert ring[0] == ring[-1] and len(ring) >= 4
            assert all(-6.5 < x < 2.0 and 49.8 < y < 56.0 for x, y in ring)


def test_outer_rings_wind_clockwise(areas: dict) -> None:
    """Outer rings wind clockwise, as Plotly's geo choropleth needs to fill the inside."""
    for feature in areas["features"]:
        geometry = feature["geometry"]
        polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                    else geometry["coordinates"])
        for polygon in polygons:
            ring = polygon[0]
            area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False))
            assert area < 0, feature["properties"]["PFA20NM"]


def test_names_resolve_to_their_forces(areas: dict) -> None:
    """Each area's PFA20NM resolves to the force with that ONS code."""
    reference = Reference.from_files()
    for feature in areas["features"]:
        code = reference.force_code(feature["properties"]["PFA20NM"])
        assert reference.forces[code]["ons_code"] == feature["properties"]["PFA20CD"]
