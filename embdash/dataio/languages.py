"""Which languages a corpus is written in, text by text, and which catalogue models read them.

Detection is py3langid's (a faster, maintained fork of langid.py: a naive Bayes model over byte n-grams that ships
inside the package, so it works offline; 97 languages; deterministic; 1,500 to 25,000 texts a second here). It is
restricted to two-letter (ISO 639-1) languages less a few that mostly appear as mistakes on short English texts
(Latin, Volapük, Walloon...): on 2,189 Reuters articles, unrestricted it read 4.8% as Nigerian Pidgin, restricted
0.1% as anything but English. Each text is read on its own, on a seeded sample of at most SAMPLE texts; texts with
fewer than MIN_LETTERS letters are counted as too short to tell rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np
import pandas as pd

SAMPLE = 2_000
SEED = 0
MIN_LETTERS = 20
#: A language below this share of the texts read is listed as "other" (a few misread texts, not a language).
MIN_SHARE = 0.02
ENGLISH = "en"
#: Two-letter languages left out of detection: on short English texts they are mostly mistakes.
RARELY_ALONE = frozenset({"an", "wa", "vo", "la", "eo", "oc", "lb", "fy", "se", "fo", "br", "gd"})

NAMES = {
    "af": "Afrikaans", "am": "Amharic", "ar": "Arabic", "as": "Assamese", "az": "Azerbaijani", "ba": "Bashkir",
    "be": "Belarusian", "bg": "Bulgarian", "bn": "Bengali", "bs": "Bosnian", "ca": "Catalan", "cs": "Czech",
    "cy": "Welsh", "da": "Danish", "de": "German", "dz": "Dzongkha", "el": "Greek", "en": "English", "es": "Spanish",
    "et": "Estonian", "eu": "Basque", "fa": "Persian", "fi": "Finnish", "fr": "French", "ga": "Irish",
    "gl": "Galician", "gu": "Gujarati", "ha": "Hausa", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian",
    "ht": "Haitian Creole", "hu": "Hungarian", "hy": "Armenian", "id": "Indonesian", "ig": "Igbo", "is": "Icelandic",
    "it": "Italian", "ja": "Japanese", "jv": "Javanese", "ka": "Georgian", "kk": "Kazakh", "km": "Khmer",
    "kn": "Kannada", "ko": "Korean", "ku": "Kurdish", "ky": "Kyrgyz", "lg": "Ganda", "ln": "Lingala", "lo": "Lao",
    "lt": "Lithuanian", "lv": "Latvian", "mg": "Malagasy", "mk": "Macedonian", "ml": "Malayalam", "mn": "Mongolian",
    "mr": "Marathi", "ms": "Malay", "mt": "Maltese", "my": "Burmese", "ne": "Nepali", "nl": "Dutch",
    "nn": "Norwegian Nynorsk", "no": "Norwegian", "om": "Oromo", "or": "Odia", "pa": "Punjabi", "pl": "Polish",
    "ps": "Pashto", "pt": "Portuguese", "qu": "Quechua", "ro": "Romanian", "ru": "Russian", "rw": "Kinyarwanda",
    "sa": "Sanskrit", "si": "Sinhala", "sk": "Slovak", "sl": "Slovenian", "sn": "Shona", "so": "Somali",
    "sq": "Albanian", "sr": "Serbian", "st": "Sotho", "sv": "Swedish", "sw": "Swahili", "ta": "Tamil", "te": "Telugu",
    "tg": "Tajik", "th": "Thai", "tk": "Turkmen", "tl": "Tagalog", "tr": "Turkish", "tt": "Tatar", "ug": "Uyghur",
    "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese", "xh": "Xhosa", "yo": "Yoruba",
    "zh": "Chinese", "zu": "Zulu",
}
#: Codes a language column may hold besides languages (Twitter's, ISO 639-2's).
SPECIAL_CODES = {"und": "undetermined", "zxx": "no language", "mul": "several languages"}
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


@dataclass(frozen=True)
class LanguageReport:
    """The languages of a corpus's texts, as shares of the sampled texts long enough to tell."""

    shares: tuple[tuple[str, float], ...]  # (ISO 639-1 code, share), largest first
    n_read: int  # texts sampled
    n_too_short: int  # of them, too short to tell

    @property
    def main(self) -> str | None:
        """The main language's code, or None when no text was long enough to tell."""
        return self.shares[0][0] if self.shares else None

    @property
    def main_share(self) -> float:
        return self.shares[0][1] if self.shares else 0.0

    @property
    def mostly_english(self) -> bool:
        """Most texts are English (or there is too little text to tell: nothing to warn about)."""
        return self.main is None or (self.main == ENGLISH and self.main_share >= 0.5)

    def listed(self) -> list[tuple[str, float]]:
        """(name, share) of each language of at least MIN_SHARE, then "other" for the rest, if any."""
        kept = [(language_name(code), share) for code, share in self.shares if share >= MIN_SHARE]
        rest = 1.0 - sum(share for _, share in kept)
        return kept + ([("other", rest)] if rest > 1e-9 and len(kept) < len(self.shares) else [])

    def summary(self) -> str:
        """E.g. "Slovenian 93%, Croatian 1%, other 6% (of 1,740 texts; 12 too short to tell)"."""
        if not self.shares:
            return f"too little text to tell (of {self.n_read:,} texts read)"
        parts = ", ".join(f"{name} {share:.0%}" for name, share in self.listed())
        short = f"; {self.n_too_short:,} too short to tell" if self.n_too_short else ""
        return f"{parts} (of {self.n_read:,} texts read{short})"


