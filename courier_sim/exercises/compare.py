"""How an answer is judged: one small class per kind of answer, each returning a Verdict.

A kind never raises on a strange answer: it turns ``None``, NaN, text where a
number belongs, a table of the wrong shape, into one or two friendly
sentences with the Chinese term beside the key word. It never prints the
expected value either: the student is meant to find it.

Kinds: ``Number`` (with relative/absolute tolerance), ``Choice`` (one label),
``IdSet`` (a set or ranked list of ids), ``SeriesMatch`` (labels -> values),
``FrameMatch`` (a table), ``Keywords`` (short text graded by key ideas),
``TeacherGraded`` (free text the teacher reads) and ``Custom``.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

CORRECT, WRONG, UNANSWERED, INVALID, SUBMITTED, ERROR = (
    "correct", "wrong", "unanswered", "invalid", "submitted", "error")


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check: a status, a friendly message and a score in 0..1."""
    status: str
    message: str
    score: float = 0.0

    @property
    def passed(self) -> bool:
        """Correct, or handed in for the teacher to read (what strict mode accepts)."""
        return self.status in (CORRECT, SUBMITTED)


def correct(message: str = "Correct! (回答正确)") -> Verdict:
    return Verdict(CORRECT, message, 1.0)


def wrong(message: str, score: float = 0.0) -> Verdict:
    return Verdict(WRONG, message, score)


def invalid(message: str) -> Verdict:
    return Verdict(INVALID, message, 0.0)


def unanswered(message: str = "Not answered yet (未完成): replace the `...` with your code, then run the cell again.") -> Verdict:
    return Verdict(UNANSWERED, message, 0.0)


# --- describing what the student gave --------------------------------------------
def describe(value) -> str:
    """A learner's name for the type of ``value`` (English and Chinese)."""
    if value is None:
        return "None (空值)"
    if isinstance(value, (bool, np.bool_)):
        return f"a yes/no value {value} (布尔值)"
    if isinstance(value, str):
        return "text (字符串)"
    if isinstance(value, numbers.Number):
        return "a number (数值)"
    if isinstance(value, pd.DataFrame):
        return f"a table (DataFrame, 数据表) with {value.shape[0]} rows and {value.shape[1]} columns"
    if isinstance(value, pd.Series):
        return f"a Series (序列) of {len(value)} values"
    if isinstance(value, pd.Index):
        return f"an Index (索引) of {len(value)} labels"
    if isinstance(value, np.ndarray):
        return f"an array (数组) of shape {value.shape}"
    if isinstance(value, dict):
        return f"a dict (字典) of {len(value)} items"
    if isinstance(value, (list, tuple, set, frozenset)):
        return f"a {type(value).__name__} ({_ZH.get(type(value).__name__, '集合')}) of {len(value)} items"
    if callable(value):
        return "a function (函数)"
    return f"a {type(value).__name__} object (对象)"


_ZH = {"list": "列表", "tuple": "元组", "set": "集合", "frozenset": "集合"}


def _is_missing_scalar(value) -> bool:
    try:
        return isinstance(value, (float, np.floating)) and math.isnan(value) or value is pd.NA or value is pd.NaT
    except TypeError:
        return False


def _close(a: float, e: float, rel: float, abs_: float) -> bool:
    if math.isnan(e):
        return math.isnan(a)
    if math.isinf(e):
        return a == e
    return abs(a - e) <= max(rel * abs(e), abs_)


class Kind:
    """Base of all kinds: ``judge(answer, expected) -> Verdict``."""
    label = "answer"
    #: text answers are checked as text; a string is not "the wrong type" for them
    wants_text = False

    def judge(self, answer, expected) -> Verdict:  # pragma: no cover - abstract
        raise NotImplementedError

    def show_expected(self, expected) -> str:
        """The expected answer as text, for the teacher's answer sheet."""
        return _short(expected)


