"""What a photo that yields nothing becomes: the error codes a photo's "error_code" can take,
and the clear error (in French, for the facilitator) an empty result deserves."""

from __future__ import annotations

from capture.core.errors import PhotoError
from capture.core.model import PhotoResult

# Every code a photo's "error_code" can take (status "error"), with what a facilitator does.
PHOTO_ERROR_CODES: dict[str, str] = {
    "empty_file": "the file has 0 bytes: copy the photo again from the phone",
    "unreadable_image": "not an image, or damaged/truncated: copy it again",
    "unsupported_format": "an image format phones do not produce (GIF...): export as JPEG",
    "too_many_pixels": "more pixels than the limit (--max-megapixels): not opened",
    "too_small": "too few pixels to read a board: use the original photo",
    "no_boards": "no marker of this workshop: retake the photo closer, facing the wall",
    "foreign_workshop": "only boards of another workshop: check the workshop file",
    "out_of_memory": "not enough memory: run again with --jobs 1",
    "worker_crashed": "the analysis process died: run again with --jobs 1 (and --resume)",
    "internal_error": "a bug: the traceback is in OUT/capture.log; report it",
}


def empty_photo_error(result: PhotoResult) -> PhotoError | None:
    """The error a photo with no usable board deserves, None when it has one.

    foreign_workshop: boards were found but their QR codes name another workshop;
    no_boards: no marker of this workshop (a blank wall, the floor, a screenshot), or the
    only boards found had an impossible geometry (flagged degenerate_homography).
    """
    if result.status != "ok" or result.boards:
        return None
    name = result.file or "cette photo"
    wall = getattr(result, "markerless", None)
    if wall is not None and wall.notes:
        return None  # no board, but notes read on the wall itself
    if wall is not None and not any(f.code in ("foreign_board", "degenerate_homography")
                                    for f in result.flags):
        return PhotoError(
            f"Ni panneau de cet atelier ni post-it n'a été trouvé sur {name} : aucun carré de "
            "couleur de la taille d'un post-it ne se détache du mur (photo d'autre chose, trop "
            "loin, trop sombre ?). Reprenez la photo face au mur, post-its bien visibles.",
            code="no_boards",
        )
    flags = list(result.flags) + [f for b in result.boards for f in b.flags]
    if any(f.code == "foreign_board" for f in flags):
        return PhotoError(
            f"Les panneaux de {name} appartiennent à un autre atelier (leurs QR codes le disent) : "
            "vérifiez que vous avez donné le bon fichier d'atelier, ou retirez la photo.",
            code="foreign_workshop",
        )
    if any(f.code == "degenerate_homography" for f in flags):
        return PhotoError(
            f"Des repères sont visibles sur {name} mais aucun panneau n'a pu en être placé "
            "(géométrie impossible : un reflet, un repère découpé et collé ailleurs ?) : "
            "reprenez la photo face au mur.",
            code="no_boards",
        )
    return PhotoError(
        f"Aucun panneau de cet atelier n'a été trouvé sur {name} : les repères carrés noirs "
        "aux coins des panneaux doivent être visibles (reprenez la photo plus près, plus nette, "
        "face au mur).",
        code="no_boards",
    )
