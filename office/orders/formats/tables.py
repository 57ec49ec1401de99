"""Opening one uploaded file as a table: its header row and an iterator over the records
after it (a record may span lines: a spreadsheet shows it as one row).

CSV comes in UTF-8 with or without a BOM (PDD, Douyin), GBK/GB18030 (Taobao, JD), or the
UTF-16 "Unicode text" Excel saves; tab- or comma-separated. XLSX is read with openpyxl in
read-only, values-only mode, once ``check_workbook`` has found that it unpacks to no more than
ORDER_IMPORT_XLSX_MAX_UNPACKED_BYTES at no more than ORDER_IMPORT_XLSX_MAX_RATIO times its packed
size (a 1 MB upload must not become 240 MB of XML to parse). No file may hold more than
ORDER_IMPORT_MAX_ROWS records. Nothing here knows a platform.
"""
from __future__ import annotations

import codecs
import csv
import io
import itertools
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from flask_babel import gettext as _

from office.orders.formats.cells import header_key, header_label

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (OLE2)
CHUNK = 1 << 20
# Told the size of each chunk of CSV read, while formats.parse has a progress to report
# (the import job's progress bar); a context variable, so each job's thread has its own.
read_bytes: ContextVar[Callable[[int], None] | None] = ContextVar("read_bytes", default=None)


class Unreadable(Exception):
    """The file cannot be opened as a table; str(error) says why, for a row-0 RowError."""


class TooManyRows(Unreadable):
    """Raised while a CSV file's rows are read (its size is known only then); ``file`` names it."""

    def __init__(self, file: str, message: str):
        super().__init__(message)
        self.file = file


def _limit(name: str) -> int:
    """One of the caps above: the app's setting (office/config.py), or its default outside an app."""
    from flask import current_app, has_app_context

    from office.config import Defaults

    return int(current_app.config[name] if has_app_context() else getattr(Defaults, name))


def _too_many_rows(limit: int) -> str:
    most = format(limit, ",")
    return _("The file has more than %(n)s rows, more than one import may take: export fewer orders at a time "
             "(a shorter date range).", n=most)


def check_workbook(data: bytes) -> None:
    """Raise Unreadable unless the workbook's zip unpacks to a size and at a ratio an export
    can have. Reads only the zip's directory; the sizes it declares are what zipfile will
    unpack at most (it stops a member at its declared size), so a lying directory cannot
    sneak more past this check."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        reason = str(error) or type(error).__name__
        raise Unreadable(_("The Excel file could not be opened: %(error)s", error=reason)) from None
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    most = _limit("ORDER_IMPORT_XLSX_MAX_UNPACKED_BYTES")
    if unpacked > most:
        size, most = format(unpacked / 1e6, ",.0f"), format(most / 1e6, ",.0f")
        raise Unreadable(_("This Excel file unpacks to %(size)s MB, more than the %(most)s MB one import may read: "
                           "export fewer orders at a time (a shorter date range), or as CSV.", size=size, most=most))
    ratio = _limit("ORDER_IMPORT_XLSX_MAX_RATIO")
    # Small workbooks may pack their few repeated bytes very tightly and cost nothing to read.
    if unpacked > CHUNK and unpacked > ratio * max(packed, 1):
        times = format(unpacked / max(packed, 1), ",.0f")
        raise Unreadable(_("This Excel file unpacks to %(times)s times its size, far more than an order export "
                           "does; it was not read.", times=times))


@dataclass(slots=True)
class Table:
    name: str
    labels: list[str]  # the header cells as written, trimmed
    keys: list[str]  # the header cells normalised for matching (cells.header_key)
    rows: Iterator[list]  # the records after the header, which is row 1; an empty line is [""]

    @property
    def key_set(self) -> frozenset[str]:
        return frozenset(self.keys)


def open_table(name: str, data: bytes, header_only: bool = False) -> Table:
    """The file as a Table, or Unreadable. ``header_only`` spares reading a workbook's rows
    when only the header matters (detection); a CSV's rows are read lazily anyway."""
    if not data or data.isspace():
        raise Unreadable(_("The file is empty."))
    if data.startswith(XLSX_MAGIC):
        return _xlsx_table(name, data, header_only)
    if data.startswith(XLS_MAGIC):
        raise Unreadable(_("Old Excel files (.xls) cannot be read: save the file as .xlsx or CSV and upload it again."))
    return _csv_table(name, data)


