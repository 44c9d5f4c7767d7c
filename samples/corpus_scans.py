"""Render the generated corpus (samples/corpus.py) to degraded scans and OCR them through the
project's own OCR path (TesseractOcrEngine -> Textract-shaped blocks -> logic.ocr_text).

    python -m samples.corpus_scans [--per-type 48] [--workers 1]   # prints a summary

Degradations: a clean office scan, a bilevel (1-bit) scanner copy with skew and speckles,
and a phone photo (rotation, blur, uneven light, low JPEG quality, lower resolution).
OCR results are cached in .cache/ocr/ (gitignored) keyed by the SHA-256 of the image bytes and
the OCR languages, so retraining does not OCR again. Run it niced: the machine is shared."""

from __future__ import annotations

import argparse
import hashlib
import io
import random
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "layers" / "eakte" / "python"))

from eakte.adapters.memory import MemoryObjectStore  # noqa: E402
from eakte.adapters.ocr_preprocess import VERSION as PREPROCESS_VERSION  # noqa: E402
from eakte.adapters.tesseract import DEFAULT_LANGUAGES, TesseractOcrEngine  # noqa: E402
from eakte.logic.ocr_text import parse_ocr  # noqa: E402
from eakte.models.document import MediaType  # noqa: E402
from eakte.ports import ObjectRef  # noqa: E402
from samples.corpus import CorpusDocument, corpus_documents  # noqa: E402

CACHE = ROOT / ".cache" / "ocr"
FONTS = Path("/usr/share/fonts/truetype/dejavu")
WIDTH, HEIGHT = 1240, 1754  # A4 at 150 dpi
DEGRADATIONS = ("clean", "scanner", "phone")


@dataclass(frozen=True)
class Scan:
    document: CorpusDocument
    degradation: str
    media_type: MediaType
    data: bytes


def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / f"{name}.ttf"), size)


def render(doc: CorpusDocument, rng: random.Random) -> Image.Image:
    img = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(img)
    family = rng.choice(["DejaVuSans", "DejaVuSerif", "DejaVuSansCondensed"])
    size = rng.randint(22, 28)
    x, y = rng.randint(90, 140), rng.randint(90, 160)
    mrz_lines = [ln for ln in doc.lines if "<" in ln and len(ln) >= 28 and " " not in ln]
    for i, line in enumerate(ln for ln in doc.lines if ln not in mrz_lines):
        title = i <= 1 and len(line) < 60
        font = _font(f"{family}-Bold" if title else family, size + (8 if title else 0))
        draw.text((x, y), line, font=font, fill=0)
        y += int((size + (8 if title else 0)) * rng.uniform(1.5, 1.9))
    if mrz_lines:
        y = max(y + 40, HEIGHT - 80 - 48 * len(mrz_lines))
        mono = _font("DejaVuSansMono", 30)
        for line in mrz_lines:
            draw.text((x, y), line, font=mono, fill=0)
            y += 48
    return img


def _seeded_noise(size: tuple[int, int], sigma: float, rng: random.Random) -> Image.Image:
    """Noise like Image.effect_noise's (around 128, spread `sigma`) drawn from `rng`. effect_noise
    draws from the C library's global generator, whose state depends on all the process drew
    before, in any thread: a page degraded in a worker thread came out different on every run, so
    its OCR was never found in the cache (and its figures moved from run to run)."""
    n = size[0] * size[1]
    two = ImageChops.add(Image.frombytes("L", size, rng.randbytes(n)), Image.frombytes("L", size, rng.randbytes(n)),
                         scale=2.0)  # the mean of two uniform draws: around 127.5, spread about 52
    return two.point(lambda v: max(0, min(255, round(128 + (v - 127.5) * sigma / 52))))


