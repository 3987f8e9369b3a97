"""The workbook writer: what goes in comes back out through pandas and openpyxl."""
import numpy as np
import openpyxl
import pandas as pd
import pytest

from courier_sim import xlsx


@pytest.fixture
def table():
    return pd.DataFrame({
        "id": np.arange(1, 6, dtype=np.int64),
        "price": [12.5, np.nan, 0.1 + 0.2, -3.0, 1e-7],
        "name": ["a<b & \"c\"", "快递", None, "  spaced  ", "bell\x07gone"],
        "segment": pd.Categorical(["cbd", "cbd", "individual", None, "cbd"]),
        "regular": [True, False, True, True, False],
        "created": pd.to_datetime(["2024-12-01 09:30", "2025-01-29 23:59", None, "2025-11-11 00:00", "2024-12-31 12:01"]),
    })


def test_tables_come_back_as_they_went_in(tmp_path, table):
    path = xlsx.write(tmp_path / "t.xlsx", {"shipments": table, "tiny": table.head(1)})
    back = pd.read_excel(path, sheet_name=None)
    assert list(back) == ["shipments", "tiny"]
    got = back["shipments"]
    assert list(got.columns) == list(table.columns)
    assert got["id"].tolist() == [1, 2, 3, 4, 5]
    assert got["price"].iloc[2] == 0.1 + 0.2 and np.isnan(got["price"].iloc[1]) and got["price"].iloc[4] == 1e-7
    assert got["name"].tolist()[:2] == ["a<b & \"c\"", "快递"] and pd.isna(got["name"].iloc[2])
    assert got["name"].iloc[3] == "  spaced  " and got["name"].iloc[4] == "bellgone"  # XML cannot hold \x07
    assert got["segment"].iloc[:3].tolist() == ["cbd", "cbd", "individual"] and pd.isna(got["segment"].iloc[3])
    assert got["regular"].tolist() == [True, False, True, True, False]
    assert got["created"].dt.round("s").tolist()[:2] == list(table["created"].iloc[:2])
    assert pd.isna(got["created"].iloc[2]) and got["created"].dt.round("s").iloc[4] == table["created"].iloc[4]


def test_header_is_bold_frozen_and_dates_show_as_dates(tmp_path, table):
    path = xlsx.write(tmp_path / "t.xlsx", {"shipments": table})
    sheet = openpyxl.load_workbook(path)["shipments"]
    assert sheet["A1"].value == "id" and sheet["A1"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet["F2"].is_date and sheet["F2"].number_format.startswith("yyyy")


def test_long_tables_are_written_in_chunks_without_losing_a_row(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "ROWS_PER_CHUNK", 3)
    df = pd.DataFrame({"n": np.arange(10), "half": np.arange(10) / 2})
    back = pd.read_excel(xlsx.write(tmp_path / "t.xlsx", {"t": df}))
    pd.testing.assert_frame_equal(back, df, check_dtype=False)


def test_the_same_tables_give_the_same_bytes(tmp_path, table):
    a = xlsx.write(tmp_path / "a.xlsx", {"t": table}).read_bytes()
    b = xlsx.write(tmp_path / "b.xlsx", {"t": table}).read_bytes()
    assert a == b


def test_column_letters_follow_excel():
    assert [xlsx.column_letter(j) for j in (0, 25, 26, 51, 701, 702)] == ["A", "Z", "AA", "AZ", "ZZ", "AAA"]


def test_sheet_names_are_made_acceptable_and_must_stay_distinct(tmp_path):
    one = pd.DataFrame({"x": [1]})
    path = xlsx.write(tmp_path / "t.xlsx", {"a/b: [c]?": one, "x" * 40: one})
    assert openpyxl.load_workbook(path).sheetnames == ["a_b_ _c__", "x" * 31]
    with pytest.raises(ValueError, match="repeat"):
        xlsx.write(tmp_path / "u.xlsx", {"x" * 32: one, "x" * 33: one})


def test_a_table_longer_than_a_sheet_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    with pytest.raises(ValueError, match="more than an Excel sheet holds"):
        xlsx.write(tmp_path / "t.xlsx", {"t": pd.DataFrame({"x": range(5)})})
