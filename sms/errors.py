"""The one shape of every error a person reads: what is wrong and what to do, in Thai and English."""

from __future__ import annotations


class BilingualError(Exception):
    """Raised where a person's input cannot be used; ``reason`` is a short stable code for programs."""

    def __init__(self, message_th: str, message_en: str, reason: str = ""):
        super().__init__(f"{message_th} / {message_en}")
        self.message_th, self.message_en, self.reason = message_th, message_en, reason
