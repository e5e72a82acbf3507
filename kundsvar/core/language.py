"""Which language a customer-facing page speaks: the one asked for (?lang=), else the
browser's first language the shop answers in, else the shop's own (Swedish by default).
And which language a customer wrote in (`detect_language`), and the one we write to them
in (`promise_language`, `babel_locale`)."""

import functools
import re
import threading

from django.utils.translation.trans_real import parse_accept_lang_header

CUSTOMER_LANGUAGES = ("sv", "nb", "da", "en")
DEFAULT_LANGUAGE = "sv"
# The babel locale each language is written in (dates, weekdays, currency).
_LOCALES = {"sv": "sv_SE", "nb": "nb_NO", "da": "da_DK", "en": "en_GB"}
_CODE_ALIASES = {"no": "nb", "nn": "nb", "se": "sv"}


def promise_language(language: str | None) -> str:
    """The language we write to a customer in: theirs when it is one of ours ("sv-SE",
    "no", "nn" and "se" included), English for any other, Swedish when unknown (R7, A4)."""
    code = (language or DEFAULT_LANGUAGE).lower().split("-")[0].split("_")[0]
    code = _CODE_ALIASES.get(code, code)
    return code if code in CUSTOMER_LANGUAGES else "en"


def babel_locale(language: str | None) -> str:
    """The babel locale for a customer's language ("sv" → "sv_SE")."""
    return _LOCALES[promise_language(language)]


def shop_languages(shop) -> list[str]:
    spoken = [code for code in (shop.languages or []) if code in CUSTOMER_LANGUAGES]
    return [shop.language, *[code for code in spoken if code != shop.language]]


def customer_language(request, shop) -> str:
    allowed = shop_languages(shop)
    asked = request.GET.get("lang", "")
    if asked in CUSTOMER_LANGUAGES:
        return asked
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        code = promise_language(code)
        if code in allowed:
            return code
    return shop.language


# Detection ---------------------------------------------------------------------------
# py3langid ships its model (4.5 MB; TRAPS.md). It is restricted to the languages we answer
# in plus the ones customers of Nordic shops also write in, so a German or Finnish text
# is recognised as "not ours" (→ the fallback) instead of being forced into the nearest
# of sv/nb/da/en. It says "no" for Norwegian Bokmål; Nynorsk customers get Bokmål.
_MODEL_LANGUAGES = ("sv", "no", "nn", "da", "en", "de", "fi", "nl", "fr", "es", "it", "pl")
_ALIASES = {"no": "nb", "nn": "nb"}
# Below this many words the model guesses ("Tack!", "Takk!", "Tak!"): it decides only when
# it is this sure, otherwise the fallback does (bench/language.py measures both).
MIN_WORDS = 5
SHORT_TEXT_CONFIDENCE = 0.8
# Words only one of Bokmål and Danish uses, for the pair the model confuses most. They
# decide between the two when the model picked one of them; they never pick Swedish or
# English. Kept because they fix nb/da mistakes in the labelled set (bench/language.py).
_NB_WORDS = frozenset(
    "hei heisann hva noen noe av takk fått fikk meg deg seg dere nå mye ennå uke uker dager "
    "kjøpe kjøpt kjøpte sjekke tilbake vennlig penger gjerne ikkje".split()
)
_DA_WORDS = frozenset(
    "hej hejsa hvad nogen noget af tak fået fik mig dig sig jer jeres nu meget endnu uge uger "
    "dage købe købt købte tjekke tilbage venlig penge gerne".split()
)
_WORD = re.compile(r"[^\W\d_]+")


_LOADING = threading.Lock()


def _identifier():
    """py3langid's identifier for _MODEL_LANGUAGES, loaded on first use (0.3 s), once:
    under uvicorn the first burst of requests arrives in as many threads, and each would
    load its own copy (`functools.cache` does not hold the others back), for seconds,
    inside the transactions that store the messages."""
    with _LOADING:
        return _load_identifier()


@functools.cache
def _load_identifier():
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    try:
        return _restricted_model(MODEL_DIR / MODEL_FILE, LanguageIdentifier)
    except ValueError:  # a model file of another layout: the library's own loader
        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        identifier.set_languages(list(_MODEL_LANGUAGES))
        return identifier


def _restricted_model(path, identifier_class):
    """The model with only our languages' columns, read a slice at a time.

    py3langid's own loader holds the whole model (142 languages, 27 MB of weights) and
    its 39 MB state table twice while converting it: about 105 MB at the peak and 72 MB
    afterwards, a third of a mail worker's memory. Read column by column and streamed
    into arrays allocated once at their full size, the same numbers add some 55 MB to
    the process (the state table 39 MB of it), and the same answers come out
    (set_languages keeps the same columns in the same order)."""
    import lzma
    import shutil
    import tempfile
    import zipfile

    import numpy as np

    with tempfile.TemporaryFile(suffix=".npz") as tmp:
        with lzma.open(path) as source:
            shutil.copyfileobj(source, tmp, length=1 << 20)
        tmp.seek(0)
        with zipfile.ZipFile(tmp) as npz:
            classes = _npy(npz, "classes").tolist()
            keep = [i for i, code in enumerate(classes) if code in _MODEL_LANGUAGES]
            if len({classes[i] for i in keep}) != len(_MODEL_LANGUAGES):
                raise ValueError("the model lacks one of our languages")
            output = _npy(npz, "out_feat")
            if output.min() < -(2**31) or output.max() >= 2**31:
                raise ValueError("feature numbers past 32 bits")
            identifier = identifier_class(
                _npy_columns(npz, "ptc", keep),
                np.asarray(_npy(npz, "pc")[keep]),
                [classes[i] for i in keep],
                _npy_table(npz, "nextmove"),
                _int_array("i", output),
                norm_probs=True,
                tk_row=_npy_table(npz, "nextmove_row"),
            )
    # The walk only indexes the state table's row offsets (0 … 256 × rows): as a list of
    # Python ints they take 3.8 MB, as 32-bit numbers 0.4 MB (so does tk_output above).
    rowbase = identifier._rowbase
    if max(rowbase, default=0) >= 2**32:
        raise ValueError("row offsets past 32 bits")
    identifier._rowbase = _int_array("I", rowbase)
    return identifier