def _short(value, limit: int = 400) -> str:
    if isinstance(value, float):
        return repr(round(value, 6))
    if isinstance(value, pd.DataFrame):
        text = value.to_csv(index=not isinstance(value.index, pd.RangeIndex), lineterminator=" | ").strip(" |")
    elif isinstance(value, pd.Series):
        text = "; ".join(f"{k}={_short(v)}" for k, v in value.items())
    elif isinstance(value, (list, tuple, set, frozenset, np.ndarray, pd.Index)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else list(value)
        text = ", ".join(_short(v) for v in items)
    elif isinstance(value, np.generic):
        return _short(value.item(), limit)
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- numbers --------------------------------------------------------------------
def as_number(answer) -> tuple[float | None, Verdict | None]:
    """``(value, None)`` for a usable number, else ``(None, verdict saying why)``."""
    if isinstance(answer, (bool, np.bool_)):
        return None, invalid(f"You gave {describe(answer)}; this question wants a number (数值).")
    if isinstance(answer, np.ndarray) and answer.ndim == 0:
        answer = answer.item()
    if isinstance(answer, (pd.Series, pd.DataFrame, np.ndarray, pd.Index, list, tuple)):
        size = getattr(answer, "size", None) if not isinstance(answer, (list, tuple)) else len(answer)
        tip = " Take the single number out with `.item()` (or `.iloc[0]`)." if size == 1 else \
              " Reduce it to one number, e.g. with `.sum()`, `.mean()` or `len(...)`."
        return None, invalid(f"You gave {describe(answer)}, but this question wants one number (数值).{tip}")
    if isinstance(answer, str):
        try:
            float(answer.replace(",", "").replace("%", ""))
            return None, invalid(f"You gave the text (字符串) {answer!r}; give the number itself, without quotes.")
        except ValueError:
            return None, invalid(f"You gave the text (字符串) {answer!r}; this question wants a number (数值).")
    if isinstance(answer, (pd.Timestamp, pd.Timedelta)):
        return None, invalid(f"You gave a {type(answer).__name__}; this question wants a plain number (数值).")
    if not isinstance(answer, numbers.Number):
        try:
            value = float(answer)
        except Exception:
            return None, invalid(f"You gave {describe(answer)}; this question wants a number (数值).")
    else:
        try:
            value = float(answer)
        except Exception:  # complex and friends
            return None, invalid(f"You gave {describe(answer)} that is not a real number (实数).")
    if math.isnan(value):
        return None, invalid("Your answer is NaN (not a number, 缺失值): the calculation probably met missing "
                             "values or divided by zero. Check the rows you used.")
    return value, None


class Number(Kind):
    """One number, right within ``max(rel * |expected|, abs)``.

    ``share=True`` marks a share between 0 and 1 (比例): a percentage such as
    62.5 for 0.625 gets its own tip.
    """
    label = "number"

    def __init__(self, rel: float = 1e-3, abs: float = 1e-6, share: bool = False, unit: str = ""):
        self.rel, self.abs, self.share, self.unit = rel, abs, share, unit

    def judge(self, answer, expected) -> Verdict:
        value, problem = as_number(answer)
        if problem:
            return problem
        e = float(expected)
        if _close(value, e, self.rel, self.abs):
            return correct()
        if math.isinf(value):
            return wrong("Your answer is infinite (无穷大): something was divided by zero.")
        if self.share and value > 1 and _close(value / 100, e, self.rel, self.abs):
            return wrong(f"It looks like a percentage (百分数) {value:g}; give the share as a decimal between 0 and 1 (比例).")
        if self.share and not 0 <= value <= 1:
            return wrong(f"{value:g} cannot be a share (比例): a share lies between 0 and 1.")
        if e != 0 and _close(-value, e, self.rel, self.abs):
            return wrong("Right size, wrong sign (正负号): check which amount you subtracted from which.")
        if e != 0 and abs(value - e) <= 0.05 * abs(e):
            return wrong("Close, but not within the tolerance (误差范围): check rounding and exactly which rows you included.")
        return wrong("Not the right value yet (答案不正确). Check which rows and columns you used; `hint()` can help.")

    def show_expected(self, expected) -> str:
        return _short(float(expected)) + (f" {self.unit}" if self.unit else "")


# --- one label --------------------------------------------------------------------
def _label(value) -> str:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().casefold()


def option_list(options: dict) -> str:
    """Lettered options as a Markdown list for a question's text: ``- **A** — ...``."""
    return "\n".join(f"- **{k}** — {v}" for k, v in options.items())


class Choice(Kind):
    """One label out of a few (a tier, a segment, a method), compared without case or spaces."""
    label = "choice"
    wants_text = True

    def __init__(self, options=None):
        self.options = tuple(options) if options is not None else None

    def judge(self, answer, expected) -> Verdict:
        if isinstance(answer, (pd.Series, pd.Index, list, tuple, set, np.ndarray, pd.DataFrame, dict)):
            return invalid(f"You gave {describe(answer)}; this question wants one label (一个标签), "
                           f"e.g. {self._example()}.")
        if _is_missing_scalar(answer):
            return invalid("Your answer is a missing value (缺失值); give one label.")
        given = _label(answer)
        if self.options is not None and given not in {_label(o) for o in self.options}:
            return wrong(f"{str(answer)!r} is not one of the options (选项): {', '.join(map(str, self.options))}.")
        if given == _label(expected):
            return correct()
        return wrong("Not the right choice yet (选择不正确). Look again at the numbers that decide it.")

    def _example(self) -> str:
        return repr(self.options[0]) if self.options else "'A'"


# --- a set or a ranked list of ids ---------------------------------------------------
def _id(value):
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return value if isinstance(value, int) else str(value).strip()


def as_id_list(answer) -> tuple[list | None, Verdict | None]:
    if isinstance(answer, pd.DataFrame):
        return None, invalid(f"You gave {describe(answer)}; give the ids themselves as a list, e.g. "
                             "`table['customer_id'].tolist()` or `list(table.index)`.")
    if isinstance(answer, (str, bytes)) or isinstance(answer, numbers.Number) or isinstance(answer, dict):
        return None, invalid(f"You gave {describe(answer)}; this question wants a list of ids (编号列表), e.g. [12, 57, 301].")
    if isinstance(answer, np.ndarray) and answer.ndim != 1:
        return None, invalid(f"You gave {describe(answer)}; give a flat list of ids (编号列表).")
    try:
        values = list(answer)
    except TypeError:
        return None, invalid(f"You gave {describe(answer)}; this question wants a list of ids (编号列表).")
    if any(_is_missing_scalar(v) for v in values):
        return None, invalid("Your list contains missing values (缺失值, NaN); drop them before answering.")
    return [_id(v) for v in values], None


class IdSet(Kind):
    """Which customers (or leads, shipments...): a set, or with ``ordered=True`` a ranked list."""
    label = "ids"

    def __init__(self, ordered: bool = False, what: str = "ids"):
        self.ordered, self.what = ordered, what

    def judge(self, answer, expected) -> Verdict:
        given, problem = as_id_list(answer)
        if problem:
            return problem
        want = [_id(v) for v in expected]
        if self.ordered:
            if given == want:
                return correct()
            if len(given) == len(want) and sorted(map(str, given)) == sorted(map(str, want)):
                return wrong(f"The right {self.what}, but not in the right order (排序): check how you sorted.")
        if len(set(map(str, given))) < len(given):
            return wrong(f"Your list repeats some {self.what} (重复); each should appear once (try `.unique()`).")
        g, w = set(map(str, given)), set(map(str, want))
        if g == w and not self.ordered:
            return correct()
        extra, missing = len(g - w), len(w - g)
        parts = []
        if extra:
            parts.append(f"{extra} of yours should not be there")
        if missing:
            parts.append(f"{missing} are missing")
        return wrong(f"Not quite: {' and '.join(parts)} (the answer has {len(w)} {self.what}). "
                     "Check your filter (筛选条件).")


# --- labelled values: a Series --------------------------------------------------------
def _labels(index) -> list[str]:
    return [_label(v) for v in index]


def _values_match(a: pd.Series, e: pd.Series, rel: float, abs_: float) -> np.ndarray:
    """Element-wise match of two aligned Series: numbers with tolerance, the rest as labels."""
    if pd.api.types.is_numeric_dtype(e.dtype) and not pd.api.types.is_bool_dtype(e.dtype):
        av = pd.to_numeric(a, errors="coerce").to_numpy(dtype=float)
        ev = e.to_numpy(dtype=float)
        both_nan = np.isnan(av) & np.isnan(ev)
        with np.errstate(invalid="ignore"):
            ok = np.abs(av - ev) <= np.maximum(rel * np.abs(ev), abs_)
        return ok | both_nan
    return np.array([_label(x) == _label(y) for x, y in zip(a.tolist(), e.tolist())], dtype=bool)


def as_series(answer) -> tuple[pd.Series | None, Verdict | None]:
    if isinstance(answer, pd.Series):
        return answer, None
    if isinstance(answer, dict):
        return pd.Series(answer, dtype=object if not answer else None), None
    if isinstance(answer, pd.DataFrame):
        if answer.shape[1] == 1:
            return answer.iloc[:, 0], None
        return None, invalid(f"You gave {describe(answer)}; this question wants one column of values "
                             "(a Series, 序列), e.g. `table['column']` or a `groupby(...)['column'].mean()`.")
    return None, invalid(f"You gave {describe(answer)}; this question wants a Series (序列) of values "
                         "with labels, e.g. the result of `groupby(...)['column'].mean()`.")


class SeriesMatch(Kind):
    """Values with labels (e.g. churn rate per tier): every label present, every value close.

    Labels compare as trimmed lower-case text (a categorical index and plain
    strings match); the order does not matter unless ``ordered=True``.
    """
    label = "series"

    def __init__(self, rel: float = 1e-3, abs: float = 1e-6, ordered: bool = False, share: bool = False):
        self.rel, self.abs, self.ordered, self.share = rel, abs, ordered, share

    def judge(self, answer, expected) -> Verdict:
        series, problem = as_series(answer)
        if problem:
            return problem
        if isinstance(series.index, pd.MultiIndex) != isinstance(expected.index, pd.MultiIndex):
            return invalid("Your labels (索引) do not have the expected number of levels: check what you grouped by.")
        given, want = _labels(series.index), _labels(expected.index)
        if len(set(given)) < len(given):
            return invalid("Some labels (索引) appear more than once; group so each label appears once.")
        if set(given) != set(want):
            extra = [str(series.index[i]) for i, g in enumerate(given) if g not in set(want)]
            missing = [str(expected.index[i]) for i, w in enumerate(want) if w not in set(given)]
            parts = []
            if missing:
                parts.append(f"missing labels: {', '.join(missing[:5])}")
            if extra:
                parts.append(f"unexpected labels: {', '.join(extra[:5])}")
            return wrong(f"The labels (索引) are not right: {'; '.join(parts)}. Check what you grouped by (分组).")
        if self.ordered and given != want:
            return wrong("The right labels, but not in the right order (排序): check how you sorted.")
        aligned = pd.Series(series.to_numpy(), index=given).reindex(want)
        want_series = pd.Series(expected.to_numpy(), index=want)
        if aligned.isna().all() and not want_series.isna().all():
            return invalid("All your values are missing (缺失值, NaN): check the calculation.")
        ok = _values_match(aligned, want_series, self.rel, self.abs)
        if ok.all():
            return correct()
        if self.share:
            scaled = pd.to_numeric(aligned, errors="coerce") / 100
            if _values_match(scaled, want_series, self.rel, self.abs).all():
                return wrong("These look like percentages (百分数); give shares between 0 and 1 (比例).")
        bad = [str(expected.index[i]) for i in np.flatnonzero(~ok)]
        return wrong(f"{len(bad)} of {len(ok)} values are not right yet (数值不对), e.g. for {bad[0]!r}. "
                     "Check the calculation for that group.")

    def show_expected(self, expected) -> str:
        return _short(expected.round(6) if pd.api.types.is_float_dtype(expected.dtype) else expected)


# --- a table ---------------------------------------------------------------------------
class FrameMatch(Kind):
    """A table: the needed columns present (extra ones are fine), the rows and values right.

    ``index=True`` compares the row labels too; otherwise rows are matched after
    sorting (unless ``ordered=True``), so the order of rows does not matter.
    """
    label = "table"

    def __init__(self, columns=None, rel: float = 1e-3, abs: float = 1e-6, index: bool = False, ordered: bool = False):
        self.columns = tuple(columns) if columns is not None else None
        self.rel, self.abs, self.index, self.ordered = rel, abs, index, ordered

    def judge(self, answer, expected) -> Verdict:
        if isinstance(answer, pd.Series) and self.index:
            answer = answer.to_frame()
        if not isinstance(answer, pd.DataFrame):
            return invalid(f"You gave {describe(answer)}; this question wants a table (DataFrame, 数据表).")
        columns = list(self.columns or expected.columns)
        missing = [c for c in columns if c not in answer.columns]
        if missing:
            return invalid(f"Your table has no column(s) {', '.join(map(repr, missing))} (缺少列); "
                           f"it has {', '.join(map(repr, list(answer.columns)[:8]))}.")
        if len(answer) != len(expected):
            return wrong(f"Your table has {len(answer)} rows but should have {len(expected)} (行数不对): "
                         "check your filter or grouping.")
        a, e = answer[columns], expected[columns]
        if self.index:
            given, want = _labels(a.index), _labels(e.index)
            if set(given) != set(want):
                return wrong("The row labels (行索引) are not right: check what you grouped by or set as index.")
            a = a.set_axis(given).reindex(want)
            e = e.set_axis(want)
        elif not self.ordered:
            a = _sorted_rows(a)
            e = _sorted_rows(e)
        else:
            a, e = a.reset_index(drop=True), e.reset_index(drop=True)
        for col in columns:
            if not _values_match(a[col].reset_index(drop=True), e[col].reset_index(drop=True), self.rel, self.abs).all():
                hint = " or the order of rows (排序)" if self.ordered else ""
                return wrong(f"The column {col!r} does not hold the right values yet (数值不对): check its calculation{hint}.")
        return correct()

    def show_expected(self, expected) -> str:
        return _short(expected[list(self.columns or expected.columns)])


def _sorted_rows(df: pd.DataFrame) -> pd.DataFrame:
    keys = pd.DataFrame({c: df[c].map(_sort_key) for c in df.columns})
    order = keys.sort_values(list(keys.columns), kind="mergesort").index
    return df.loc[order].reset_index(drop=True)


def _sort_key(v):
    if isinstance(v, (numbers.Number, np.number)) and not isinstance(v, bool):
        f = float(v)
        return f"{'n' if math.isnan(f) else 'a'}{round(f, 4):+025.6f}"
    return f"z{_label(v)}"


# --- text ----------------------------------------------------------------------------
def as_text(answer) -> tuple[str | None, Verdict | None]:
    if not isinstance(answer, str):
        return None, invalid(f"You gave {describe(answer)}; write your answer as text (字符串) in quotes, "
                             'e.g. answer = "Because ...".')
    text = answer.strip()
    if not text or text in {"...", "…"} or text.lower().startswith("your answer"):
        return None, unanswered("Not answered yet (未完成): write your answer between the quotes.")
    return text, None


class Keywords(Kind):
    """Short text graded by key ideas: each group lists synonyms (English and Chinese).

    Correct when at least ``need`` groups (default: all) appear; ``partial=True``
    gives a share of the points per idea found.
    """
    label = "text"
    wants_text = True

    def __init__(self, groups, need: int | None = None, partial: bool = False):
        self.groups = [tuple(g) if isinstance(g, (list, tuple)) else (g,) for g in groups]
        self.need = len(self.groups) if need is None else need
        self.partial = partial

    def judge(self, answer, expected=None) -> Verdict:
        text, problem = as_text(answer)
        if problem:
            return problem
        low = text.casefold()
        found = sum(any(word.casefold() in low for word in group) for group in self.groups)
        if found >= self.need:
            return correct("Correct! Your answer covers the key ideas (要点).")
        short = self.need - found
        score = found / self.need if self.partial else 0.0
        return wrong(f"Your answer misses {short} of the key ideas (要点) this question is about. "
                     "Name them explicitly; `hint()` can help.", score)

    def show_expected(self, expected=None) -> str:
        return "key ideas: " + " / ".join("|".join(g) for g in self.groups)


class TeacherGraded(Kind):
    """Free text the teacher reads: the check only confirms something substantial was written."""
    label = "teacher"
    wants_text = True

    def __init__(self, min_chars: int = 20):
        self.min_chars = min_chars

    def judge(self, answer, expected=None) -> Verdict:
        text, problem = as_text(answer)
        if problem:
            return problem
        if len(text) < self.min_chars:
            return invalid(f"Your answer is very short ({len(text)} characters); write at least "
                           f"{self.min_chars} characters (字) so your teacher can follow your reasoning.")
        return Verdict(SUBMITTED, "📝 Saved for your teacher to read (教师评阅); there is no automatic mark.", 0.0)

    def show_expected(self, expected=None) -> str:
        return "teacher-graded (教师评阅)"


class Custom(Kind):
    """Escape hatch: ``fn(answer, expected) -> (ok_or_score, message)``."""
    label = "custom"

    def __init__(self, fn, wants_text: bool = False):
        self.fn, self.wants_text = fn, wants_text

    def judge(self, answer, expected) -> Verdict:
        ok, message = self.fn(answer, expected)
        score = float(ok)
        if score >= 1:
            return correct(message or "Correct! (回答正确)")
        return wrong(message or "Not right yet (答案不正确).", score)
