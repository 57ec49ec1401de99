"""What makes a password guessable: the common-passwords list and the patterns it leaves out.

The list is office/data/common-passwords.txt (10,000 entries; its source and licence are in
office/data/README.md), read once per process. The rules that refuse a password, with their
messages, are in accounts.py.
"""
from __future__ import annotations

from functools import cache
from itertools import pairwise
from pathlib import Path

COMMON_LIST = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"

# A username shorter than this is not looked for inside passwords: "li" would refuse "reliable".
MIN_USERNAME_LENGTH = 3
# A block of up to this many characters repeated ("aaaaaaaa", "12121212", "passpass") is as
# guessable as the block; a long phrase typed twice is not.
MAX_REPEATED_BLOCK = 4


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(line for line in COMMON_LIST.read_text(encoding="utf-8").splitlines() if line)


def is_common(password: str) -> bool:
    """True for a password in the list (case-insensitive), one short block repeated, or one
    straight run of letters or digits: the list leaves the last two out (zxcvbn, its source,
    catches them with pattern checks instead)."""
    text = password.lower()
    return text in common_passwords() or _repeated_block(text) or _straight_run(text)


def contains_username(password: str, username: str) -> bool:
    username = username.strip().lower()
    return len(username) >= MIN_USERNAME_LENGTH and username in password.lower()


def _repeated_block(text: str) -> bool:
    n = len(text)
    return any(n % size == 0 and n > size and text == text[:size] * (n // size)
               for size in range(1, MAX_REPEATED_BLOCK + 1))


def _straight_run(text: str) -> bool:
    # "abcdefgh", "87654321": each character one step from the last, all the same way.
    if len(text) < 3 or not (text.isdigit() or (text.isascii() and text.isalpha())):
        return False
    steps = {ord(b) - ord(a) for a, b in pairwise(text)}
    return steps in ({1}, {-1})
