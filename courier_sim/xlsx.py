"""Plain tables as an Excel workbook (.xlsx), written fast.

An .xlsx file is a zip of XML pages: a workbook listing its sheets, a style
sheet, and one page per sheet with a row of cells per table row. Our tables
need nothing more than numbers, text, true/false and date-times, so this
module writes exactly that, a column at a time, and streams the rows into
the zip. openpyxl (through pandas) builds an object per cell and took about
5 minutes for a year's shipments on the course machine; this takes seconds.
Reading workbooks (rosters) still goes through pandas and openpyxl.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import numpy as np
import pandas as pd

MAX_ROWS = 1_048_576  # rows on an Excel sheet, the header included
ROWS_PER_CHUNK = 20_000
_EXCEL_EPOCH_DAYS = 25_569.0  # 1970-01-01 is day 25569 of Excel's calendar
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot hold
_DATE_STYLE = 1  # index into cellXfs below

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
{sheets}</Types>"""
_SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{i}.xml" '
               'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\n')
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets>{sheets}</sheets>
</workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
{sheets}<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd\\ hh:mm:ss"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" state="frozen"/>'
               '</sheetView></sheetViews><sheetData>')
_SHEET_TAIL = "</sheetData></worksheet>"


def column_letter(j: int) -> str:
    """Excel's name for the j-th column (0 -> A, 25 -> Z, 26 -> AA)."""
    name = ""
    j += 1
    while j:
        j, rest = divmod(j - 1, 26)
        name = chr(65 + rest) + name
    return name


def _text(value) -> str:
    return escape(_NOT_IN_XML.sub("", str(value)))


def _cells(values: pd.Series, letter: str, first_row: int) -> list[str]:
    """The XML of one column's cells, one string per row ('' for a missing value)."""
    rows = range(first_row, first_row + len(values))
    if pd.api.types.is_bool_dtype(values) and not values.hasnans:
        return [f'<c r="{letter}{r}" t="b"><v>{int(v)}</v></c>' for r, v in zip(rows, values.to_numpy())]
    if pd.api.types.is_datetime64_dtype(values):
        ns = values.to_numpy(dtype="datetime64[ns]")
        serial = ns.astype(np.int64) / 86_400e9 + _EXCEL_EPOCH_DAYS
        missing = np.isnat(ns)
        return ["" if m else f'<c r="{letter}{r}" s="{_DATE_STYLE}"><v>{v!r}</v></c>'
                for r, v, m in zip(rows, serial.tolist(), missing.tolist())]
    if pd.api.types.is_numeric_dtype(values) and not isinstance(values.dtype, pd.CategoricalDtype):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        if pd.api.types.is_integer_dtype(values):
            text = [str(v) for v in values.tolist()]
        else:
            text = [repr(v) for v in numbers.tolist()]
        ok = np.isfinite(numbers).tolist()
        return [f'<c r="{letter}{r}"><v>{t}</v></c>' if k else "" for r, t, k in zip(rows, text, ok)]
    objects = values.astype(object).where(values.notna(), None).tolist()
    return ["" if v is None else f'<c r="{letter}{r}" t="inlineStr"><is><t xml:space="preserve">{_text(v)}</t></is></c>'
            for r, v in zip(rows, objects)]


def _entry(name: str) -> zipfile.ZipInfo:
    """A zip entry with a fixed date, so the same tables give the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    # the fastest deflate: a year's shipments in 12 s instead of 20, for a file a quarter larger
    setattr(info, "compress_level" if "compress_level" in zipfile.ZipInfo.__slots__ else "_compresslevel", 1)
    return info


def _write_sheet(stream, df: pd.DataFrame) -> None:
    letters = [column_letter(j) for j in range(df.shape[1])]
    header = "".join(f'<c r="{c}1" s="2" t="inlineStr"><is><t>{_text(name)}</t></is></c>'
                     for c, name in zip(letters, df.columns))
    stream.write((_SHEET_HEAD + f'<row r="1">{header}</row>').encode("utf-8"))
    for start in range(0, len(df), ROWS_PER_CHUNK):
        part = df.iloc[start:start + ROWS_PER_CHUNK]
        first = start + 2
        columns = [_cells(part.iloc[:, j], letters[j], first) for j in range(part.shape[1])]
        rows = [f'<row r="{first + i}">{"".join(cells)}</row>' for i, cells in enumerate(zip(*columns))]
        stream.write("".join(rows).encode("utf-8"))
    stream.write(_SHEET_TAIL.encode("utf-8"))


def sheet_name(name: str) -> str:
    """A name Excel accepts for a sheet: at most 31 characters, none of : \\ / ? * [ ]."""
    cleaned = re.sub(r"[:\\/?*\[\]]", "_", str(name))[:31]
    return cleaned or "sheet"


def write(path, sheets: dict[str, pd.DataFrame]) -> Path:
    """Write ``{sheet name: table}`` as one workbook at ``path`` (index not written)."""
    names = [sheet_name(n) for n in sheets]
    if len({n.lower() for n in names}) != len(names):
        raise ValueError(f"sheet names repeat once shortened to 31 characters: {names}")
    for name, df in zip(names, sheets.values()):
        if len(df) + 1 > MAX_ROWS:
            raise ValueError(f"{name} has {len(df):,} rows, more than an Excel sheet holds ({MAX_ROWS - 1:,})")
    path = Path(path)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        count = range(1, len(names) + 1)
        z.writestr(_entry("[Content_Types].xml"), _CONTENT_TYPES.format(sheets="".join(_SHEET_TYPE.format(i=i) for i in count)))
        z.writestr(_entry("_rels/.rels"), _ROOT_RELS)
        z.writestr(_entry("xl/workbook.xml"), _WORKBOOK.format(sheets="".join(
            f'<sheet name={quoteattr(n)} sheetId="{i}" r:id="rId{i}"/>' for i, n in zip(count, names))))
        z.writestr(_entry("xl/_rels/workbook.xml.rels"), _WORKBOOK_RELS.format(sheets="".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            f'Target="worksheets/sheet{i}.xml"/>\n' for i in count)))
        z.writestr(_entry("xl/styles.xml"), _STYLES)
        for i, df in zip(count, sheets.values()):
            with z.open(_entry(f"xl/worksheets/sheet{i}.xml"), "w", force_zip64=True) as stream:
                _write_sheet(stream, df)
    return path
