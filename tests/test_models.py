"""OCR models: the folder the OCR reads with, and the checked download of better ones."""

from __future__ import annotations

import gzip
import hashlib
import io
import shutil
import tarfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from capture.bench.ocr_fonts import FONTS
from capture.core.config import CONFIG
from capture.core.errors import ExternalToolError
from capture.io import model_files as models
from capture.kit.fonts import load_font
from capture.tools import tesseract as ocr

SYSTEM = Path("/usr/share/tesseract-ocr/5/tessdata")


def _tarball(member: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        payload = gzip.compress(data)
        info = tarfile.TarInfo(member)
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    return buf.getvalue()


def _fake_model(monkeypatch, data: bytes, tampered: bool = False) -> list[str]:
    blob = _tarball("package/x/fra.traineddata.gz", data)
    spec = models.Model(
        "https://registry.example/fra.tgz",
        hashlib.sha512(blob if not tampered else b"other").hexdigest(),
        "package/x/fra.traineddata.gz",
        hashlib.sha256(data).hexdigest(),
    )
    monkeypatch.setitem(models.MODELS, "fra", spec)
    calls: list[str] = []

    def download(url: str, timeout: float) -> bytes:
        calls.append(url)
        return blob

    monkeypatch.setattr(models, "_download", download)
    return calls


def test_install_checks_hashes_and_keeps_what_is_there(monkeypatch, tmp_path) -> None:
    calls = _fake_model(monkeypatch, b"model bytes")
    (path,) = models.install("fra", tmp_path)
    assert path.read_bytes() == b"model bytes" and len(calls) == 1
    models.install("fra", tmp_path)  # already there, right hash: no second download
    assert len(calls) == 1
    path.write_bytes(b"truncated")  # a damaged copy is fetched again
    models.install("fra", tmp_path)
    assert path.read_bytes() == b"model bytes" and len(calls) == 2


def test_install_refuses_a_tampered_download(monkeypatch, tmp_path) -> None:
    _fake_model(monkeypatch, b"model bytes", tampered=True)
    with pytest.raises(ExternalToolError) as err:
        models.install("fra", tmp_path)
    assert err.value.code == "model_download"
    assert not list(tmp_path.iterdir())  # nothing half-written left behind


def test_install_offline_is_a_clear_error(monkeypatch, tmp_path) -> None:
    def offline(url: str, timeout: float) -> bytes:
        raise OSError("Network is unreachable")

    monkeypatch.setattr(models, "_download", offline)
    with pytest.raises(ExternalToolError) as err:
        models.install("fra", tmp_path)
    assert err.value.code == "model_download" and "unreachable" in err.value.message
    with pytest.raises(ExternalToolError):
        models.install("xyz", tmp_path)  # no known model for it


def test_env_folder_is_used_and_must_hold_the_languages(monkeypatch, tmp_path) -> None:
    """$CAPTURE_TESSDATA wins; Tesseract really reads with it (a copy of Debian's models
    reads a note as Debian's do); a folder without the languages is refused, not ignored."""
    for lang in ("fra", "eng"):
        shutil.copy(SYSTEM / f"{lang}.traineddata", tmp_path)
    monkeypatch.setattr(models, "default_dir", lambda: tmp_path / "none")
    img = _text("Équité")
    baseline = ocr.tesseract_pages([img], 7, CONFIG.ocr)
    monkeypatch.setenv(models.ENV_VAR, str(tmp_path))
    assert ocr.tessdata_dir(CONFIG.ocr) == str(tmp_path)
    assert ocr.tesseract_pages([img], 7, CONFIG.ocr) == baseline
    assert baseline[0][0] == "Équité"
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv(models.ENV_VAR, str(empty))
    with pytest.raises(ExternalToolError) as err:
        ocr.tessdata_dir(CONFIG.ocr)
    assert err.value.code == "tesseract_lang_missing"


def test_no_better_models_means_tesseracts_own(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv(models.ENV_VAR, raising=False)
    monkeypatch.setattr(models, "default_dir", lambda: tmp_path)
    assert ocr.tessdata_dir(CONFIG.ocr) is None
    assert ocr.tesseract_pages([_text("Sobriété")], 7, CONFIG.ocr)[0][0] == "Sobriété"


def _text(word: str) -> np.ndarray:
    img = Image.new("L", (40 + 30 * len(word), 100), 255)
    ImageDraw.Draw(img).text((20, 25), word, font=load_font(FONTS["DejaVu Sans (control)"], 40),
                             fill=0)
    return np.array(img)


def test_readings_name_their_models() -> None:
    spec = ocr.ReadingSpec.parse("line13/sharp/36/system")
    assert (spec.psm, spec.by_line, spec.style, spec.letter_px, spec.system) == (
        13, True, "sharp", 36.0, True)
    assert not ocr.ReadingSpec.parse("block/soft/36").system
    with pytest.raises(ValueError):
        ocr.ReadingSpec.parse("block/soft/36/best")


def test_without_better_models_system_readings_are_not_repeated(monkeypatch, tmp_path) -> None:
    """With only Tesseract's own models, "x" and "x/system" are the same reading: read once."""
    monkeypatch.delenv(models.ENV_VAR, raising=False)
    monkeypatch.setattr(models, "default_dir", lambda: tmp_path)
    pages: list[int] = []
    real = ocr.tesseract_pages

    def counting(images, psm, config=CONFIG.ocr, system=False):
        pages.append(len(images))
        return real(images, psm, config, system)

    monkeypatch.setattr(ocr, "tesseract_pages", counting)
    crop = np.dstack([_text("Sobriété")] * 3)
    cfg = replace(CONFIG.ocr, readings=("block/soft/36", "block/soft/36/system"))
    assert ocr.read_notes([crop], cfg)[0].text == "Sobriété"
    assert pages == [1]
