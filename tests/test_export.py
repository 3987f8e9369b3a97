"""Exports write complete files or none."""
import pytest

from courier_sim import export


def test_a_failing_write_leaves_no_partial_folder(small_result, tmp_path, monkeypatch):
    written = []

    def flaky(df, path):
        written.append(path.name)
        if len(written) == 3:
            raise OSError("disk full")
        df.head(0).to_csv(path)

    monkeypatch.setitem(export.WRITERS, "csv", flaky)
    target = tmp_path / "out"
    with pytest.raises(OSError):
        export.write_tables(small_result.tables, small_result.scenario.to_json(), target, "csv")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_failing_rewrite_keeps_the_previous_export(small_result, tmp_path, monkeypatch):
    target = tmp_path / "out"
    export.write_tables(small_result.tables, small_result.scenario.to_json(), target, "csv")
    before = sorted(p.name for p in target.iterdir())
    monkeypatch.setitem(export.WRITERS, "csv", lambda df, path: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        export.write_tables(small_result.tables, small_result.scenario.to_json(), target, "csv")
    assert sorted(p.name for p in target.iterdir()) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_too_many_rows_for_excel_is_refused_before_writing(small_result, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "EXCEL_MAX_ROWS", 10)
    with pytest.raises(ValueError, match="more than an Excel sheet holds"):
        export.write_tables(small_result.tables, "{}", tmp_path / "x", "xlsx")
    assert not (tmp_path / "x").exists()


@pytest.fixture(scope="module")
def tiny_result():
    """A few weeks of a small branch: enough rows in every table, quick to write as a workbook."""
    from courier_sim import preset, simulate
    return simulate(preset("baseline", customers=60, prospects=40, days=30, seed=5))


def test_result_methods_write_csv_and_a_workbook(tiny_result, tmp_path):
    import pandas as pd
    tiny_result.to_csv(tmp_path / "csv")
    assert (tmp_path / "csv" / "shipments.csv").exists() and (tmp_path / "csv" / "scenario.json").exists()
    book = tiny_result.to_excel(tmp_path / "run.xlsx")
    sheets = pd.read_excel(book, sheet_name=None)
    assert {"scenario", "customers", "complaints"} <= set(sheets)
    assert len(sheets["customers"]) == len(tiny_result.customers)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