def _int_array(typecode: str, values):
    """`values` (a list or a NumPy array) as a stdlib array of `typecode`, which indexes
    as fast as a list and takes 4 bytes a number instead of 36."""
    from array import array

    import numpy as np

    return array(typecode, np.asarray(values, dtype=np.dtype(typecode)).tobytes())


def _npy_header(handle):
    import numpy as np

    version = np.lib.format.read_magic(handle)
    if version != (1, 0):
        raise ValueError(f"npy version {version}")
    shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(handle)
    if fortran_order or dtype.byteorder not in "<|=":
        raise ValueError("unexpected array layout")
    return shape, dtype


def _npy(npz, name: str):
    import numpy as np

    with npz.open(f"{name}.npy") as handle:
        return np.lib.format.read_array(handle, allow_pickle=False)


# Reads of the model's members: small, so that no buffer of megabytes is allocated and
# freed over and over (glibc kept some 14 MB of such freed buffers from the process).
_READ = 1 << 16


def _npy_columns(npz, name: str, keep: list[int]):
    """The `keep` columns of a 2-D array, into one array allocated once."""
    import numpy as np

    with npz.open(f"{name}.npy") as handle:
        (rows, columns), dtype = _npy_header(handle)
        kept = np.empty((rows, len(keep)), dtype=dtype)
        step = max(1, _READ // (columns * dtype.itemsize))
        for start in range(0, rows, step):
            take = min(step, rows - start)
            chunk = np.frombuffer(handle.read(take * columns * dtype.itemsize), dtype=dtype)
            kept[start : start + take] = chunk.reshape(take, columns)[:, keep]
    return kept


def _npy_table(npz, name: str):
    """An unsigned integer array as the stdlib array py3langid walks, allocated once at
    its full size and filled from the file."""
    import math
    from array import array

    with npz.open(f"{name}.npy") as handle:
        shape, dtype = _npy_header(handle)
        typecode = {2: "H", 4: "I", 8: "L"}.get(dtype.itemsize)
        if dtype.kind != "u" or typecode is None or array(typecode).itemsize != dtype.itemsize:
            raise ValueError(f"unexpected table type {dtype}")
        table = array(typecode, [0]) * math.prod(shape)
        size, filled = len(table) * dtype.itemsize, 0
        with memoryview(table) as view, view.cast("B") as into:
            while filled < size and (chunk := handle.read(min(_READ, size - filled))):
                into[filled : filled + len(chunk)] = chunk
                filled += len(chunk)
    if filled != size:
        raise ValueError(f"{name} is shorter than its header says")
    return table


def _nb_or_da(words: list[str], guess: str) -> str:
    nb = sum(word in _NB_WORDS for word in words)
    da = sum(word in _DA_WORDS for word in words)
    if nb == da:
        return guess
    return "nb" if nb > da else "da"


def guess_language(text: str) -> tuple[str, float, int]:
    """The model's best guess (a code, possibly one we do not answer in), how sure it is
    compared with the other languages we answer in, and how many words it had to go on."""
    words = _WORD.findall(text.lower())
    if not words:
        return "", 0.0, 0
    ranking = _identifier().rank(text)  # the raw text: it scores better than the words
    scores: dict[str, float] = {}
    for code, probability in ranking:
        code = _ALIASES.get(code, code)
        scores[code] = scores.get(code, 0.0) + probability
    # The top single label (Bokmål and Nynorsk summed made Danish texts Norwegian).
    code = _ALIASES.get(ranking[0][0], ranking[0][0])
    if code not in CUSTOMER_LANGUAGES:
        return code, scores[code], len(words)
    # Sure among our four, whatever the other languages scored: a German-looking "Hallo"
    # is already out above; "Takk!" is split between Bokmål, Danish and Swedish here.
    sure = scores[code] / sum(scores.get(ours, 0.0) for ours in CUSTOMER_LANGUAGES)
    if code in ("nb", "da"):
        code = _nb_or_da(words, code)
    return code, sure, len(words)


def detect_language(text: str, fallback: str) -> str:
    """The customer's language (sv/nb/da/en) from what they wrote — their new text and
    subject, not quoted history or signatures. `fallback` (the customer's earlier language,
    the page's, or the shop's) when the text is too short to tell or in a language we do
    not answer in."""
    code, probability, words = guess_language(text)
    if code not in CUSTOMER_LANGUAGES:
        return fallback
    if words < MIN_WORDS and probability < SHORT_TEXT_CONFIDENCE:
        return fallback
    return code