def _encoding(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _decodes(data, "utf-8-sig"):
        return "utf-8-sig"
    # Not checked ahead like UTF-8 (decoding GBK is slow, and a 40 MB export would be decoded
    # twice): a bad byte further on stops the reading with an error on that row.
    head = data[:65536]
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=len(head) == len(data))
    except UnicodeDecodeError:
        raise Unreadable(_("The file is neither UTF-8 nor GBK text, nor an Excel workbook.")) from None
    return "gb18030"


def _decodes(data: bytes, encoding: str) -> bool:
    # Chunk by chunk, so checking a 40 MB export does not hold a second copy of it as text.
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    try:
        for start in range(0, len(data), CHUNK):
            decoder.decode(view[start:start + CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _csv_table(name: str, data: bytes) -> Table:
    encoding = _encoding(data)
    lines = _lines(data, encoding)
    try:
        first = next(lines)
    except StopIteration:
        raise Unreadable(_("The file is empty.")) from None
    first = first.lstrip("\ufeff")
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    records = _records(itertools.chain([first], lines), delimiter)
    try:
        header = next(records)
    except csv.Error as error:
        raise Unreadable(_("The file is not a readable CSV table: %(error)s", error=str(error))) from None
    return _table(name, header, _capped(name, records, _limit("ORDER_IMPORT_MAX_ROWS")))


def _capped(name: str, records: Iterator[list[str]], limit: int) -> Iterator[list[str]]:
    """The records, or TooManyRows once there are more than ``limit`` (read lazily: a CSV's row
    count is known only by reading it)."""
    yield from itertools.islice(records, limit)
    for _extra in records:
        raise TooManyRows(name, _too_many_rows(limit))


def _lines(data: bytes, encoding: str) -> Iterator[str]:
    """The decoded text split at "\n" (without it), a megabyte at a time."""
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    rest = ""
    tell = read_bytes.get()
    for start in range(0, len(data), CHUNK):
        if tell is not None:
            tell(min(CHUNK, len(data) - start))
        pieces = (rest + decoder.decode(view[start:start + CHUNK])).split("\n")
        rest = pieces.pop()
        yield from pieces
    rest += decoder.decode(b"", final=True)
    if rest:
        yield from rest.split("\n")


def _records(lines: Iterator[str], delimiter: str) -> Iterator[list[str]]:
    """CSV records. A line where no cell starts with a quote is one record that str.split
    reads exactly as the csv module would (Taobao's ="…" guards are mid-cell quotes, taken
    literally by both), several times faster; any other line goes to the csv module, which
    reads on into the following lines while a quoted cell (a buyer's message) spans them."""
    quoted_cell = delimiter + '"'
    feed = _Feed(lines)
    reader = csv.reader(feed, delimiter=delimiter)
    for line in lines:
        if line[:1] != '"' and quoted_cell not in line:
            if line[-1:] == "\r":
                line = line[:-1]
            yield line.split(delimiter)
        else:
            feed.pending = line
            yield next(reader)


class _Feed:
    """The csv module's input: the line handed over, then as many of the following lines as
    a quoted cell needs, each with the line end it needs to keep inside the cell."""

    __slots__ = ("lines", "pending")

    def __init__(self, lines: Iterator[str]):
        self.lines = lines
        self.pending: str | None = None

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.pending
        if line is None:
            return next(self.lines) + "\n"
        self.pending = None
        return line + "\n"


def _xlsx_table(name: str, data: bytes, header_only: bool = False) -> Table:
    from openpyxl import load_workbook

    check_workbook(data)
    limit = _limit("ORDER_IMPORT_MAX_ROWS")
    try:
        # openpyxl warns about styles and extensions it ignores; the export's values are all we need.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0]
                # Platforms cap XLSX exports at tens of thousands of rows: holding them is fine,
                # and the workbook can be closed before parsing starts.
                found = sheet.iter_rows(values_only=True, max_row=1 if header_only else None)
                # The header and at most ``limit`` records, plus one to tell that there are more.
                rows = [[("" if cell is None else cell) for cell in row] for row in itertools.islice(found, limit + 2)]
            finally:
                workbook.close()
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, IndexError) as error:
        reason = str(error) or type(error).__name__
        raise Unreadable(_("The Excel file could not be opened: %(error)s", error=reason)) from None
    if not rows:
        raise Unreadable(_("The file is empty."))
    if len(rows) > limit + 1:
        raise Unreadable(_too_many_rows(limit))
    return _table(name, rows[0], iter(rows[1:]))


def _table(name: str, header: list, rows: Iterator[list]) -> Table:
    while header and header_key(header[-1]) == "":
        header = header[:-1]
    if not header:
        raise Unreadable(_("The first row of the file is empty: it should hold the column names."))
    return Table(name=name, labels=[header_label(cell) for cell in header], keys=[header_key(cell) for cell in header],
                 rows=rows)
