"""Chinese text in matplotlib figures, on any machine.

matplotlib's default font (DejaVu Sans) has no Chinese glyphs: labels turn
into boxes and every missing glyph raises a "Glyph ... missing from" warning.
``use_cjk_font()`` picks a CJK font that matplotlib has *actually registered*
(asking for absent names floods "findfont" warnings), or registers the
WenQuanYi Micro Hei font shipped in ``courier_sim/fonts/``, and puts it
*after* the default family, so Latin text keeps its usual look and only the
Chinese characters fall back to the CJK font.

If no CJK font can be found at all it warns once, and ``bilingual()`` drops
the Chinese half of labels so charts still render cleanly.
"""
from __future__ import annotations

import logging
import warnings
from pathlib import Path

import matplotlib
from matplotlib import font_manager

FONT_DIR = Path(__file__).resolve().parent / "fonts"
SHIPPED_FONT = FONT_DIR / "wqy-microhei.ttc"
SHIPPED_FAMILY = "WenQuanYi Micro Hei"

# System families to prefer over the shipped font (they are usually more
# polished), Simplified-Chinese faces first. Only names matplotlib has
# registered are ever used.
PREFERRED = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "Source Han Sans CN",
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC",
    "Hiragino Sans GB", "Heiti SC", "SimHei", "Sarasa Gothic SC",
)
# Faces that cover Chinese but with other regional glyph forms: used only
# when neither a preferred family nor the shipped font is available.
LAST_RESORT = ("Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans JP", "Arial Unicode MS", "Droid Sans Fallback")
KNOWN_CJK = frozenset(PREFERRED + LAST_RESORT + (SHIPPED_FAMILY,))


class CJKFontWarning(UserWarning):
    """No font with Chinese glyphs could be found for matplotlib."""


_family: str | None = None   # the chosen family, once decided
_decided = False
_warned = False


class _NoBoldNoise(logging.Filter):
    """Drop matplotlib's 'Failed to find font weight bold for <CJK family>' log lines.

    CJK fonts usually have a single weight; matplotlib then logs one line per
    bold request and draws the regular face anyway, which is what we want.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not ("Failed to find font weight" in message and any(name in message for name in KNOWN_CJK))


_FILTER = _NoBoldNoise()


def registered_families() -> set[str]:
    """Family names matplotlib's font manager knows right now."""
    return {f.name for f in font_manager.fontManager.ttflist}


def _register_shipped() -> str | None:
    """Add the shipped font file to matplotlib (no install, no cache rebuild); its family or None."""
    if not SHIPPED_FONT.is_file():
        return None
    path = str(SHIPPED_FONT)
    manager = font_manager.fontManager
    if not any(f.fname == path for f in manager.ttflist):
        try:
            manager.addfont(path)
        except (OSError, RuntimeError, ValueError):
            return None
    names = [f.name for f in manager.ttflist if f.fname == path]
    return SHIPPED_FAMILY if SHIPPED_FAMILY in names else (names[0] if names else None)


def _choose() -> str | None:
    known = registered_families()
    for name in PREFERRED:
        if name in known:
            return name
    shipped = _register_shipped()
    if shipped:
        return shipped
    known = registered_families()
    for name in LAST_RESORT:
        if name in known:
            return name
    return None


def _apply(family: str | None) -> None:
    """Default family first, CJK family as fallback; strip CJK names we may have added before."""
    rc = matplotlib.rcParams
    current = rc["font.family"]
    current = [current] if isinstance(current, str) else list(current)
    base = [f for f in current if f not in KNOWN_CJK] or ["sans-serif"]
    rc["font.family"] = base + ([family] if family else [])
    sans = [f for f in rc["font.sans-serif"] if f not in KNOWN_CJK]
    rc["font.sans-serif"] = sans + ([family] if family else [])
    rc["axes.unicode_minus"] = False


def use_cjk_font(refresh: bool = False) -> str | None:
    """Make matplotlib draw Chinese; return the CJK family used, or None.

    Idempotent and cheap: the font is chosen once per process, but the
    rcParams are re-applied on every call (a ``plt.style.use`` or
    ``rcdefaults()`` in between would otherwise undo them).
    ``refresh=True`` chooses again (after installing a font, or in tests).
    """
    global _family, _decided, _warned
    if refresh or not _decided:
        _family = _choose()
        _decided = True
    if _family is None and not _warned:
        _warned = True
        warnings.warn(
            "No Chinese (CJK) font is available to matplotlib, so chart labels will be "
            "English only. Reinstall courier-sim (it ships WenQuanYi Micro Hei) or install "
            "a CJK font, e.g. `apt-get install fonts-wqy-microhei` or `fonts-noto-cjk`.",
            CJKFontWarning, stacklevel=2)
    _apply(_family)
    logger = logging.getLogger("matplotlib.font_manager")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
    return _family


def cjk_family() -> str | None:
    """The CJK family in use (choosing it if needed), or None."""
    return _family if _decided else use_cjk_font()


def bilingual(en: str, zh: str | None = None, wrap: bool = False) -> str:
    """'English (中文)', or just the English when no CJK font can draw the Chinese.

    ``wrap=True`` puts the Chinese on a second line (narrow panel titles).
    """
    if not zh or cjk_family() is None:
        return en
    return f"{en}\n{zh}" if wrap else f"{en} ({zh})"
