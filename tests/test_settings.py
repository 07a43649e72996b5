"""Settings Quanze reads from QUANZE_* variables: validation reads the shapes and the ontology
they name, and says which path is missing rather than validating against the shipped ones."""

from __future__ import annotations

import shutil

import pytest

from quanze import validation
from quanze.settings import SHAPES, Settings
from quanze.store import EmbeddedStore
from quanze.validation import shape_names, validate

from .conftest import quanze_cli


def test_validation_reads_the_shapes_the_settings_name(tmp_path, monkeypatch):
    """Regression: ``Settings.shapes`` was never read; validation took the shipped folder."""
    chosen = tmp_path / "shapes"
    chosen.mkdir()
    shutil.copy(SHAPES / "completeness.ttl", chosen)
    monkeypatch.setenv("QUANZE_SHAPES", str(chosen))
    assert Settings().shapes == chosen
    names = set(shape_names())
    assert names == set(shape_names(chosen)) and names < set(shape_names(SHAPES))


@pytest.mark.parametrize("variable, missing, said", [
    ("QUANZE_SHAPES", "no-such-folder", "no SHACL shapes"),
    ("QUANZE_ONTOLOGY", "no-such-ontology.ttl", "no ontology file"),
])
def test_a_missing_shapes_folder_or_ontology_is_an_error_naming_it(tmp_path, monkeypatch, variable, missing, said):
    """Regression: ``QUANZE_SHAPES=/nonexistent quanze validate`` succeeded (the setting was not
    read), as did a missing QUANZE_ONTOLOGY. Now validation refuses, naming the path and the
    variable in Chinese and English."""
    path = tmp_path / missing
    monkeypatch.setenv(variable, str(path))
    with pytest.raises(FileNotFoundError) as caught:
        validate(EmbeddedStore(None), [])
    assert isinstance(caught.value, validation.RulesMissing)
    assert str(path) in str(caught.value) and variable in str(caught.value) and said in str(caught.value)
    result = quanze_cli("--store", ":memory:", "validate")
    # the message is wrapped at the terminal's width: compare without line breaks
    assert result.exit_code != 0 and str(path) in (result.output + str(result.exception)).replace("\n", "")
