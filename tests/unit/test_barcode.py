"""Code 128 barcodes for shipping notes (office/orders/notes.py): symbol choice (set B, set C for
digit runs), the check symbol, the bar widths, and the SVG read back bar by bar."""
import xml.etree.ElementTree as ET

import pytest

from office.orders.notes import (
    CODE_B,
    CODE_C,
    PATTERNS,
    QUIET_MODULES,
    START_B,
    START_C,
    STOP,
    BarcodeError,
    code128_svg,
    code128_values,
    code128_widths,
)

SVG = "{http://www.w3.org/2000/svg}"

# Module strings (1 = bar, 0 = space) as published for Code 128, written out independently of
# PATTERNS: Start B, "H", "i", the check symbol 84 and the stop pattern with its final bar.
HI_MODULES = "11010010000" "11000101000" "10000110100" "10011110100" "1100011101011"


def modules_of(widths: list[int]) -> str:
    return "".join(("1" if i % 2 == 0 else "0") * w for i, w in enumerate(widths))


def read_svg(svg: str) -> tuple[ET.Element, str]:
    """Parse the SVG and turn its bars back into a module string (quiet zones stripped)."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    total = int(root.get("viewBox").split()[2])
    modules = ["0"] * total
    for rect in root.iter(f"{SVG}rect"):
        x, width = int(rect.get("x")), int(rect.get("width"))
        for i in range(x, x + width):
            assert modules[i] == "0", "bars overlap"
            modules[i] = "1"
    text = "".join(modules)
    assert text[:QUIET_MODULES] == "0" * QUIET_MODULES and text[-QUIET_MODULES:] == "0" * QUIET_MODULES
    return root, text[QUIET_MODULES:-QUIET_MODULES]


def decode(modules: str) -> list[int]:
    """Symbol values from a module string, by the published 11-module patterns."""
    table = {modules_of([int(w) for w in p]): value for value, p in enumerate(PATTERNS[:STOP])}
    assert modules.endswith(modules_of([int(w) for w in PATTERNS[STOP]]))
    body = modules[: -13]
    assert len(body) % 11 == 0
    return [table[body[i:i + 11]] for i in range(0, len(body), 11)] + [STOP]


def test_the_table_has_every_symbol_once_with_code128s_shape():
    assert len(PATTERNS) == 107 and len(set(PATTERNS)) == 107
    for value, pattern in enumerate(PATTERNS):
        widths = [int(w) for w in pattern]
        assert all(1 <= w <= 4 for w in widths)
        if value == STOP:
            assert sum(widths) == 13 and len(widths) == 7
        else:
            # Six elements, eleven modules, and an even number of bar modules (the symbology's parity).
            assert len(widths) == 6 and sum(widths) == 11 and sum(widths[0::2]) % 2 == 0


def test_published_anchor_patterns():
    assert PATTERNS[0] == "212222" and PATTERNS[START_B] == "211214" and PATTERNS[START_C] == "211232"
    assert PATTERNS[103] == "211412" and PATTERNS[STOP] == "2331112"
    assert PATTERNS[CODE_C] == "113141" and PATTERNS[CODE_B] == "114131"


@pytest.mark.parametrize("text, values", [
    # Start B, A = 33, check (104 + 33) % 103 = 34.
    ("A", [START_B, 33, 34, STOP]),
    # PJJ123C (the usual worked example; set B here): (104 + 48 + 84 + 126 + 68 + 90 + 114 + 245) % 103 = 55.
    ("PJJ123C", [START_B, 48, 42, 42, 17, 18, 19, 35, 55, STOP]),
    # All digits, even: set C pairs. (105 + 12 + 2*34 + 3*56) % 103 = 44.
    ("123456", [START_C, 12, 34, 56, 44, STOP]),
])
def test_values_and_check_symbol(text, values):
    assert code128_values(text) == values


def test_a_taobao_order_number_uses_set_c_and_ends_in_set_b():
    text = "4012345678901234567"  # 19 digits: nine pairs, then the last digit in set B
    values = code128_values(text)
    assert values[0] == START_C
    assert values[1:10] == [40, 12, 34, 56, 78, 90, 12, 34, 56]
    assert values[10:12] == [CODE_B, ord("7") - 32]
    check = (values[0] + sum(i * v for i, v in enumerate(values[1:12], start=1))) % 103
    assert values[12:] == [check, STOP]
    # Eleven symbols shorter than set B alone would be.
    assert len(values) == 14 < len(text) + 3


def test_digit_runs_inside_text_switch_to_set_c_only_when_it_pays():
    values = code128_values("SO-12345678-A")
    assert values[:4] == [START_B, ord("S") - 32, ord("O") - 32, ord("-") - 32]
    assert values[4:9] == [CODE_C, 12, 34, 56, 78]
    assert values[9:12] == [CODE_B, ord("-") - 32, ord("A") - 32]
    # An odd run in the middle: its first digit stays in set B.
    odd = code128_values("A1234567B")
    assert odd[:5] == [START_B, 33, 17, CODE_C, 23] and odd[5:7] == [45, 67]
    # Short runs stay in set B.
    assert CODE_C not in code128_values("AB123CD") and CODE_C not in code128_values("X12")


def test_widths_follow_the_published_module_strings():
    assert modules_of(code128_widths("Hi")) == HI_MODULES


def test_svg_bars_read_back_to_the_same_symbols():
    text = "JD0012345678-9"
    root, modules = read_svg(str(code128_svg(text)))
    assert root.get("role") == "img" and root.get("aria-label") == text
    assert decode(modules) == code128_values(text)
    bars = list(root.iter(f"{SVG}rect"))
    # Three bars a symbol, four in the stop pattern.
    assert len(bars) == 3 * (len(code128_values(text)) - 1) + 4
    width = int(root.get("viewBox").split()[2])
    assert width == 2 * QUIET_MODULES + 11 * (len(code128_values(text)) - 1) + 13


def test_svg_of_hi_is_the_published_pattern():
    assert read_svg(str(code128_svg("Hi")))[1] == HI_MODULES


def test_text_is_escaped_in_the_label():
    svg = str(code128_svg('A"<b>&'))
    root, _ = read_svg(svg)
    assert root.get("aria-label") == 'A"<b>&' and "<b>" not in svg


@pytest.mark.parametrize("text", ["", "订单123", "tab\there", "\x7f"])
def test_text_outside_printable_ascii_is_refused(text):
    with pytest.raises(BarcodeError):
        code128_values(text)