def degrade(img: Image.Image, kind: str, rng: random.Random, seeded_noise: bool = False) -> tuple[bytes, MediaType]:
    """`seeded_noise`: the scanner's noise from `rng` (_seeded_noise); the corpus keeps
    effect_noise, which is repeatable there (drawn in order in the main thread), so that its
    cached OCR stays valid."""
    if kind == "clean":
        out = io.BytesIO()
        img.save(out, "PNG")
        return out.getvalue(), MediaType.PNG
    if kind == "scanner":
        img = img.rotate(rng.uniform(-1.2, 1.2), fillcolor=255, resample=Image.Resampling.BILINEAR)
        sigma = rng.uniform(20, 40)
        noise = _seeded_noise(img.size, sigma, rng) if seeded_noise else Image.effect_noise(img.size, sigma)
        img = Image.blend(img, noise, 0.12)
        img = img.point(lambda v: 255 if v > rng.randint(150, 175) else 0).convert("1")
        out = io.BytesIO()
        img.save(out, "PNG")
        return out.getvalue(), MediaType.PNG
    # phone photo
    img = img.rotate(rng.uniform(-3, 3), fillcolor=235, resample=Image.Resampling.BICUBIC, expand=True)
    scale = rng.uniform(0.75, 0.9)
    img = img.resize((int(img.width * scale), int(img.height * scale)), Image.Resampling.BILINEAR)
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.0)))
    gradient = Image.linear_gradient("L").rotate(rng.choice([0, 90, 180, 270])).resize(img.size)
    img = ImageChops.multiply(img, gradient.point(lambda v: 190 + v * 65 // 255))  # uneven light
    out = io.BytesIO()
    img.convert("RGB").save(out, "JPEG", quality=rng.randint(40, 60))
    return out.getvalue(), MediaType.JPEG


def scan(doc: CorpusDocument, stream: str, seeded_noise: bool = False) -> Scan:
    """`doc` rendered and degraded (the degradation rotating with its index), from the random
    stream named `stream` (see degrade for `seeded_noise`)."""
    rng = random.Random(stream)
    kind = DEGRADATIONS[doc.index % len(DEGRADATIONS)]
    data, media_type = degrade(render(doc, rng), kind, rng, seeded_noise)
    return Scan(doc, kind, media_type, data)


def scans(per_type: int = 18, seed: int = 3, held_out_only: bool = False) -> list[Scan]:
    return [scan(doc, f"{seed}:{doc.index}") for doc in corpus_documents(per_type=per_type, seed=seed)
            if doc.held_out or not held_out_only]


def ocr_text(scan: Scan, engine: TesseractOcrEngine, store: MemoryObjectStore) -> str:
    # the OCR options are part of the key: a change to them must not reuse stale text
    key = hashlib.sha256(scan.data + DEFAULT_LANGUAGES.encode() + PREPROCESS_VERSION.encode()).hexdigest()
    cached = CACHE / f"{key}.txt"
    if cached.exists():
        return cached.read_text(encoding="utf-8")
    ref = ObjectRef("corpus", f"{key}.{scan.media_type.name.lower()}")
    store.put(ref, scan.data, scan.media_type.value)
    result = engine.recognize(ref, scan.media_type, key)
    text = parse_ocr(result.responses).text  # type: ignore[union-attr]
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_text(text, encoding="utf-8")
    return text


def ocr_corpus(per_type: int = 18, seed: int = 3, workers: int = 1,
               held_out_only: bool = False) -> list[tuple[Scan, str]]:
    """Every scan of the corpus (or of its held-out split) with its OCR text (cached)."""
    store = MemoryObjectStore()
    engine = TesseractOcrEngine(store, dpi=150, max_workers=1)
    all_scans = scans(per_type, seed, held_out_only)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        texts = list(pool.map(lambda s: ocr_text(s, engine, store), all_scans))
    return list(zip(all_scans, texts, strict=True))


def ocr_pages(docs: Sequence[CorpusDocument], stream: Callable[[CorpusDocument], str],
              workers: int = 1) -> list[tuple[str, str]]:
    """(degradation, OCR text) of each of `docs` (cached like the corpus), each page rendered,
    OCR'd and let go in turn, in worker threads (so with seeded noise): thousands of page images
    are not held in memory."""
    def one(doc: CorpusDocument) -> tuple[str, str]:
        page = scan(doc, stream(doc), seeded_noise=True)
        store = MemoryObjectStore()
        return page.degradation, ocr_text(page, TesseractOcrEngine(store, dpi=150, max_workers=1), store)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(one, docs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-type", type=int, default=48)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    done = ocr_corpus(args.per_type, workers=args.workers)
    chars = sum(len(t) for _, t in done)
    print(f"{len(done)} scans OCR'd ({chars} characters), cache {CACHE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