def language_report(texts: Sequence[str], sample: int = SAMPLE, seed: int = SEED) -> LanguageReport:
    """Each sampled text's language (see the module's docstring), counted."""
    texts = list(texts)
    if len(texts) > sample:
        rows = np.sort(np.random.default_rng(seed).choice(len(texts), sample, replace=False))
        texts = [texts[row] for row in rows]
    long_enough = [t for t in texts if isinstance(t, str) and len(_LETTER.findall(t)) >= MIN_LETTERS]
    identifier = _identifier()
    counts = pd.Series([identifier.classify(text)[0] for text in long_enough], dtype=object).value_counts()
    total = int(counts.sum())
    shares = tuple((str(code), count / total) for code, count in counts.items()) if total else ()
    return LanguageReport(shares=shares, n_read=len(texts), n_too_short=len(texts) - len(long_enough))


def language_name(code: str) -> str:
    return NAMES.get(code) or SPECIAL_CODES.get(code, code)


def column_languages(values: pd.Series) -> dict[str, float] | None:
    """The shares of a column that names each text's language (ISO codes such as "en", "es", "und"), or None when
    its values are not language codes."""
    codes = values.dropna().astype(str).str.strip().str.lower()
    codes = codes[codes != ""]
    if len(codes) == 0:
        return None
    known = codes.isin(set(NAMES) | set(SPECIAL_CODES)) | codes.str.fullmatch(r"[a-z]{2}[-_][a-z]{2,4}")
    if known.mean() < 0.9:
        return None
    codes = codes.where(codes.isin(set(SPECIAL_CODES)), codes.str[:2])  # "en-GB" counts as English
    return {str(code): float(share) for code, share in codes.value_counts(normalize=True).items()}


def shares_text(shares: dict[str, float]) -> str:
    """E.g. "English 97%, Spanish 2%, other 1%": languages of at least MIN_SHARE, then the rest as "other"."""
    kept = [(code, share) for code, share in shares.items() if share >= MIN_SHARE]
    rest = 1.0 - sum(share for _, share in kept)
    parts = [f"{language_name(code)} {share:.0%}" for code, share in kept]
    return ", ".join(parts + ([f"other {rest:.0%}"] if len(kept) < len(shares) and rest > 1e-9 else []))


def language_column(frame: pd.DataFrame) -> str | None:
    """A column of the table that names each text's language ("Language", "lang"), if there is one."""
    for name in frame.columns:
        if re.fullmatch(r"(text[ _]?)?lang(uage)?([ _]?code)?", str(name).strip(), re.IGNORECASE) \
                and column_languages(frame[name]) is not None:
            return str(name)
    return None


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages([code for code in identifier.labels if len(code) == 2 and code not in RARELY_ALONE])
    return identifier
