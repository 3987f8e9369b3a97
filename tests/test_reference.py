"""docs/reference.md matches the code it documents."""
from courier_sim import reference


def test_reference_doc_is_up_to_date():
    assert reference.DOC.read_text(encoding="utf-8") == reference.render(), \
        "docs/reference.md is stale: run python -m courier_sim.reference"


def test_reference_names_every_field_and_table():
    from courier_sim import PARAMS, records
    text = reference.render()
    assert all(f"`{p.name}`" in text for p in PARAMS)
    assert all(f"### `{t}`" in text for t in records.TABLES)
