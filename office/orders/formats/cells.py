"""Reading one cell of a platform's export: text freed of spreadsheet guards, amounts, times
and quantities, each parsed once and cheaply, because a benchmark file has 300,000 rows.

Every parser returns BAD for a value it cannot read, never raises: the caller turns BAD
into a RowError naming the row and column. Cells come as str from CSV, and as str, int,
float or datetime from XLSX (openpyxl, values only).
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
BAD = object()  # a value the column's parser could not read

# What the platforms write for "nothing" (PDD and Douyin use "-", JD exports "null").
EMPTY = frozenset({"", "-", "--", "null", "NULL", "Null"})

# The platforms print Beijing time; China keeps UTC+8 all year (no DST since 1991), so a
# fixed offset is exact for any order a shop can still export, and much faster than zoneinfo.
BEIJING_OFFSET = dt.timedelta(hours=8)
EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # Excel's day 0 (it counts 1900 as a leap year)
# Serial numbers of 1990-01-01 and 2100-01-01: a number outside is not a date.
EXCEL_SERIAL_MIN, EXCEL_SERIAL_MAX = 32874, 73051

_SPACES = " \t\r\n\u3000\xa0\ufeff"


def text(value) -> str:
    """The cell's text without guards: ``="123"`` (Taobao), a leading tab (Douyin) or
    apostrophe (phone numbers saved by Excel), stray spaces; "-" / "null" → ""."""
    if value.__class__ is not str:
        return _other_text(value)
    if not value:
        return ""
    value = value.strip(_SPACES)
    if value and value[0] in "='\"":
        value = _unguard(value)
    if value in EMPTY:
        return ""
    return value


def _unguard(value: str) -> str:
    if value[0] == "=" and len(value) >= 3 and value[1] == '"' and value[-1] == '"':
        value = value[2:-1].strip(_SPACES)
    if value and value[0] == "'":
        value = value[1:].strip(_SPACES)
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        value = value[1:-1].strip(_SPACES)
    return value


def _other_text(value) -> str:
    if value is None:
        return ""
    if value.__class__ is float:
        # Whole numbers come back from XLSX as floats (12.0): show them as written.
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return text(str(value))


def single_line(value) -> str:
    """Text with runs of spaces and line breaks folded (addresses: 浙江省  杭州市\\n西湖区)."""
    value = text(value)
    if "  " in value or "\n" in value or "\t" in value or "\r" in value or "\u3000" in value:
        return " ".join(value.split())
    return value


# ---------------------------------------------------------------- amounts

_amounts: dict = {}
_AMOUNT_STRIP = "¥￥元 "


def amount(value):
    """A Decimal with two places (``1,299.00``, ``¥59.9``, ``59.90元``); "" → 0.00; BAD."""
    found = _amounts.get(value)
    if found is not None:
        return found
    if value.__class__ is str:
        raw = text(value)
        if not raw:
            return ZERO
        cleaned = raw.replace(",", "").replace("，", "").strip(_AMOUNT_STRIP)
    elif value is None:
        return ZERO
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        cleaned = repr(value) if value.__class__ is float else str(value)
    else:
        return BAD
    try:
        parsed = Decimal(cleaned)
    except (InvalidOperation, ValueError):
        return BAD
    if not parsed.is_finite():
        return BAD
    parsed = parsed.quantize(CENT, rounding=ROUND_HALF_UP)
    # Most amounts repeat (0.00, 59.90, the same price on many lines): parse each once.
    if len(_amounts) > 100_000:
        _amounts.clear()
    _amounts[value] = parsed
    return parsed


# ---------------------------------------------------------------- quantities

def quantity(value):
    """A whole number above zero ("2", "2.0", 2, 2.0); BAD otherwise."""
    if value.__class__ is str:
        raw = text(value)
        if raw.isdecimal():
            number = int(raw)
            return number if number > 0 else BAD
        if not raw:
            return BAD
        try:
            parsed = Decimal(raw.replace(",", ""))
        except (InvalidOperation, ValueError):
            return BAD
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        parsed = Decimal(repr(value)) if value.__class__ is float else Decimal(value)
    else:
        return BAD
    if not parsed.is_finite() or parsed != parsed.to_integral_value() or parsed <= 0:
        return BAD
    return int(parsed)


# ---------------------------------------------------------------- times

_LOOSE_TIME = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2})(?:\.\d+)?)?\s*秒?)?$"
)
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?$")


def moment(value):
    """Beijing time as written by the platform → naive UTC; "" → None; BAD.

    ``2026-11-11 00:00:05``, ``2026/11/11 0:00``, ``2026年11月11日 08:30``, an Excel serial
    number (45972.5) or a datetime cell from XLSX."""
    found = _moments.get(value)
    if found is not None:
        return found
    if value.__class__ is str:
        raw = text(value)
        if not raw:
            return None
        try:
            parsed = dt.datetime.fromisoformat(raw)
        except ValueError:
            parsed = _loose_time(raw)
            if parsed is BAD:
                return BAD
    elif isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        parsed = _excel_serial(value)
        if parsed is BAD:
            return BAD
    elif value is None:
        return None
    else:
        return BAD
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.timezone.utc).replace(tzinfo=None)
    else:
        parsed -= BEIJING_OFFSET
    # A big sale puts many orders in the same second: each distinct time is parsed once.
    if len(_moments) > 100_000:
        _moments.clear()
    _moments[value] = parsed
    return parsed


_moments: dict = {}


def _loose_time(raw: str):
    match = _LOOSE_TIME.match(raw)
    if match is None:
        if _SERIAL.match(raw):
            return _excel_serial(float(raw))
        return BAD
    year, month, day, hour, minute, second = match.groups()
    try:
        return dt.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        return BAD


def _excel_serial(number: float):
    if not EXCEL_SERIAL_MIN <= number <= EXCEL_SERIAL_MAX:
        return BAD
    # Round to the second: serials carry float noise (0.999999 of a second).
    return EXCEL_EPOCH + dt.timedelta(seconds=round(number * 86400))


# ---------------------------------------------------------------- order numbers

_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?[eE]\+?\d+$")


def order_number(value):
    """The order number as text; BAD when a spreadsheet turned it into a number and lost
    digits (6.91792676882364E+18, or a float cell too big to hold it)."""
    if value.__class__ is str:
        raw = text(value)
        if raw.isdigit() or "+" not in raw or not _SCIENTIFIC.match(raw):
            return raw
        return BAD
    if value.__class__ is float and (not value.is_integer() or abs(value) >= 2**53):
        return BAD
    return _other_text(value)


# ---------------------------------------------------------------- headers

_HEADER_TABLE = str.maketrans({
    "（": "(", "）": ")", "：": ":", "【": "[", "】": "]",
    " ": None, "\t": None, "\r": None, "\n": None, "\u3000": None, "\xa0": None, "\ufeff": None,
    '"': None, "'": None, "=": None, "*": None,
})


def header_key(value) -> str:
    """A header as matched: no spaces, BOM, guards or required-marks (*), ASCII parentheses,
    lower case ("商品ID" = "商品id", "商品数量（件） " = "商品数量(件)")."""
    if value is None:
        return ""
    return str(value).translate(_HEADER_TABLE).lower()


def header_label(value) -> str:
    """A header as shown in an error: the file's own words, trimmed."""
    if value is None:
        return ""
    return str(value).strip(_SPACES)
