"""Tesseract language models: which ones the OCR uses, and installing the better ones.

Debian's tesseract-ocr-fra / -eng ship tessdata_fast, small networks built for speed. The
integer build of tessdata_best (the LSTM models of tesseract-ocr/tessdata) reads our note
crops better at the same speed here (docs/accuracy.md, "OCR models"). They are fetched from the npm
registry (the @tesseract.js-data packages), checked against pinned hashes and kept in
`<venv>/share/capture/tessdata`. Without them the OCR falls back to Tesseract's own models.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from capture.core.errors import ExternalToolError
from capture.io.atomic import atomic_write_bytes

ENV_VAR = "CAPTURE_TESSDATA"  # a folder of .traineddata files to use instead


@dataclass(frozen=True)
class Model:
    url: str  # npm tarball
    sha512: str  # of the tarball (npm's "integrity", hex)
    member: str  # gzipped traineddata inside it
    sha256: str  # of the traineddata itself


MODELS: dict[str, Model] = {
    "fra": Model(
        "https://registry.npmjs.org/@tesseract.js-data/fra/-/fra-1.0.0.tgz",
        "a69e7c80c6a8ca27680412dde72e6b9dfd165b4635f7de10ac6a99ad86ad213a"
        "8853f01179424cca40fe618dc90e0be79a0cfbb80c755268638eec84995f0910",
        "package/4.0.0_best_int/fra.traineddata.gz",
        "bf83833fa957ff0076f6aa93f69e3bdf7b014dea829ea0c0d6be6b48a3ceef6d",
    ),
    "eng": Model(
        "https://registry.npmjs.org/@tesseract.js-data/eng/-/eng-1.0.0.tgz",
        "99b4ee9a6e8a40f507cb34cf41a17739b5d89f1d12aaa7d5da769ba855500700"
        "fa2a5ecf84648b4b33a57c54d6cb43f7063821692280d96f46075f4993e65c4e",
        "package/4.0.0_best_int/eng.traineddata.gz",
        "5dc5d8d640a212c9d6184921ba103b186f50e0fed9ee716c53e6b312b400d747",
    ),
}


def language_list(languages: str) -> list[str]:
    """"fra+eng" -> ["fra", "eng"] (Tesseract's way of naming several languages)."""
    return [lang for lang in languages.split("+") if lang]


def default_dir() -> Path:
    """Where `capture models --install` puts the models: inside the running environment."""
    return Path(sys.prefix) / "share" / "capture" / "tessdata"


def models_dir(languages: str) -> Path | None:
    """The folder of better models holding every language of `languages` ("fra+eng"), or
    None: Tesseract's own models are used. $CAPTURE_TESSDATA, when set, must hold them."""
    wanted = language_list(languages)
    env = os.environ.get(ENV_VAR)
    folder = Path(env) if env else default_dir()
    if all((folder / f"{lang}.traineddata").is_file() for lang in wanted):
        return folder
    if env:
        raise ExternalToolError(
            f"{ENV_VAR}={env} ne contient pas "
            + ", ".join(f"{lang}.traineddata" for lang in wanted),
            code="tesseract_lang_missing",
        )
    return None


def _download(url: str, timeout: float) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return resp.read()


def install(languages: str, dest: Path | None = None, timeout: float = 120.0) -> list[Path]:
    """Fetch, verify and unpack the models of `languages` into dest; those already there
    with the right hash are kept. Returns the model files. Raises ExternalToolError."""
    dest = dest or default_dir()
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for lang in language_list(languages):
        model = MODELS.get(lang)
        if model is None:
            raise ExternalToolError(
                f"pas de modèle amélioré connu pour la langue {lang!r} "
                f"(connues : {', '.join(MODELS)}) ; Tesseract utilisera le sien",
                code="tesseract_lang_missing",
            )
        target = dest / f"{lang}.traineddata"
        if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == model.sha256:
            out.append(target)
            continue
        try:
            blob = _download(model.url, timeout)
        except OSError as exc:
            raise ExternalToolError(
                f"téléchargement du modèle {lang} impossible ({model.url}) : {exc}",
                code="model_download",
            ) from exc
        if hashlib.sha512(blob).hexdigest() != model.sha512:
            raise ExternalToolError(f"{model.url} : empreinte inattendue", code="model_download")
        with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
            member = tar.extractfile(model.member)
            data = gzip.decompress(member.read()) if member else b""
        if hashlib.sha256(data).hexdigest() != model.sha256:
            raise ExternalToolError(
                f"{model.url} : {model.member} inattendu", code="model_download"
            )
        out.append(atomic_write_bytes(target, data))  # never a half-written model
    return out
