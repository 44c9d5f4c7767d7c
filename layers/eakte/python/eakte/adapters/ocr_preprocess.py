"""Per-page Tesseract options chosen from the page image itself.

Phone photos of documents are lit unevenly (a shadow, a lamp at one side): Tesseract's default
global Otsu threshold then turns half the page black and reads nothing. Sauvola's local
thresholding (Tesseract >= 5.0, `-c thresholding_method=2`) reads those pages, but costs a
little accuracy on evenly lit office scans, so it is chosen only where the paper background
varies across the page. Bilevel scans are already thresholded and are left as they are.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageFilter, UnidentifiedImageError

# Bump when the options below change: cached OCR text (samples/corpus_scans.py) keys on it.
VERSION = "sauvola-uneven-1"
SAUVOLA = ["-c", "thresholding_method=2"]
# Spread (5th to 95th percentile) of the estimated paper brightness above which the light counts
# as uneven. Flatbed scans measure 0-5, phone photos with a lamp at one side 50 and more.
UNEVEN_SPREAD = 24
_SAMPLE_SIDE = 128  # the background is estimated on a thumbnail: a few ms per page
_BACKGROUND_WINDOW = 7  # max filter on the thumbnail: wider than a text line, so ink disappears


def background_spread(image: Image.Image) -> int:
    """Spread of the paper's brightness across the page (0 = evenly lit); -1 for bilevel images."""
    if image.mode == "1":
        return -1
    gray = image.convert("L")
    small = gray.reduce(max(1, min(gray.size) // _SAMPLE_SIDE))
    histogram = small.filter(ImageFilter.MaxFilter(_BACKGROUND_WINDOW)).histogram()
    total = sum(histogram)

    def percentile(q: float) -> int:
        seen = 0
        for value, count in enumerate(histogram):
            seen += count
            if seen >= q * total:
                return value
        return 255

    return percentile(0.95) - percentile(0.05)


def page_options(path: Path) -> list[str]:
    """Extra tesseract arguments for the page image at `path` (empty for an evenly lit scan)."""
    try:
        with Image.open(path) as image:
            image.draft("L", (image.width // 4, image.height // 4))  # JPEG: decode at 1/4 size, fast
            spread = background_spread(image)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return []  # tesseract itself reports an unreadable page
    return list(SAUVOLA) if spread >= UNEVEN_SPREAD else []
