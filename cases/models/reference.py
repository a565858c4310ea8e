"""Case references: what customers quote, short, not guessable, and easy to read out."""

import secrets

# No 0/O, 1/I/L: references are read out on the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 8  # 31**8 ≈ 8.5e11: not guessable by enumeration, still easy to read.


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
